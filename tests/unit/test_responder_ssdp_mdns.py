"""SSDP and mDNS responders: search matching, header order, NOTIFY, DNS-SD answers, hostile input."""

from __future__ import annotations

import pytest
from responder_fixtures import PEER, converse, site_device, split_response
from zeroconf import DNSIncoming, DNSOutgoing, DNSQuestion
from zeroconf.const import _CLASS_IN, _FLAGS_QR_QUERY, _TYPE_A, _TYPE_PTR, _TYPE_SRV

from netfinger.lab.responders import RESPONDERS

SSDP = RESPONDERS["ssdp"]
MDNS = RESPONDERS["mdns"]


def msearch(st: str, man: str = '"ssdp:discover"') -> bytes:
    head = "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
    return f"{head}MAN: {man}\r\nMX: 2\r\nST: {st}\r\n\r\n".encode()


def test_dahua_search_responses_carry_the_serial_udn_in_capture_order() -> None:
    dev = site_device("dahua-ipc-hfw3441t-2020")
    out = SSDP.on_datagram(dev, msearch("ssdp:all"), PEER, 1900)
    assert len(out) == 3 and {d.dest for d in out} == {PEER}
    status, headers, body = split_response(out[1].data)
    assert status == "HTTP/1.1 200 OK" and body == b""
    assert [k for k, _ in headers] == [
        "CACHE-CONTROL",
        "DATE",
        "EXT",
        "X-User-Agent",
        "LOCATION",
        "SERVER",
        "ST",
        "USN",
    ]
    assert dict(headers)["ST"] == dict(headers)["USN"] == "uuid:www.dahuatech.com.device_3_0-6J0A3B2PAZ4C5D1"
    assert dict(headers)["LOCATION"] == "http://10.77.0.41:49152/upnp_device_desc.xml"
    assert dict(headers)["EXT"] == ""


@pytest.mark.parametrize(
    ("st", "count"),
    [
        ("upnp:rootdevice", 1),
        ("urn:schemas-upnp-org:device:InternetGatewayDevice:1", 1),
        ("urn:schemas-upnp-org:device:MediaRenderer:1", 0),
    ],
)
def test_specific_search_targets(st: str, count: int) -> None:
    out = SSDP.on_datagram(site_device("netgear-r7000-router"), msearch(st), PEER, 1900)
    assert len(out) == count
    if count:
        assert dict(split_response(out[0].data)[1])["ST"] == st


@pytest.mark.parametrize(
    "data",
    [
        msearch("ssdp:all", man="ssdp:discover-not"),
        b"NOTIFY * HTTP/1.1\r\n\r\n",
        b"",
        b"\xff" * 5000,
        b'M-SEARCH * HTTP/1.1\r\nMAN: "ssdp:discover"\r\n\r\n',
    ],
)
def test_non_searches_get_no_reply(data: bytes) -> None:
    assert SSDP.on_datagram(site_device("netgear-r7000-router"), data, PEER, 1900) == []


def test_notify_at_start_and_description_on_its_own_port() -> None:
    dev = site_device("netgear-r7000-router")
    notes = SSDP.announcements(dev)
    assert len(notes) == 4 and {d.dest for d in notes} == {("239.255.255.250", 1900)}
    assert notes[0].data.startswith(b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n")
    assert b"NTS: ssdp:alive\r\n" in notes[0].data
    assert [e.port for e in SSDP.tcp_endpoints(dev)] == [5000]
    status, _, body = split_response(
        converse("ssdp", dev, 5000, b"GET /Public_UPNP_gatedesc.xml HTTP/1.1\r\n\r\n")
    )
    assert status == "HTTP/1.1 200 OK"
    assert b"<deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>" in body
    assert split_response(converse("ssdp", dev, 5000, b"GET /other HTTP/1.1\r\n\r\n"))[0].endswith(
        "404 Not Found"
    )


def query(name: str, qtype: int) -> bytes:
    out = DNSOutgoing(_FLAGS_QR_QUERY, True)
    out.add_question(DNSQuestion(name, qtype, _CLASS_IN))
    return out.packets()[0]


def test_mdns_ptr_query_gets_ptr_srv_txt_and_a() -> None:
    out = MDNS.on_datagram(
        site_device("axis-p3245-lve"), query("_axis-video._tcp.local.", _TYPE_PTR), ("10.77.0.1", 5353), 5353
    )
    assert [d.dest for d in out] == [("224.0.0.251", 5353)]
    records = DNSIncoming(out[0].data).answers()
    by_type = {r.type: r for r in records}
    assert by_type[_TYPE_PTR].alias == "AXIS P3245-LVE - ACCC8E0A1B2C._axis-video._tcp.local."
    assert by_type[_TYPE_SRV].port == 80 and by_type[_TYPE_SRV].server == "axis-accc8e0a1b2c.local."
    assert by_type[16].text == b"\x17macaddress=ACCC8E0A1B2C"
    assert by_type[_TYPE_A].address == b"\x0a\x4d\x00\x3d"


def test_mdns_meta_query_lists_types_and_legacy_unicast_goes_back() -> None:
    dev = site_device("synology-ds920")
    out = MDNS.on_datagram(dev, query("_services._dns-sd._udp.local.", _TYPE_PTR), ("10.77.0.1", 40000), 5353)
    assert [d.dest for d in out] == [("10.77.0.1", 40000)]
    msg = DNSIncoming(out[0].data)
    assert [q.name for q in msg.questions] == ["_services._dns-sd._udp.local."]
    assert sorted(r.alias for r in msg.answers()) == ["_http._tcp.local.", "_smb._tcp.local."]


def test_mdns_ignores_other_names_and_garbage() -> None:
    dev = site_device("hp-laserjet-m404dn")
    assert MDNS.on_datagram(dev, query("_googlecast._tcp.local.", _TYPE_PTR), ("10.77.0.1", 5353), 5353) == []
    assert MDNS.on_datagram(dev, b"\x00" * 3, ("10.77.0.1", 5353), 5353) == []
    assert MDNS.on_datagram(dev, b"\xff" * 300, ("10.77.0.1", 5353), 5353) == []
    announce = MDNS.announcements(dev)
    assert len(announce) == 1 and announce[0].dest == ("224.0.0.251", 5353)

"""Each passive decoder, byte for byte, on one frame: the same parsers (and fields) as the active probes."""

from __future__ import annotations

import struct

import passive_build as pb
from captures import capture
from scapy.layers.dhcp6 import (
    DUID_LL,
    VENDOR_CLASS_DATA,
    DHCP6_Solicit,
    DHCP6OptClientFQDN,
    DHCP6OptClientId,
    DHCP6OptOptReq,
    DHCP6OptVendorClass,
)
from scapy.layers.inet import UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether

from netfinger.fields import is_known_field
from netfinger.passive import frames
from netfinger.passive.interface import LINKTYPE_ETHERNET, Record
from netfinger.passive.session import PassiveSession
from netfinger.protocols import dhcp, dhip, sadp, ssdp, tls_handshake, wsd


def session_of(*raw: bytes) -> PassiveSession:
    s = PassiveSession()
    for i, frame in enumerate(raw):
        s.feed(Record(1000.0 + i, LINKTYPE_ETHERNET, frame, len(frame)))
    s.finish()
    return s


def host(s: PassiveSession, ip: str | None = None, mac: str | None = None):  # type: ignore[no-untyped-def]
    found = [h for h in s.store.hosts() if (ip is None or h.ip == ip) and (mac is None or h.mac == mac)]
    assert len(found) == 1, [(h.ip, h.mac) for h in s.store.hosts()]
    return found[0]


def fields(h) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    out: dict[str, list[str]] = {}
    for o in h.observations:
        out.setdefault(o.field, []).append(o.value)
    return out


def test_dhcp_discover_options_in_order() -> None:
    frame = pb.dhcp_discover(pb.AMCREST[0], b"AMC0957EE72D5819C5", [1, 3, 4, 5, 6, 12, 15, 28, 42])
    h = host(session_of(frame), mac=pb.AMCREST[0])
    assert h.ip is None  # a DISCOVER comes from 0.0.0.0: the host is known by its MAC
    f = fields(h)
    assert f["dhcp.hostname"] == ["AMC0957EE72D5819C5"]
    assert f["dhcp.param_list"] == ["1,3,4,5,6,12,15,28,42"]
    assert f["dhcp.options"] == ["53,55,12,61,255"]
    assert f["dhcp.client_id"] == ["019c8ecd0a0b0c"]
    assert f["dhcp.message_type"] == ["discover"]
    assert all(is_known_field(name) for name in f)


def test_dhcp_request_gives_the_address_and_server_messages_are_not_client_evidence() -> None:
    frame = pb.dhcp_discover(pb.AMCREST[0], b"AMC0957EE72D5819C5", [1, 3, 6], request=pb.AMCREST[1])
    assert host(session_of(frame), mac=pb.AMCREST[0]).ip == pb.AMCREST[1]
    offer = bytearray(frame[42:])
    offer[0] = 2  # BOOTREPLY
    assert dhcp.observations(dhcp.parse_v4(bytes(offer)), "x") == []


def test_dhcpv6_solicit() -> None:
    mac = "3c:ef:8c:11:22:33"
    msg = (DHCP6_Solicit(trid=7) / DHCP6OptClientId(duid=DUID_LL(lladdr=mac))
           / DHCP6OptOptReq(reqopts=[23, 24, 39]) / DHCP6OptClientFQDN(fqdn="ipc-hfw2228m.lan.")
           / DHCP6OptVendorClass(enterprisenum=1, vcdata=[VENDOR_CLASS_DATA(data=b"dahua-ipc")]))
    frame = bytes(Ether(src=mac, dst="33:33:00:01:00:02") / IPv6(src="fe80::1", dst="ff02::1:2")
                  / UDP(sport=546, dport=547) / msg)
    f = fields(host(session_of(frame), mac=mac))
    assert f["dhcp.param_list"] == ["23,24,39"]
    assert f["dhcp.fqdn"] == ["ipc-hfw2228m.lan"]
    assert f["dhcp.vendor_class"] == ["dahua-ipc"]
    assert f["dhcp.message_type"] == ["solicit"]


def test_sadp_probematch_is_the_probe_parser() -> None:
    payload = capture("sadp/hikvision_ds-2cd2320d-i_probematch.xml")
    frame = pb.udp(pb.HIK_SADP, "239.255.255.250", 37020, 37020, payload)
    h = host(session_of(frame), ip=pb.HIK_SADP[1])
    expected = sadp.observations(sadp.parse_reply(payload), "udp/37020")
    assert [o for o in h.observations if o.field.startswith("sadp.")] == expected
    assert h.mac == pb.HIK_SADP[0]  # multicast: the frame's source MAC is the sender's own
    assert h.raw[0].data == payload


def test_sadp_inquiry_sender_is_a_client() -> None:
    inquiry = sadp.build_inquiry("F93CF8DC-DF53-424B-98A7-9FC0536E1083")
    s = session_of(pb.udp(pb.TOOL_PC, "239.255.255.250", 37020, 37020, inquiry))
    h = host(s, ip=pb.TOOL_PC[1])
    assert s.store.seen[id(h)].signals == ["sadp-inquiry"] and s.store.seen[id(h)].roles == {"client"}
    assert not [o for o in h.observations if o.field.startswith("sadp.")]


def test_sadp_hello_reads_like_a_probematch() -> None:
    body = capture("sadp/hikvision_ds-2cd2320d-i_probematch.xml").replace(b"ProbeMatch>", b"Hello>")
    s = session_of(pb.udp(pb.HIK_SADP, "239.255.255.250", 37020, 37020, body))
    h = host(s, ip=pb.HIK_SADP[1])
    assert s.store.seen[id(h)].signals == ["sadp-hello"]
    assert fields(h)["sadp.DeviceDescription"] == ["DS-2CD2320D-I"]


def test_dhip_reply_and_search() -> None:
    payload = capture("dhip/dahua_ipc-hdw1431t1-s4_compact.bin")
    reply = pb.udp(("38:af:29:5b:c2:7e", "192.168.1.108"), "239.255.255.251", 37810, 37810, payload)
    search = pb.udp(pb.TOOL_PC, "239.255.255.251", 37810, 37810, dhip.build_search())
    s = session_of(reply, search)
    h = host(s, ip="192.168.1.108")
    assert [o for o in h.observations if o.field.startswith("dhip.")] == dhip.observations(
        dhip.parse_reply(payload), "udp/37810")
    assert s.store.seen[id(host(s, ip=pb.TOOL_PC[1]))].signals == ["dhip-search"]


def test_wsd_hello_and_ssdp_notify_on_tagged_frames() -> None:
    hello = capture("wsd/dahua_ipc-hfw2228m-i1-v2_hello.xml")
    notify = capture("ssdp/notify_alive_lf_mixed_case.txt")
    s = session_of(pb.udp(pb.DAHUA_WSD, "239.255.255.250", 3702, 3702, hello, vlans=(10,)),
                   pb.udp(pb.AMCREST, "239.255.255.250", 1900, 1900, notify, vlans=(100, 10)))
    w = host(s, ip=pb.DAHUA_WSD[1])
    assert [o for o in w.observations if o.field.startswith("wsd.")] == wsd.observations(
        wsd.parse_message(hello), "udp/3702")
    a = host(s, ip=pb.AMCREST[1])
    assert [o for o in a.observations if o.field.startswith("ssdp.")] == ssdp.observations(
        ssdp.parse_message(notify), "udp/1900")
    assert s.store.seen[id(a)].signals == ["ssdp-notify"]


def test_dns_query_is_about_the_asker_and_answers_are_not_read() -> None:
    query = pb.dns_query(pb.PHONE, "litedev.ezvizlife.com", 4)
    answer = bytearray(query)
    answer[44] |= 0x80  # QR bit: a response
    s = session_of(query, bytes(answer))
    assert fields(host(s, ip=pb.PHONE[1]))["dns.query"] == ["litedev.ezvizlife.com"]
    assert s.counts.per_decoder["dns"] == 1


def test_mdns_response_describes_its_sender() -> None:
    f = fields(host(session_of(pb.mdns_printer()), ip=pb.PRINTER[1]))
    assert f["mdns.service"] == ["_ipp._tcp.local."]
    assert f["mdns.instance"] == ["Brother HL-L2350DW series"]
    assert f["mdns.hostname"] == ["BRN008077123456.local"]
    assert f["mdns.txt.usb_mfg"] == ["Brother"]


def test_tls_certificate_and_sni() -> None:
    der = capture("tls/dahua_nvr_ca_nbsp_issuer.der")
    flight = pb.tls_server_flight(der)
    assert tls_handshake.server_certificates(flight) == [der]
    hello = pb.tls_client_hello("apiieu.hik-connect.com")
    assert tls_handshake.client_hello_sni(hello) == "apiieu.hik-connect.com"
    s = session_of(*pb.exchange(pb.PHONE, pb.DAHUA_NVR, 50000, 443, [(hello, flight)]))
    assert fields(host(s, ip=pb.DAHUA_NVR[1]))["tls.issuer.cn"] == ["Dahua\xa0Device\xa0NVR\xa0CA"]
    assert fields(host(s, ip=pb.PHONE[1]))["tls.sni"] == ["apiieu.hik-connect.com"]
    assert tls_handshake.server_certificates(flight[:40]) == []  # cut mid-certificate: nothing, no error


def test_http_and_rtsp_streams() -> None:
    isapi = pb.http_response(capture("http/hikvision_isapi_deviceinfo.xml"))
    root = capture("http/hikvision_ipc_get_root.txt")
    http_frames = pb.exchange(pb.VMS, pb.HIK_ISAPI, 50100, 80,
                              [(pb.http_get("/", pb.HIK_ISAPI[1]), root),
                               (pb.http_get("/ISAPI/System/deviceInfo", pb.HIK_ISAPI[1]), isapi)], seg=100)
    rtsp_frames = pb.exchange(pb.VMS, pb.DAHUA_DHIP, 50101, 554, [
        (pb.rtsp_request("OPTIONS", "rtsp://x/", 2), capture("rtsp/dahua_options_401.txt"))])
    s = session_of(*http_frames, *rtsp_frames)
    f = fields(host(s, ip=pb.HIK_ISAPI[1]))
    assert f["http.isapi.model"] == ["DS-2CD7A47FWD-XZS"]
    assert f["http.header.server"] == ["App-webs/"]
    assert f["http.hik_login"] == ["true"]
    assert fields(host(s, ip=pb.DAHUA_DHIP[1]))["rtsp.auth.realm"] == ["Login to 4M0747EPAA1D284"]


def test_qinq_and_ipv6_frames() -> None:
    frame = pb.udp(pb.DAHUA_DHIP, "239.255.255.251", 37810, 37810, b"x", vlans=(100, 10))
    pkt, note = frames.decode(Record(0.0, LINKTYPE_ETHERNET, frame, len(frame)))
    assert note is None and pkt is not None and (pkt.dport, pkt.payload) == (37810, b"x")
    five_tags = frame[:12] + b"\x81\x00\x00\x01" * 5 + frame[12:]
    _, note = frames.decode(Record(0.0, LINKTYPE_ETHERNET, five_tags, len(five_tags)))
    assert note == "more than 4 VLAN tags"


def test_udp_length_lie_is_noted_not_trusted() -> None:
    frame = bytearray(pb.udp(pb.AMCREST, "239.255.255.250", 1900, 1900, b"NOTIFY * HTTP/1.1\r\n\r\n"))
    frame[38:40] = struct.pack("!H", 9000)
    pkt, note = frames.decode(Record(0.0, LINKTYPE_ETHERNET, bytes(frame), len(frame)))
    assert note is not None and "UDP length 9000" in note
    assert pkt is not None and pkt.payload == b"NOTIFY * HTTP/1.1\r\n\r\n"


def test_fragmented_hello_is_reassembled_in_any_order() -> None:
    from scapy.layers.inet import IP, fragment

    body = capture("wsd/hikvision_ds-2cd3955fwd-iws_probematches.xml")
    datagram = IP(src="192.168.1.9", dst="239.255.255.250", id=77) / UDP(sport=3702, dport=3702) / body
    pieces = [bytes(Ether(src="44:19:b6:00:00:09", dst=pb.MCAST_MAC) / f) for f in fragment(datagram, 512)]
    assert len(pieces) > 3
    for order in (pieces, pieces[::-1], pieces[1:] + pieces[:1]):
        f = fields(host(session_of(*order), ip="192.168.1.9"))
        assert f["wsd.action"] == ["ProbeMatches"]
    assert not session_of(*pieces[:-1]).store.hosts()  # a datagram missing its last piece is not read

"""WS-Discovery responder: RelatesTo echo, vendor envelopes, endpoint shapes, type filter, Hello."""

from __future__ import annotations

import re

import defusedxml.ElementTree as SafeET
import pytest
from responder_fixtures import PEER, make_device, site_device

from netfinger.lab.responders import RESPONDERS
from netfinger.lab.wire import wsd

WSD = RESPONDERS["wsd"]
A04 = "{http://schemas.xmlsoap.org/ws/2004/08/addressing}"
D05 = "{http://schemas.xmlsoap.org/ws/2005/04/discovery}"


def probe(message_id: str, types: str = "dn:NetworkVideoTransmitter") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<Envelope xmlns="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing">'
        f"<Header><wsa:MessageID>{message_id}</wsa:MessageID>"
        "<wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>"
        "<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</wsa:Action></Header>"
        '<Body><Probe xmlns="http://schemas.xmlsoap.org/ws/2005/04/discovery">'
        f'<Types xmlns:dn="http://www.onvif.org/ver10/network/wsdl" '
        f'xmlns:tds="http://www.onvif.org/ver10/device/wsdl">{types}</Types>'
        "<Scopes /></Probe></Body></Envelope>"
    ).encode()


@pytest.mark.parametrize(
    "message_id", ["uuid:bfe8bb88-1c4e-4d5c-9b1a-0c1d2e3f4a5b", "urn:uuid:0a1b-XYZ", "odd id"]
)
@pytest.mark.parametrize("name", ["hik-ds2cd2142fwd-2016", "dahua-ipc-hfw3441t-2020", "axis-p3245-lve"])
def test_relates_to_echoes_the_probe_message_id_exactly(name: str, message_id: str) -> None:
    out = WSD.on_datagram(site_device(name), probe(message_id), PEER, 3702)
    assert len(out) == 1 and out[0].dest == PEER
    root = SafeET.fromstring(out[0].data)
    assert root.find(f".//{A04}RelatesTo").text == message_id


def test_hikvision_envelope_endpoint_and_scopes() -> None:
    data = WSD.on_datagram(site_device("hik-ds2cd2143g0-2020"), probe("uuid:1"), PEER, 3702)[0].data
    text = data.decode()
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope ')
    assert 'xmlns:wsadis="http://schemas.xmlsoap.org/ws/2004/08/addressing"' in text
    assert 'xmlns:wsa="http://www.w3.org/2005/08/addressing"' in text
    root = SafeET.fromstring(data)
    endpoint = root.find(f".//{A04}EndpointReference/{A04}Address").text
    assert re.fullmatch(r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-11b3-[89ab][0-9a-f]{3}-bcad284e1102", endpoint)
    assert root.find(f".//{A04}MessageID").text == endpoint
    assert root.find(f".//{A04}To").text.endswith("/role/anonymous")
    seq = root.find(f".//{D05}AppSequence")
    assert seq.get("InstanceId").isdigit() and seq.get("MessageNumber").isdigit()
    scopes = root.find(f".//{D05}Scopes").text.split()
    assert "onvif://www.onvif.org/MAC/bc:ad:28:4e:11:02" in scopes
    assert scopes[-2:] == [
        "onvif://www.onvif.org/name/HIKVISION%20DS-2CD2143G0-I",
        "onvif://www.onvif.org/location/city/hangzhou",
    ]
    assert root.find(f".//{D05}XAddrs").text == (
        "http://10.77.0.23/onvif/device_service http://[fe80::bead:28ff:fe4e:1102]/onvif/device_service"
    )
    assert root.find(f".//{D05}MetadataVersion").text == "10"


def test_dahua_header_order_and_uuid_prefixes() -> None:
    data = WSD.on_datagram(site_device("general-whitelabel-ipc"), probe("urn:uuid:abc"), PEER, 3702)[0].data
    assert data.startswith(b'<?xml version="1.0" encoding="utf-8" standalone="yes" ?><s:Envelope ')
    header = SafeET.fromstring(data)[0]
    assert [child.tag.split("}")[1] for child in header] == ["MessageID", "To", "Action", "RelatesTo"]
    assert header[0].text.startswith("uuid:") and not header[0].text.startswith("urn:")
    assert header[1].text == "urn:schemas-xmlsoap-org:ws:2005:04:discovery"
    root = SafeET.fromstring(data)
    assert root.find(f".//{A04}Address").text.startswith("uuid:")
    scopes = root.find(f".//{D05}Scopes").text.split()
    assert scopes[:3] == [
        "onvif://www.onvif.org/location/country/china",
        "onvif://www.onvif.org/name/General",
        "onvif://www.onvif.org/hardware/IP_Camera",
    ]
    assert root.find(f".//{D05}XAddrs").text == "http://10.77.0.46/onvif/device_service"


def test_message_numbers_advance_per_reply() -> None:
    dev = site_device("hik-ds2cd2387g2-2023")
    nums = [
        SafeET.fromstring(WSD.on_datagram(dev, probe("uuid:x"), PEER, 3702)[0].data)
        .find(f".//{D05}AppSequence")
        .get("MessageNumber")
        for _ in range(3)
    ]
    assert len(set(nums)) == 3 and nums == sorted(nums, key=int)


def test_type_filter() -> None:
    dev = site_device("hik-ds2cd2387g2-2023")
    assert WSD.on_datagram(dev, probe("uuid:1", "tds:Device"), PEER, 3702)
    assert WSD.on_datagram(dev, probe("uuid:1", ""), PEER, 3702)
    assert WSD.on_datagram(dev, probe("uuid:1", "dp0:Printer"), PEER, 3702) == []


def test_hello_goes_to_the_group_without_relates_to() -> None:
    out = WSD.announcements(site_device("dahua-ipc-hfw3441t-2020"))
    assert [d.dest for d in out] == [("239.255.255.250", 3702)]
    root = SafeET.fromstring(out[0].data)
    assert root.find(f".//{A04}Action").text.endswith("/discovery/Hello")
    assert root.find(f".//{A04}RelatesTo") is None
    assert root.find(f".//{D05}Hello/{D05}Types").text == "dn:NetworkVideoTransmitter tds:Device"
    quiet = make_device({"wsd": {"style": "generic", "hello": False}})
    assert WSD.announcements(quiet) == []


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not xml",
        b"<Envelope><Body><Probe/></Body></Envelope>",  # no MessageID
        b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]><Envelope>&x;</Envelope>',
        b"<a>" * 6000,
    ],
)
def test_garbage_gets_no_reply(data: bytes) -> None:
    assert wsd.parse_probe(data) is None
    assert WSD.on_datagram(site_device("hik-ds2cd2142fwd-2016"), data, PEER, 3702) == []

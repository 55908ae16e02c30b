from __future__ import annotations

from captures import capture

from netfinger.fields import is_known_field
from netfinger.protocols import ssdp


def test_msearch_bytes() -> None:
    assert ssdp.build_msearch("ssdp:all") == (
        b'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: 1\r\n'
        b"ST: ssdp:all\r\n\r\n"
    )


def test_dahua_responses() -> None:
    one = ssdp.parse_message(capture("ssdp/dahua_search_response_1.txt"))
    two = ssdp.parse_message(capture("ssdp/dahua_search_response_2.txt"))
    assert one.valid and one.kind == "response"
    assert one.get("x-user-agent") == "redsonic"
    assert one.get("server") == "Linux/3.8.8, UPnP/1.0, ZheJiang Dahua Technology CO.,LTD. Upnp SDK"
    assert one.get("usn") == "uuid:www.dahuatech.com.device_3_0-1L047ACPAW00037"
    assert one.get("ext") == ""
    assert two.get("st") == "urn:schemas-upnp-org:device:3.0-1L047ACPAW00037"
    assert ssdp.location_host(one.get("location")) == ("192.168.1.20", 49152)
    obs = ssdp.observations(one, "udp/1900")
    assert all(is_known_field(o.field) for o in obs)
    assert ("ssdp.header.location", "http://192.168.1.20:49152/upnp_device_desc.xml") in {
        (o.field, o.value) for o in obs
    }


def test_requests_and_garbage_are_not_replies() -> None:
    assert not ssdp.parse_message(ssdp.build_msearch("ssdp:all")).valid
    assert not ssdp.parse_message(b"\x00\xff").valid
    assert ssdp.parse_message(b"NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\n\r\n").kind == "notify"


def test_location_host_only_plain_http() -> None:
    assert ssdp.location_host("https://10.0.0.1/x.xml") is None
    assert ssdp.location_host("http://10.0.0.1/x.xml") == ("10.0.0.1", 80)
    assert ssdp.location_host("http://10.0.0.1:99999/") is None


def test_description() -> None:
    xml = (
        b'<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major>'
        b"</specVersion><device><deviceType>urn:schemas-upnp-org:device:Basic:1</deviceType>"
        b"<friendlyName>IPC</friendlyName><manufacturer>Dahua</manufacturer><modelName>IPC-HDW1431T1-S4</modelName>"
        b"<serialNumber>5L02A1BPAJ8C1F4</serialNumber><UDN>uuid:www.dahuatech.com.device_3_0-5L02A1BPAJ8C1F4</UDN>"
        b"</device></root>"
    )
    fields = ssdp.parse_description(xml)
    assert fields == {
        "deviceType": "urn:schemas-upnp-org:device:Basic:1",
        "friendlyName": "IPC",
        "manufacturer": "Dahua",
        "modelName": "IPC-HDW1431T1-S4",
        "serialNumber": "5L02A1BPAJ8C1F4",
        "UDN": "uuid:www.dahuatech.com.device_3_0-5L02A1BPAJ8C1F4",
    }
    obs = ssdp.description_observations(fields, 49152, "x")
    assert all(is_known_field(o.field) for o in obs)
    assert ssdp.parse_description(b"<html/>") == {}
    assert (
        ssdp.parse_description(b'<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><root>&e;</root>')
        == {}
    )

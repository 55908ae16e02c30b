from __future__ import annotations

from captures import capture

from netfinger.protocols import http, onvif
from netfinger.protocols.xmlsafe import parse_xml


def test_requests_are_parameterless_soap12() -> None:
    for data, op in (
        (onvif.build_get_system_date_and_time(), "GetSystemDateAndTime"),
        (onvif.build_get_device_information(), "GetDeviceInformation"),
    ):
        root = parse_xml(data)
        assert root is not None
        body = root[0]
        assert body.tag == "{http://www.w3.org/2003/05/soap-envelope}Body"
        assert body[0].tag == "{http://www.onvif.org/ver10/device/wsdl}" + op
        assert len(body[0]) == 0


def test_hikvision_system_date_and_time() -> None:
    reply = onvif.parse_system_date_and_time(capture("onvif/hikvision_getsystemdateandtime.xml"))
    assert reply.valid and reply.envelope == "env"
    assert reply.fields == {"timezone": "CST-8:00:00", "DateTimeType": "Manual"}


def test_device_information_both_vendors() -> None:
    hik = onvif.parse_device_information(capture("onvif/hikvision_getdeviceinformation.xml"))
    assert hik.fields == {
        "Manufacturer": "HIKVISION",
        "Model": "DS-2CD3T45P1-I",
        "FirmwareVersion": "V5.5.31 build 180903",
        "SerialNumber": "DS-2CD3T45P1-I20210803AACH248538890",
        "HardwareId": "88",
    }
    dh = onvif.parse_device_information(capture("onvif/dahua_getdeviceinformation.xml"))
    assert dh.envelope == "s"
    assert dh.fields["FirmwareVersion"] == "2.420.Dahua 00.14.R, build: 2016-06-18"


def test_fault_and_401() -> None:
    fault = (
        b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><s:Fault><s:Code><s:Value>'
        b"s:Sender</s:Value></s:Code><s:Reason><s:Text>Not Authorized</s:Text></s:Reason></s:Fault></s:Body>"
        b"</s:Envelope>"
    )
    reply = onvif.parse_device_information(fault)
    assert reply.valid and reply.fields == {} and "Not Authorized" in reply.fault
    resp = http.parse_response(capture("onvif/dahua_unauthorized_401.txt"))
    assert http.parse_auth(resp.header("WWW-Authenticate")) == ("Digest", "Login to 2J01018PAA00813")


def test_garbage() -> None:
    assert not onvif.parse_device_information(b"nope").valid
    assert not onvif.parse_system_date_and_time(b"<a/>").valid

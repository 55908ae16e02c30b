"""ONVIF device service via the http responder: open clock, WS-UsernameToken digest, vendor faults."""

from __future__ import annotations

import base64
import hashlib

from responder_fixtures import converse, site_device, split_response

TDS = 'xmlns:tds="http://www.onvif.org/ver10/device/wsdl"'
DIGEST_TYPE = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest"
)


def soap(action: str, user: str | None = None, password: str = "") -> bytes:
    header = ""
    if user is not None:
        nonce, created = b"0123456789abcdef", "2026-11-24T06:00:00Z"
        pw = base64.b64encode(hashlib.sha1(nonce + created.encode() + password.encode()).digest()).decode()
        header = (
            '<s:Header><Security xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">'
            f'<UsernameToken><Username>{user}</Username><Password Type="{DIGEST_TYPE}">{pw}</Password>'
            f"<Nonce>{base64.b64encode(nonce).decode()}</Nonce>"
            f'<Created xmlns="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">'
            f"{created}</Created></UsernameToken></Security></s:Header>"
        )
    body = (
        f'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" {TDS}>{header}'
        f"<s:Body><tds:{action}/></s:Body></s:Envelope>"
    ).encode()
    return (
        b"POST /onvif/device_service HTTP/1.1\r\nHost: x\r\nContent-Type: application/soap+xml\r\n"
        + f"Content-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


def test_system_date_and_time_needs_no_auth() -> None:
    status, _, body = split_response(
        converse("http", site_device("hik-ds2cd2142fwd-2016"), 80, soap("GetSystemDateAndTime"))
    )
    assert status == "HTTP/1.1 200 OK"
    assert body.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<env:Envelope ')
    assert b"<tt:TZ>CST-8:00:00</tt:TZ>" in body and b"<tt:UTCDateTime>" in body


def test_hikvision_device_information_needs_a_valid_password_digest() -> None:
    dev = site_device("hik-ds2cd2142fwd-2016")
    status, _, body = split_response(converse("http", dev, 80, soap("GetDeviceInformation")))
    assert status == "HTTP/1.1 401 Unauthorized" and b"ter:NotAuthorized" in body
    status, _, body = split_response(
        converse("http", dev, 80, soap("GetDeviceInformation", "admin", "wrong"))
    )
    assert status == "HTTP/1.1 401 Unauthorized"
    status, _, body = split_response(
        converse("http", dev, 80, soap("GetDeviceInformation", "admin", "lab-pass-21"))
    )
    assert status == "HTTP/1.1 200 OK"
    assert (
        b"<tds:Manufacturer>HIKVISION</tds:Manufacturer><tds:Model>DS-2CD2142FWD-I</tds:Model>"
        b"<tds:FirmwareVersion>V5.4.0 build 160401</tds:FirmwareVersion>"
    ) in body
    assert b"<tds:HardwareId>88</tds:HardwareId>" in body


def test_dahua_unauthorized_is_a_digest_401_with_onvif_nonce() -> None:
    dev = site_device("dahua-ipc-hfw3441t-2020")
    status, headers, body = split_response(converse("http", dev, 80, soap("GetDeviceInformation")))
    assert status == "HTTP/1.1 401 Unauthorized" and body == b""
    challenge = dict(headers)["WWW-Authenticate"]
    assert challenge.startswith('Digest realm="Login to 6J0A3B2PAZ4C5D1",qop="auth",nonce="')
    nonce = challenge.split('nonce="')[1].split('"')[0]
    assert base64.b64decode(nonce).decode().startswith("onvif-digest:")
    status, _, body = split_response(
        converse("http", dev, 80, soap("GetDeviceInformation", "admin", "lab-pass-41"))
    )
    assert status == "HTTP/1.1 200 OK"
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8" standalone="yes" ?><s:Envelope ')
    assert b"<tds:FirmwareVersion>2.800.0000000.16.R, Build Date 2020-09-15</tds:FirmwareVersion>" in body


def test_unknown_action_and_broken_xml_get_faults() -> None:
    dev = site_device("axis-p3245-lve")
    status, _, body = split_response(converse("http", dev, 80, soap("GetCapabilities")))
    assert status == "HTTP/1.1 400 Bad Request" and b"ActionNotSupported" in body
    bad = b"POST /onvif/device_service HTTP/1.1\r\nContent-Length: 5\r\n\r\n<a><b"
    status, _, body = split_response(converse("http", dev, 80, bad))
    assert status == "HTTP/1.1 400 Bad Request" and b"WellFormed" in body

from __future__ import annotations

from captures import capture

from netfinger.fields import is_known_field
from netfinger.protocols import http, http_ident
from netfinger.protocols.http_observations import identification, landing_page
from netfinger.protocols.mmh3 import favicon_hash, murmur3_32, signed32


def test_request_bytes() -> None:
    assert http.build_request("GET", "10.0.0.5", "/") == (
        b"GET / HTTP/1.1\r\nHost: 10.0.0.5\r\nUser-Agent: netfinger/0.1 (device inventory)\r\nAccept: */*\r\n"
        b"Connection: close\r\n\r\n"
    )
    post = http.build_request("POST", "h", "/RPC2_Login", b"{}", "application/json")
    assert post.endswith(b"Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")


def test_dahua_landing_page_keeps_header_case() -> None:
    resp = http.parse_response(capture("http/dahua_nvr_get_root.txt"))
    assert resp.valid and resp.status == 200
    assert resp.headers[0] == ("CONNECTION", "keep-alive")
    assert resp.header("etag") == '"1780651407:298f"'
    assert http.title(resp.body) == "WEB SERVICE"
    obs = landing_page(resp, 80, "http://x/")
    assert all(is_known_field(o.field) for o in obs)
    pairs = {(o.field, o.value) for o in obs}
    assert ("http.header.p3p", "CP=CAO PSA OUR") in pairs
    assert ("http.title", "WEB SERVICE") in pairs
    case = next(o.value for o in obs if o.field == "http.header_case")
    assert case.startswith("CONNECTION,Date,Last-Modified,Etag,CONTENT-LENGTH")
    body = next(o.value for o in obs if o.field == "http.body")
    assert body.startswith("<!DOCTYPE html PUBLIC")  # BOM dropped
    assert not any(o.field == "http.header.server" for o in obs)


def test_hikvision_landing_page_script_redirect() -> None:
    resp = http.parse_response(capture("http/hikvision_ipc_get_root.txt"))
    assert http.redirect_target(resp) == "/doc/page/login.asp?_"
    pairs = {(o.field, o.value) for o in landing_page(resp, 80, "x")}
    assert ("http.hik_login", "true") in pairs
    assert ("http.header.server", "App-webs/") in pairs
    assert ("http.redirect", "/doc/page/login.asp?_") in pairs


def test_location_header_wins_and_meta_refresh() -> None:
    resp = http.parse_response(
        b"HTTP/1.0 302 Redirect\r\nServer: Hikvision-Webs\r\nLocation: http://h:80/index.asp\r\n\r\n"
    )
    assert http.redirect_target(resp) == "http://h:80/index.asp"
    meta = http.parse_response(
        b'HTTP/1.1 200 OK\r\n\r\n<meta http-equiv="refresh" content="0; url=/web/index.html">'
    )
    assert http.redirect_target(meta) == "/web/index.html"


def test_isapi_401_digest_and_basic() -> None:
    resp = http.parse_response(capture("http/hikvision_isapi_401.txt"))
    assert resp.status == 401
    assert http.parse_auth(resp.header_all("WWW-Authenticate")[0]) == ("Digest", "IP Camera(C2183)")
    obs = identification(http_ident.ISAPI_DEVICE_INFO, resp, 80, "x")
    pairs = {(o.field, o.value) for o in obs}
    assert {
        ("http.auth.scheme", "Digest"),
        ("http.auth.scheme", "Basic"),
        ("http.auth.realm", "IP Camera(C2183)"),
        ("http.isapi.status", "401"),
    } <= pairs


def test_isapi_device_info() -> None:
    info = http_ident.parse_isapi_device_info(capture("http/hikvision_isapi_deviceinfo.xml"))
    assert info.valid and info.namespace == "http://www.hikvision.com/ver20/XMLSchema"
    fields = dict(info.fields)
    assert fields["model"] == "DS-2CD7A47FWD-XZS"
    assert fields["firmwareVersion"] == "V5.6.1" and fields["firmwareReleasedDate"] == "build 190603"
    assert fields["macAddress"] == "98:8b:0a:0e:51:7f"
    assert len(info.fields) == 20
    raw = b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n\r\n" + capture(
        "http/hikvision_isapi_deviceinfo.xml"
    )
    obs = identification(http_ident.ISAPI_DEVICE_INFO, http.parse_response(raw), 80, "x")
    assert all(is_known_field(o.field) for o in obs)
    assert ("http.isapi.serialNumber", "DS-2CD7A47FWD-XZS20190228AACHC96234444") in {
        (o.field, o.value) for o in obs
    }


def test_rpc2_challenge() -> None:
    body = http.parse_response(capture("http/dahua_rpc2_login_challenge.txt")).body
    fields = http_ident.parse_rpc2_challenge(body)
    assert fields["realm"] == "Login to 4C045ADPAG60CD"
    assert fields["mac"] == "3CEF8C6101C0"
    assert fields["encryption"] == "Default"
    assert fields["random"] == "3734299"
    assert fields["error_code"] == "268632079"
    assert fields["session"] == "1005027323"
    assert fields["result"] == "false"
    assert http_ident.parse_rpc2_challenge(b"<html>") == {}
    assert http_ident.parse_rpc2_challenge(b"[1,2]") == {}


def test_rpc2_request_sends_no_password() -> None:
    assert b'"password":""' in http_ident.build_rpc2_challenge()
    assert b'"method":"global.login"' in http_ident.build_rpc2_challenge()


def test_magicbox() -> None:
    assert http_ident.parse_magicbox(capture("http/dahua_magicbox_getDeviceType.txt")) == [
        ("type", "IPC-HDW5831R-ZE")
    ]
    assert http_ident.parse_magicbox(capture("http/dahua_magicbox_getSoftwareVersion_old.txt")) == [
        ("version", "2.420.AC00.15.R"),
        ("BuildDate", "2016-09-08"),
    ]
    assert http_ident.parse_magicbox(capture("http/dahua_magicbox_getSoftwareVersion_new.txt")) == [
        ("version", "2.800.0000016.0.R,build:2020-06-05")
    ]
    assert http_ident.parse_magicbox(b"<html><body>Error</body></html>") == []


def test_chunked_and_completion() -> None:
    raw = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    assert http.parse_response(raw).body == b"hello world"
    assert http.is_complete(raw)
    assert not http.is_complete(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
    assert http.is_complete(b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc")
    assert not http.is_complete(b"HTTP/1.1 200 OK\r\n")


def test_murmur3_known_vectors() -> None:
    assert murmur3_32(b"", 0) == 0
    assert murmur3_32(b"", 1) == 0x514E28B7
    assert murmur3_32(b"", 0xFFFFFFFF) == 0x81F16F39
    assert murmur3_32(b"\x00\x00\x00\x00", 0) == 0x2362F9DE
    assert murmur3_32(b"\x21\x43\x65\x87", 0) == 0xF55B516B
    assert murmur3_32(b"\x21\x43\x65", 0) == 0x7E4A8634
    assert murmur3_32(b"\x21\x43", 0) == 0xA0F7B07A
    assert murmur3_32(b"\x21", 0) == 0x72661CF4
    assert murmur3_32(b"\xff\xff\xff\xff", 0) == 0x76293B50
    assert murmur3_32(b"Hello, world!", 0x9747B28C) == 0x24884CBA
    assert murmur3_32(b"The quick brown fox jumps over the lazy dog", 0x9747B28C) == 0x2FA826CD
    assert signed32(0xFFFFFFFF) == -1


def test_favicon_fingerprints() -> None:
    md5, mmh3 = http_ident.favicon_fingerprints(b"abc")
    assert md5 == "900150983cd24fb0d6963f7d28e17f72"
    # Shodan hashes the 76-column base64 text with its trailing newline: "YWJj\n"
    assert int(mmh3) == signed32(murmur3_32(b"YWJj\n"))
    icon = bytes(range(256)) * 3
    assert favicon_hash(icon) == signed32(murmur3_32(__import__("base64").encodebytes(icon)))
    assert b"\n" in __import__("base64").encodebytes(icon)[:80]  # wrapped at 76 columns, as Shodan does
    resp = http.parse_response(b"HTTP/1.1 200 OK\r\nContent-Length: 768\r\n\r\n" + icon)
    obs = identification(http_ident.FAVICON, resp, 80, "x")
    assert {o.field for o in obs} == {"http.favicon.md5", "http.favicon.mmh3"}


def test_not_http() -> None:
    assert not http.parse_response(b"RTSP/1.0 200 OK\r\n\r\n").valid
    assert not http.parse_response(b"").valid
    assert not http.parse_response(b"\x00\x00\x00\x10").valid


def test_non_ascii_digits_are_not_numbers() -> None:
    assert not http.parse_response("HTTP/1.1 ²00 OK\r\n\r\n".encode()).valid
    assert not http.is_complete("HTTP/1.1 200 OK\r\nContent-Length: ²\r\n\r\n".encode())


def test_wants_tls() -> None:
    assert http.wants_tls(b"\x15\x03\x01\x00\x02\x02\x46")  # TLS alert record
    nginx = (
        b"HTTP/1.1 400 Bad Request\r\nServer: nginx\r\n\r\n<html><head><title>400 The plain HTTP request "
        b"was sent to HTTPS port</title></head></html>"
    )
    assert http.wants_tls(nginx)
    assert not http.wants_tls(capture("http/dahua_nvr_get_root.txt"))
    assert not http.wants_tls(b"")

"""HTTP responder over a socketpair: header order/case, Digest challenges, auth, HEAD, keep-alive, garbage."""

from __future__ import annotations

import base64
import hashlib

import pytest
from responder_fixtures import converse, make_device, site_device, split_response

from netfinger.lab.responders import RESPONDERS
from netfinger.lab.wire import digest


def get(path: str, version: str = "HTTP/1.1", extra: str = "") -> bytes:
    return f"GET {path} {version}\r\nHost: x\r\n{extra}\r\n".encode()


def digest_header(method: str, uri: str, realm: str, nonce: str, user: str, password: str) -> str:
    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    ha1, ha2 = md5(f"{user}:{realm}:{password}"), md5(f"{method}:{uri}")
    response = md5(f"{ha1}:{nonce}:00000001:abcd:auth:{ha2}")
    return (
        f'Digest username="{user}", realm="{realm}", nonce="{nonce}", uri="{uri}", '
        f'qop=auth, nc=00000001, cnonce="abcd", response="{response}"'
    )


def test_hikvision_root_redirect_page_and_header_order() -> None:
    status, headers, body = split_response(
        converse("http", site_device("hik-ds2cd2142fwd-2016"), 80, get("/", "HTTP/1.0"))
    )
    assert status == "HTTP/1.0 200 OK"
    assert [k for k, _ in headers] == ["Date", "Server", "Connection", "Content-Length", "Content-Type"]
    assert dict(headers)["Server"] == "App-webs/"
    assert b'"/doc/page/login.asp?_" + (new Date()).getTime()' in body
    assert int(dict(headers)["Content-Length"]) == len(body)


def test_isapi_digest_challenge_shape() -> None:
    raw = converse("http", site_device("hik-ds2cd2142fwd-2016"), 80, get("/ISAPI/System/deviceInfo"))
    status, headers, _ = split_response(raw)
    assert status == "HTTP/1.1 401 Unauthorized"
    challenges = [v for k, v in headers if k == "WWW-Authenticate"]
    assert challenges[1] == 'Basic realm="IP Camera(34567)"'
    params = digest.parse_params(challenges[0].removeprefix("Digest "))
    assert params["realm"] == "IP Camera(34567)" and params["qop"] == "auth" and params["stale"] == "FALSE"
    left, sep, right = base64.b64decode(bytes.fromhex(params["nonce"])).decode().partition(":")
    assert sep and int(left, 16) >= 0 and int(right, 16) >= 0


def test_valid_digest_credentials_open_the_route_wrong_ones_do_not() -> None:
    dev = site_device("hik-ds2cd2387g2-2023")
    uri = "/ISAPI/System/deviceInfo"
    good = digest_header("GET", uri, "IP Camera(65432)", "n1", "admin", "lab-pass-24")
    bad = digest_header("GET", uri, "IP Camera(65432)", "n1", "admin", "guess")
    status, _, body = split_response(converse("http", dev, 80, get(uri, extra=f"Authorization: {good}\r\n")))
    assert status == "HTTP/1.1 200 OK"
    assert b"<model>DS-2CD2387G2-LU</model>" in body and b"<macAddress>24:48:45:0a:11:22</macAddress>" in body
    status, _, _ = split_response(converse("http", dev, 80, get(uri, extra=f"Authorization: {bad}\r\n")))
    assert status == "HTTP/1.1 401 Unauthorized"


def test_dahua_upper_case_headers_bom_and_rpc2_login_challenge() -> None:
    dev = site_device("dahua-ipc-hfw3441t-2020")
    status, headers, body = split_response(converse("http", dev, 80, get("/")))
    assert [k for k, _ in headers][:5] == ["CONNECTION", "Date", "Last-Modified", "Etag", "CONTENT-LENGTH"]
    assert "Server" not in dict(headers)
    assert body.startswith(b"\xef\xbb\xbf<!DOCTYPE html PUBLIC") and b"<title>WEB SERVICE</title>" in body
    req = b'POST /RPC2_Login HTTP/1.1\r\nContent-Length: 10\r\n\r\n{"id": 1 }'
    _, _, body = split_response(converse("http", dev, 80, req))
    assert b'"mac":"3CEF8C6101C0"' in body and b'"realm":"Login to 6J0A3B2PAZ4C5D1"' in body
    assert b'"code":268632079' in body
    status, headers, _ = split_response(
        converse("http", dev, 80, get("/cgi-bin/magicBox.cgi?action=getVendor"))
    )
    assert status == "HTTP/1.1 401 Unauthorized"
    assert dict(headers)["WWW-Authenticate"].startswith('Digest realm="Login to 6J0A3B2PAZ4C5D1", qop="auth"')


def test_head_has_no_body_and_unknown_path_gets_default() -> None:
    dev = site_device("hik-ds2cd2143g0-2020")
    status, headers, body = split_response(converse("http", dev, 80, b"HEAD / HTTP/1.1\r\nHost: x\r\n\r\n"))
    assert status.endswith("200 OK") and body == b"" and int(dict(headers)["Content-Length"]) > 0
    status, _, _ = split_response(converse("http", dev, 80, get("/nope")))
    assert status == "HTTP/1.1 404 Not Found"


def test_keep_alive_serves_two_requests_on_one_connection() -> None:
    dev = make_device(
        {
            "http": {
                "ports": {
                    80: {"routes": {"GET /a": {"headers": [["Content-Length", "{length}"]], "body": "A"}}}
                }
            }
        }
    )
    raw = converse("http", dev, 80, get("/a") + get("/a"))
    assert raw.count(b"HTTP/1.1 200 OK") == 2


@pytest.mark.parametrize(
    "data",
    [
        b"\x16\x03\x01\x00\xa5garbage\r\n\r\n",
        b"GET\r\n\r\n",
        b"",
        b"A" * 20000,
        b"GET / HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
    ],
)
def test_garbage_gets_no_reply(data: bytes) -> None:
    assert converse("http", site_device("hik-ds2cd2142fwd-2016"), 80, data) == b""


def test_7921_magic_path_only_on_vulnerable_kit() -> None:
    path = "/system/deviceInfo?auth=YWRtaW46MTEK"
    status, headers, body = split_response(
        converse("http", site_device("hik-ds2cd2142fwd-2016"), 80, get(path))
    )
    assert status == "HTTP/1.1 200 OK" and dict(headers)["Content-Type"] == "application/xml"
    assert b"<firmwareVersion>V5.4.0</firmwareVersion>" in body
    status, _, _ = split_response(converse("http", site_device("hik-ds2cd2143g0-2020"), 80, get(path)))
    assert status == "HTTP/1.1 404 Not Found"


def test_ssdp_description_is_served_on_a_shared_http_port() -> None:
    dev = site_device("google-chromecast")
    status, _, body = split_response(converse("http", dev, 8008, get("/ssdp/device-desc.xml")))
    assert status == "HTTP/1.1 200 OK" and b"<friendlyName>Living Room TV</friendlyName>" in body
    assert RESPONDERS["ssdp"].tcp_endpoints(dev) == []


def test_tls_port_endpoint_carries_the_profile_certificate() -> None:
    from cryptography import x509

    from netfinger.lab.responders import tls

    eps = {e.port: e for e in RESPONDERS["http"].tcp_endpoints(site_device("hik-ds7608ni-k1-nvr"))}
    assert eps[80].tls is None and eps[443].tls is not None
    subject = (
        ("CN", "www.hikvision.com"),
        ("OU", "DVRNVR"),
        ("O", "HIKVISION"),
        ("L", "HangZhou"),
        ("ST", "ZheJiang"),
        ("C", "CN"),
    )
    cert = x509.load_pem_x509_certificate(tls.cert_file(subject, subject).read_bytes())
    assert (
        cert.subject.rfc4514_string()
        == "C=CN,ST=ZheJiang,L=HangZhou,O=HIKVISION,OU=DVRNVR,CN=www.hikvision.com"
    )

"""RTSP and plain-TCP responders over a socketpair: CSeq echo, vendor challenges, SDK port, silence."""

from __future__ import annotations

from responder_fixtures import converse, site_device, split_response


def test_hikvision_options_open_cseq_echo_and_two_space_date() -> None:
    raw = converse(
        "rtsp",
        site_device("hik-ds2cd2142fwd-2016"),
        554,
        b"OPTIONS rtsp://10.77.0.21/ RTSP/1.0\r\nCSeq: 42 OPTIONS\r\n\r\n",
    )
    status, headers, _ = split_response(raw)
    assert status == "RTSP/1.0 200 OK"
    assert [k for k, _ in headers] == ["CSeq", "Public", "Date"]
    assert dict(headers)["CSeq"] == "42 OPTIONS"
    assert b"\r\nDate:  " in raw and b"Server" not in raw


def test_hikvision_describe_needs_digest_with_camera_realm() -> None:
    raw = converse(
        "rtsp",
        site_device("hik-ds2cd2143g0-2020"),
        554,
        b"DESCRIBE rtsp://10.77.0.23/Streaming/Channels/101 RTSP/1.0\r\nCSeq: 3\r\n\r\n",
    )
    status, headers, _ = split_response(raw)
    assert status == "RTSP/1.0 401 Unauthorized" and dict(headers)["CSeq"] == "3"
    assert dict(headers)["WWW-Authenticate"].startswith('Digest realm="IP Camera(45678)", nonce="')
    assert dict(headers)["WWW-Authenticate"].endswith('", stale="FALSE"')


def test_missing_cseq_leaves_the_header_out_and_pipelined_requests_all_answer() -> None:
    raw = converse(
        "rtsp",
        site_device("hik-ds2cd2387g2-2023"),
        554,
        b"OPTIONS * RTSP/1.0\r\n\r\nOPTIONS * RTSP/1.0\r\nCSeq: 7\r\n\r\n",
    )
    first, second = raw.split(b"RTSP/1.0 200 OK")[1:]
    assert b"CSeq" not in first and b"CSeq: 7\r\n" in second


def test_dahua_options_needs_auth_with_login_to_serial() -> None:
    raw = converse(
        "rtsp", site_device("dahua-ipc-hfw3441t-2020"), 554, b"OPTIONS * RTSP/1.0\r\nCSeq: 2\r\n\r\n"
    )
    status, headers, _ = split_response(raw)
    assert status == "RTSP/1.0 401 Unauthorized"
    assert dict(headers)["WWW-Authenticate"].startswith('Digest realm="Login to 6J0A3B2PAZ4C5D1", nonce="')
    raw = converse(
        "rtsp", site_device("dahua-ipc-hdw5231r-2019"), 554, b"OPTIONS * RTSP/1.0\r\nCSeq: 2\r\n\r\n"
    )
    assert split_response(raw)[0] == "RTSP/1.0 200 OK" and b"Server: Rtsp Server/3.0\r\n" in raw


def test_old_dahua_answers_http_on_the_rtsp_port_with_405() -> None:
    raw = converse("rtsp", site_device("private-whitelabel-ipc"), 554, b"GET / HTTP/1.0\r\n\r\n")
    assert raw == (
        b"RTSP/1.0 405 Method Not Allowed\r\nServer: Dahua Rtsp Server\r\n"
        b"Content-Length: 0\r\nCSeq: 0\r\n\r\n"
    )


def test_hikvision_sdk_port_answers_any_input_with_16_bytes() -> None:
    out = converse("tcp", site_device("ezviz-cs-c6n"), 8000, b"\x00\x00\x00\x20random-client-bytes")
    assert out == bytes.fromhex("000000100000001e0000001e00000000")


def test_dahua_private_port_is_silent() -> None:
    assert converse("tcp", site_device("dahua-ipc-hfw3441t-2020"), 37777, b"\xa0\x01" + b"\x00" * 30) == b""

from __future__ import annotations

from captures import capture

from netfinger.fields import is_known_field
from netfinger.protocols import rtsp


def test_request_bytes() -> None:
    assert rtsp.build_request("OPTIONS", "rtsp://10.0.0.5:554/", 1) == (
        b"OPTIONS rtsp://10.0.0.5:554/ RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: netfinger/0.1\r\n\r\n"
    )
    assert b"Accept: application/sdp\r\n" in rtsp.build_request("DESCRIBE", "rtsp://h/", 2)


def test_hikvision_options_without_server() -> None:
    resp = rtsp.parse(capture("rtsp/hikvision_options_200.txt"))
    obs = rtsp.observations(resp, "OPTIONS", "x")
    pairs = {(o.field, o.value) for o in obs}
    assert ("rtsp.status", "200 OK") in pairs
    assert ("rtsp.header.date", "Thu, May 14 2020 16:45:35 GMT") in pairs
    assert not any(f == "rtsp.header.server" for f, _ in pairs)
    assert all(is_known_field(o.field) for o in obs)


def test_hikvision_describe_401_and_200() -> None:
    pairs = {
        (o.field, o.value)
        for o in rtsp.observations(rtsp.parse(capture("rtsp/hikvision_describe_401.txt")), "DESCRIBE", "x")
    }
    assert {("rtsp.auth.scheme", "Digest"), ("rtsp.auth.realm", "IP Camera(C2875)")} <= pairs
    assert not any(f == "rtsp.status" for f, _ in pairs)  # status is recorded for OPTIONS only
    ok = rtsp.parse(capture("rtsp/hikvision_describe_200.txt"))
    markers = rtsp.sdp_markers(ok.body)
    assert markers["session_name"] == "Media Presentation"
    assert markers["media_header"].startswith("MEDIAINFO=494D4B48")
    assert markers["appversion"] == "1.0"
    assert "packetization" not in markers


def test_dahua_exchanges() -> None:
    pairs = {
        (o.field, o.value)
        for o in rtsp.observations(rtsp.parse(capture("rtsp/dahua_options_401.txt")), "OPTIONS", "x")
    }
    assert ("rtsp.auth.realm", "Login to 4M0747EPAA1D284") in pairs
    assert ("rtsp.status", "401 Unauthorized") in pairs
    ok = rtsp.observations(rtsp.parse(capture("rtsp/dahua_describe_200.txt")), "DESCRIBE", "x")
    pairs = {(o.field, o.value) for o in ok}
    assert {
        ("rtsp.sdp.session_name", "Media Server"),
        ("rtsp.sdp.packetization", "DH"),
        ("rtsp.header.x-accept-dynamic-rate", "1"),
    } <= pairs
    old = {
        (o.field, o.value)
        for o in rtsp.observations(rtsp.parse(capture("rtsp/dahua_old_401.txt")), "OPTIONS", "x")
    }
    assert {
        ("rtsp.header.server", "Dahua Rtsp Server"),
        ("rtsp.auth.scheme", "Basic"),
        ("rtsp.auth.realm", "device"),
    } <= old


def test_two_auth_headers() -> None:
    obs = rtsp.observations(rtsp.parse(capture("rtsp/hikvision_dvr_401.txt")), "DESCRIBE", "x")
    assert [o.value for o in obs if o.field == "rtsp.auth.scheme"] == ["Digest", "Basic"]
    assert [o.value for o in obs if o.field == "rtsp.auth.realm"] == ["Hikvision", "/"]


def test_http_is_not_rtsp() -> None:
    assert not rtsp.parse(b"HTTP/1.1 200 OK\r\n\r\n").valid
    assert not rtsp.parse(b"").valid

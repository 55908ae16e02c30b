"""Unicast probes against canned device answers: the TCP seam is replaced, nothing is sent."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from captures import capture
from probe_fixtures import by_session, fields, make_ctx

from netfinger.probes import http as http_probe
from netfinger.probes import onvif as onvif_probe
from netfinger.probes import rtsp as rtsp_probe
from netfinger.probes import ssdp as ssdp_probe
from netfinger.probes import tcp as tcp_probe
from netfinger.probes.tcpio import TcpResult
from netfinger.protocols import ssdp
from netfinger.protocols import tcp as tcp_proto

CONTACTED: list[tuple[str, int, bytes]] = []


def canned(answers: dict[tuple[int, str], bytes]) -> Any:
    async def fake_request(host: str, port: int, payload: bytes, seconds: float, **_: Any) -> TcpResult:
        CONTACTED.append((host, port, payload))
        line = payload.split(b"\r\n", 1)[0].decode(errors="replace")
        for (p, prefix), data in answers.items():
            if p == port and line.startswith(prefix):
                return TcpResult(True, data)
        return TcpResult(True, b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")

    return fake_request


@pytest.fixture(autouse=True)
def _clear() -> None:
    CONTACTED.clear()


def test_http_probe_on_a_dahua_nvr(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {
        (80, "GET / "): capture("http/dahua_nvr_get_root.txt"),
        (80, "POST /RPC2_Login"): capture("http/dahua_rpc2_login_challenge.txt"),
        (80, "GET /cgi-bin/magicBox.cgi?action=getVendor"): b"HTTP/1.1 200 OK\r\nContent-Length: 14\r\n\r\n"
        + capture("http/dahua_magicbox_getVendor.txt"),
    }
    answer = canned(answers)

    async def only_80(host: str, port: int, payload: bytes, seconds: float, **kw: Any) -> TcpResult:
        if port != 80:
            return TcpResult(False, error="ConnectionRefusedError")
        return await answer(host, port, payload, seconds, **kw)

    monkeypatch.setattr(http_probe, "request", by_session(only_80))
    ctx, seen = make_ctx(live=("10.77.0.20",))
    outcome = asyncio.run(http_probe.HttpProbe().run(ctx))
    assert outcome.sightings == 1  # type: ignore[union-attr]
    got = fields(seen)
    assert {
        ("http.title", "WEB SERVICE"),
        ("http.rpc2.realm", "Login to 4C045ADPAG60CD"),
        ("http.magicbox.vendor", "Dahua"),
        ("http.status", "200"),
        ("http.magicbox.status", "200"),
    } <= got
    assert not any(f.startswith("http.isapi.") for f, _ in got)  # 404 on ISAPI says nothing
    assert {host for host, _, _ in CONTACTED} == {"10.77.0.20"}
    assert all(b'password":""' in p for _, _, p in CONTACTED if p.startswith(b"POST /RPC2_Login"))


def test_rtsp_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {
        (554, "OPTIONS"): capture("rtsp/hikvision_options_200.txt"),
        (554, "DESCRIBE"): capture("rtsp/hikvision_describe_401.txt"),
    }
    monkeypatch.setattr(rtsp_probe, "request", canned(answers))
    ctx, seen = make_ctx(live=("10.77.0.9",))
    asyncio.run(rtsp_probe.RtspProbe().run(ctx))
    assert {("rtsp.status", "200 OK"), ("rtsp.auth.realm", "IP Camera(C2875)")} <= fields(seen)
    assert [len(s.raw) for s in seen] == [2]


def test_tcp_probe_nudges_the_sdk_port(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = bytes.fromhex("000000100000001e0000001e00000000")

    async def fake(host: str, port: int, payload: bytes, seconds: float, **_: Any) -> TcpResult:
        CONTACTED.append((host, port, payload))
        if port == 8000:
            return TcpResult(True, frame if payload == tcp_proto.SDK_NUDGE else b"")
        if port == 37777:
            return TcpResult(True, b"")
        return TcpResult(False, error="ConnectionRefusedError")

    monkeypatch.setattr(tcp_probe, "request", fake)
    ctx, seen = make_ctx(live=("10.77.0.9",))
    asyncio.run(tcp_probe.TcpProbe().run(ctx))
    got = fields(seen)
    assert {("tcp.open", "8000"), ("tcp.open", "37777"), ("tcp.banner", frame.hex())} <= got
    assert not any(f == "tcp.open" and v == "34567" for f, v in got)
    assert [p for _, port, p in CONTACTED if port == 37777] == [b""]  # other ports: connect and listen only


def test_onvif_probe_uses_only_the_hosts_own_xaddr(monkeypatch: pytest.MonkeyPatch) -> None:
    sdt = capture("onvif/hikvision_getsystemdateandtime.xml")
    answers = {
        (80, "POST /onvif/device_service"): b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(sdt) + sdt
    }
    monkeypatch.setattr(onvif_probe, "request", canned(answers))
    ctx, seen = make_ctx(live=("10.77.0.9", "10.77.0.10"))
    xaddrs = {
        "10.77.0.9": ["http://10.77.0.9/onvif/device_service", "http://10.99.0.1/onvif/device_service"],
        "10.77.0.10": ["http://10.77.0.11/onvif/device_service"],
    }
    ctx.lookup = lambda ip, field: xaddrs.get(ip, []) if field == "wsd.xaddrs" else []
    asyncio.run(onvif_probe.OnvifProbe().run(ctx))
    assert {("onvif.timezone", "CST-8:00:00"), ("onvif.envelope", "env")} <= fields(seen)
    assert {(h, p) for h, p, _ in CONTACTED} == {("10.77.0.9", 80)}


def test_ssdp_location_elsewhere_is_recorded_not_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ssdp_probe, "request", canned({}))
    ctx, seen = make_ctx()

    async def main() -> None:
        probe = ssdp_probe.SsdpProbe()
        probe._handle(ctx, capture("ssdp/dahua_search_response_1.txt"), ("10.77.0.20", 1900))
        await asyncio.sleep(0)

    asyncio.run(main())
    assert CONTACTED == []
    assert ("ssdp.header.x-user-agent", "redsonic") in fields(seen)
    assert "points away from the replying host" in seen[0].anomalies[0]


def test_ssdp_fetches_description_from_the_replier(monkeypatch: pytest.MonkeyPatch) -> None:
    desc = (
        b'<?xml version="1.0"?><root><device><manufacturer>Dahua</manufacturer><modelName>DH-IPC</modelName>'
        b"</device></root>"
    )
    monkeypatch.setattr(
        ssdp_probe,
        "request",
        canned({(49152, "GET /upnp_device_desc.xml"): b"HTTP/1.1 200 OK\r\n\r\n" + desc}),
    )
    ctx, seen = make_ctx()
    reply = capture("ssdp/dahua_search_response_1.txt").replace(b"192.168.1.20", b"10.77.0.20")

    async def main() -> None:
        probe = ssdp_probe.SsdpProbe()
        probe._handle(ctx, reply, ("10.77.0.20", 1900))
        await asyncio.gather(*probe._tasks)

    asyncio.run(main())
    assert CONTACTED[0][:2] == ("10.77.0.20", 49152)
    assert {("upnp.manufacturer", "Dahua"), ("upnp.modelName", "DH-IPC")} <= fields(seen)
    assert ssdp.location_host("http://10.77.0.20:49152/upnp_device_desc.xml") == ("10.77.0.20", 49152)


def test_http_probe_switches_to_tls_when_the_port_speaks_it(monkeypatch: pytest.MonkeyPatch) -> None:
    modes: list[tuple[int, bool]] = []

    async def fake(host: str, port: int, payload: bytes, seconds: float, **kw: Any) -> TcpResult:
        tls = bool(kw.get("tls"))
        modes.append((port, tls))
        if port == 8080:
            if not tls:
                return TcpResult(True, b"\x15\x03\x01\x00\x02\x02\x46")
            return TcpResult(True, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nServer: tls-only\r\n\r\n")
        if port == 443 and tls:
            return TcpResult(False, error="SSLError")
        if port == 443:
            return TcpResult(True, b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nServer: plain-on-443\r\n\r\n")
        return TcpResult(False, error="ConnectionRefusedError")

    monkeypatch.setattr(http_probe, "request", by_session(fake))
    ctx, seen = make_ctx(live=("10.77.0.30",))
    asyncio.run(http_probe.HttpProbe().run(ctx))
    got = {(o.field, o.value, o.source.split(":")[0]) for s in seen for o in s.observations}
    assert ("http.header.server", "tls-only", "https") in got
    assert ("http.header.server", "plain-on-443", "http") in got
    on_8080 = [tls for port, tls in modes if port == 8080]
    on_443 = [tls for port, tls in modes if port == 443]
    assert on_8080[0] is False and all(on_8080[1:]) and len(on_8080) > 2  # identification pages too
    assert on_443[0] is True and not any(on_443[1:]) and len(on_443) > 2

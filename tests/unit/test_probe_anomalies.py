"""Broken, oversize, slow, reset and flooding replies are recorded as anomalies of their sender, not dropped.

No traffic: discovery probes get datagrams through ``_handle``; unicast probes get canned TcpResults.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from captures import capture
from probe_fixtures import by_session, make_ctx

from netfinger.probes import exchange
from netfinger.probes import http as http_probe
from netfinger.probes import rtsp as rtsp_probe
from netfinger.probes import ssdp as ssdp_probe
from netfinger.probes.dhip import DhipProbe
from netfinger.probes.sadp import SadpProbe
from netfinger.probes.tcpio import TcpResult, read_anomalies
from netfinger.probes.wsd import MAX_MESSAGES_PER_HOST, WsdProbe
from netfinger.protocols import dhip, http, wsd, xmlsafe

BOMB = b'<?xml version="1.0"?><!DOCTYPE e [<!ENTITY a "aa"><!ENTITY b "&a;&a;">]><e:Envelope>&b;</e:Envelope>'
HOST = ("10.77.0.30", 3702)


def notes(seen: list[Any]) -> list[str]:
    return [a for s in seen for a in s.anomalies]


def test_wsd_reply_with_a_dtd_is_an_anomaly_of_its_sender_but_a_group_message_is_not() -> None:
    ctx, seen = make_ctx()
    probe = WsdProbe()
    probe._handle(ctx, BOMB, HOST, "reply")
    assert [s.ip for s in seen] == ["10.77.0.30"]
    assert notes(seen) == [f"wsd: unreadable reply ({xmlsafe.refusal(BOMB)})"]
    assert "DTD" in notes(seen)[0]
    assert seen[0].raw[0].data == BOMB
    probe._handle(ctx, BOMB, ("10.77.0.31", 3702), "listen")  # someone else's traffic on the group
    assert len(seen) == 1


def test_wsd_flood_is_noted_once_and_not_parsed_further() -> None:
    ctx, seen = make_ctx()
    probe = WsdProbe()
    hello = capture("wsd/dahua_ipc-hfw2228m-i1-v2_hello.xml")
    for _ in range(MAX_MESSAGES_PER_HOST + 500):
        probe._handle(ctx, hello, HOST, "listen")
    assert len(seen) == MAX_MESSAGES_PER_HOST + 1
    flood = f"wsd: over {MAX_MESSAGES_PER_HOST} messages from this host (flood); the rest not read"
    assert notes(seen) == [flood]


def test_wsd_oversize_scope_list_is_noted() -> None:
    ctx, seen = make_ctx()
    hello = capture("wsd/dahua_ipc-hfw2228m-i1-v2_hello.xml")
    many = b" ".join(b"onvif://www.onvif.org/x/%d" % i for i in range(500))
    probe = WsdProbe()
    probe._handle(ctx, hello.replace(b"</d:Scopes>", b" " + many + b"</d:Scopes>", 1), HOST, "listen")
    assert any("scopes in one message (first 64 kept)" in n for n in notes(seen))
    assert sum(o.field == "wsd.scope" for o in seen[0].observations) == wsd.MAX_SCOPES_KEPT


def test_dhip_lying_and_cut_headers_are_anomalies_but_junk_and_requests_are_ignored() -> None:
    ctx, seen = make_ctx()
    probe = DhipProbe()
    reply = capture("dhip/dahua_ipc-hdw1431t1-s4_compact.bin")
    body = reply[32:]
    probe._handle(ctx, dhip.build_header(24) + body, ("10.77.0.40", 37810))
    probe._handle(ctx, reply[:20], ("10.77.0.40", 37810))
    probe._handle(ctx, b"junk", ("10.77.0.41", 37810))
    probe._handle(ctx, dhip.build_search(), ("10.77.0.42", 37810))
    assert [s.ip for s in seen] == ["10.77.0.40", "10.77.0.40"]
    assert notes(seen) == [
        "dhip: unreadable reply on udp/37810 (DHIP body is not JSON)",
        f"dhip: body length field 24 but datagram carries {len(body)} bytes",
        "dhip: unreadable reply on udp/37810 (not a DHIP datagram)",
    ]


def test_sadp_dtd_is_named_and_a_broken_probematch_is_kept() -> None:
    ctx, seen = make_ctx()
    probe = SadpProbe()
    good = capture("sadp/hikvision_ds-2cd2320d-i_probematch.xml")
    head, _, rest = good.partition(b"?>")
    probe._handle(ctx, head + b'?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + rest,
                  ("10.77.0.50", 37020))
    probe._handle(ctx, b"<ProbeMatch><<<", ("10.77.0.51", 37020))
    found = notes(seen)
    assert "sadp: reply is not well-formed XML (read with the line parser)" in found
    assert f"sadp: {xmlsafe.refusal(b'<!DOCTYPE')}" in found
    assert "sadp: unreadable reply (ProbeMatch without readable elements)" in found


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        (TcpResult(True, b"x" * 10, cut=True, ended="cap"), ["http: reply on port 80 reached the 10-byte"]),
        (TcpResult(True, b"HTTP/1.1 2", ended="timeout"), ["http: reply on port 80 still incomplete"]),
        (TcpResult(True, b"HTTP/1.1 200", ended="reset"), ["http: connection on port 80 reset mid-reply"]),
        (TcpResult(True, b"", ended="reset"), ["http: connection on port 80 reset before a reply"]),
        (TcpResult(True, b"", ended="timeout"), []),  # a silent port is no anomaly
        (TcpResult(True, b"HTTP/1.1 200 OK\r\n\r\n", ended="done"), []),
    ],
)
def test_read_anomalies(result: TcpResult, expected: list[str]) -> None:
    got = read_anomalies("http", 80, result)
    assert len(got) == len(expected)
    assert all(g.startswith(e) for g, e in zip(got, expected, strict=True))


def _fixed(result: TcpResult) -> Any:
    async def fake_request(host: str, port: int, payload: bytes, seconds: float, **_: Any) -> TcpResult:
        return result

    return fake_request


def test_http_and_rtsp_probes_attach_read_anomalies(monkeypatch: pytest.MonkeyPatch) -> None:
    dripping = TcpResult(True, b"HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nab", ended="timeout")
    monkeypatch.setattr(http_probe, "request", by_session(_fixed(dripping)))
    monkeypatch.setattr(rtsp_probe, "request", _fixed(TcpResult(True, b"RTSP/1.0 2", ended="reset")))
    ctx, seen = make_ctx(live=("10.77.0.60",))
    ctx.http_ports = (80,)
    asyncio.run(http_probe.HttpProbe().run(ctx))
    asyncio.run(rtsp_probe.RtspProbe().run(ctx))
    found = notes(seen)
    assert found.count("http: reply on port 80 still incomplete at the read timeout (slow sender), cut") == 1
    assert "rtsp: connection on port 554 reset mid-reply" in found


def test_ssdp_description_problems() -> None:
    loc = "http://10.77.0.20:49152/d.xml"
    assert ssdp_probe.description_problems(loc, BOMB, {}, cut=False) == [
        f"upnp: description at '{loc}' unreadable ({xmlsafe.refusal(BOMB)})"]
    assert ssdp_probe.description_problems(loc, b"<root/>", {}, cut=True) == [
        f"upnp: description at '{loc}' reached the {http.MAX_RESPONSE_BYTES}-byte limit, cut",
        f"upnp: description at '{loc}' unreadable (no UPnP device element)"]
    assert ssdp_probe.description_problems(loc, b"<root/>", {"modelName": "x"}, cut=False) == []


def test_redirect_patterns_stay_linear_on_hostile_pages() -> None:
    resp = http.HttpResponse(True, 200, body=b"<meta http-equiv=refresh " * 2600)
    assert http.redirect_target(resp) == ""
    assert http.parse_auth("Digest " + "A" * 200_000) == ("Digest", "")
    tag = b'<META content="0; URL=/doc/page/login.asp" HTTP-EQUIV="Refresh">'
    assert http.meta_refresh(b"<html>" + tag) == "/doc/page/login.asp"


def test_udp_flood_past_the_per_source_cap_is_noted_once_and_dropped() -> None:
    ctx, seen = make_ctx()
    guard = exchange.FloodGuard(ctx, "sadp")
    flood = range(exchange.MAX_PER_SOURCE + 100)
    dropped = [guard.over(("10.77.0.70", 37020)) for _ in flood]
    assert dropped.count(False) == exchange.MAX_PER_SOURCE
    assert not guard.over(("10.77.0.71", 37020))  # another host is unaffected
    cap = exchange.MAX_PER_SOURCE
    note = f"sadp: over {cap} datagrams from this host on udp/37020 (flood); the rest not read"
    assert [(s.ip, s.anomalies) for s in seen] == [("10.77.0.70", (note,))]
    assert guard.sources() == {"10.77.0.70": 100}

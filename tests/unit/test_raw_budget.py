"""The evidence store keeps one raw reply per (protocol, source) and bounded raw bytes per host."""

from __future__ import annotations

from ipaddress import IPv4Network

from netfinger.evidence import Observation, RawReply, Sighting
from netfinger.scan.store import MAX_RAW_BYTES_PER_HOST, EvidenceStore

NET = IPv4Network("10.0.0.0/24")


def _wsd(ip: str, body: bytes) -> Sighting:
    obs = (Observation("wsd.action", "ProbeMatches", 3702, "udp/3702"),)
    return Sighting(ip=ip, observations=obs, raw=(RawReply.capture("wsd", f"{ip}:3702", body),),
                    protocol="wsd")


def test_repeated_multicast_answers_keep_one_raw_reply() -> None:
    store = EvidenceStore([NET])
    for n in range(4):
        store.add(_wsd("10.0.0.5", b"<Envelope>%d</Envelope>" % n))
    (host,) = store.hosts()
    assert [r.data for r in host.raw] == [b"<Envelope>0</Envelope>"]
    assert host.values("wsd.action") == ["ProbeMatches"]


def test_distinct_sources_are_all_kept() -> None:
    store = EvidenceStore([NET])
    raws = tuple(RawReply.capture("http", f"http://10.0.0.5:80{p}", b"HTTP/1.1 200 OK\r\n\r\n")
                 for p in ("/", "/ISAPI/System/deviceInfo", "/RPC2_Login"))
    store.add(Sighting(ip="10.0.0.5", raw=raws, protocol="http"))
    (host,) = store.hosts()
    assert [r.source for r in host.raw] == [r.source for r in raws]


def test_raw_bytes_per_host_are_bounded_observations_are_not() -> None:
    store = EvidenceStore([NET])
    big = b"x" * 12_000
    for n in range(10):
        raw = (RawReply.capture("http", f"http://10.0.0.5:80/p{n}", big),)
        obs = (Observation("http.status", str(200 + n), 80, f"/p{n}"),)
        store.add(Sighting(ip="10.0.0.5", observations=obs, raw=raw, protocol="http"))
    store.add(_wsd("10.0.0.5", b"<small/>"))
    (host,) = store.hosts()
    assert sum(len(r.data) for r in host.raw) <= MAX_RAW_BYTES_PER_HOST
    assert len(host.raw) == MAX_RAW_BYTES_PER_HOST // 12_000 + 1  # the small one still fits
    assert host.raw[-1].protocol == "wsd"
    assert len(host.values("http.status")) == 10

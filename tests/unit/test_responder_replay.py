"""Hostile responders: generated payloads, udp_replay bursts and captures, tcp_replay streams/drips/resets."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from responder_fixtures import converse, make_device, split_response

from netfinger.lab.profile import responder_registry
from netfinger.lab.responders import RESPONDERS, payload
from netfinger.lab.responders.base import ProfileError
from netfinger.lab.site import load_site

HOSTILE = Path(__file__).resolve().parents[2] / "netfinger" / "lab" / "sites" / "hostile"
PEER = ("10.77.0.1", 40000)


def _same(text: str) -> str:
    return text


@pytest.mark.parametrize(
    "spec",
    [
        {"text": "abc"},
        {"hex": "00ff 1b"},
        {"repeat": {"text": "xy", "times": 100_000}},
        {"repeat": {"hex": "00", "times": 3}},
        {"parts": [{"text": "<a>"}, {"repeat": {"text": "s ", "times": 7}}, {"hex": "ff"}]},
    ],
)
def test_size_matches_the_generated_bytes_and_pieces_stay_small(spec: dict[str, Any]) -> None:
    pieces = list(payload.chunks(spec, _same))
    assert sum(map(len, pieces)) == payload.size(spec, _same)
    assert all(len(p) <= payload.CHUNK for p in pieces)


def test_fifty_megabytes_are_described_not_built() -> None:
    spec = {"repeat": {"text": "0123456789abcdef", "times": 3_276_800}}
    assert payload.size(spec, _same) == 50 * 1024 * 1024
    first = next(payload.chunks(spec, _same))
    assert len(first) == payload.CHUNK
    assert payload.build(spec, _same, 100) == (b"0123456789abcdef" * 7)[:100]


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"hex": "zz"}, "not hex"),
        ({"text": "a", "hex": "00"}, "exactly one of"),
        ({"repeat": {"text": "a", "hex": "00", "times": 2}}, "exactly one of text, hex"),
        ({"repeat": {"text": "a", "times": -1}}, "times"),
        ({"parts": []}, "parts"),
        ("text", "exactly one of"),
    ],
)
def test_bad_payload_specs_are_refused_with_the_key(spec: Any, message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        payload.validate(spec, "p.yaml: reply")


def _udp(rule: dict[str, Any]) -> Any:
    base = {"port": 3702, "groups": ["239.255.255.250"], "reply": {"text": "hi"}}
    return make_device({"udp_replay": {"rules": [{**base, **rule}]}})


def test_udp_replay_echoes_captured_values_and_bursts_with_sequence_numbers() -> None:
    dev = _udp({"when": "Probe>", "capture": {"mid": "MessageID>([^<]{1,200})<"},
                "reply": {"text": "{mid}/{seq}/{ip}"}, "copies": 3, "to": "both"})
    out = RESPONDERS["udp_replay"].on_datagram(dev, b"<MessageID>uuid:1</MessageID><Probe>", PEER, 3702)
    assert [(d.data, d.dest) for d in out] == [
        (b"uuid:1/0/10.77.0.21", PEER), (b"uuid:1/0/10.77.0.21", ("239.255.255.250", 3702)),
        (b"uuid:1/1/10.77.0.21", PEER), (b"uuid:1/1/10.77.0.21", ("239.255.255.250", 3702)),
        (b"uuid:1/2/10.77.0.21", PEER), (b"uuid:1/2/10.77.0.21", ("239.255.255.250", 3702)),
    ]
    assert list(RESPONDERS["udp_replay"].on_datagram(dev, b"<Hello>", PEER, 3702)) == []
    assert list(RESPONDERS["udp_replay"].on_datagram(dev, b"<Probe>", PEER, 1900)) == []


def test_udp_replay_every_limits_bursts_in_time() -> None:
    dev = make_device({"udp_replay": {"rules": [
        {"port": 3702, "groups": ["239.255.255.250"], "reply": {"text": "x"}, "every": 60, "copies": 5}]}},
        mac="02:00:00:00:00:99")
    first = RESPONDERS["udp_replay"].on_datagram(dev, b"a", PEER, 3702)
    again = RESPONDERS["udp_replay"].on_datagram(dev, b"a", PEER, 3702)
    assert (len(list(first)), len(list(again))) == (5, 0)


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"reply": {"repeat": {"text": "ab", "times": 40_000}}}, "larger than a UDP datagram"),
        ({"to": "group", "groups": []}, "need a group"),
        ({"groups": ["10.0.0.1"]}, "not an IPv4 multicast group"),
        ({"when": "("}, "bad regular expression"),
        ({"capture": {"x": "no group"}}, "exactly 1 group"),
        ({"copies": 0}, "copies"),
    ],
)
def test_udp_replay_refuses_bad_rules(rule: dict[str, Any], message: str) -> None:
    with pytest.raises(ProfileError, match=message):
        _udp(rule)


def _tcp(spec: dict[str, Any]) -> Any:
    return make_device({"tcp_replay": {"ports": [{"port": 80, **spec}]}})


def test_tcp_replay_streams_a_generated_body_with_its_length() -> None:
    dev = _tcp({"reply": {"text": "HTTP/1.1 200 OK\r\nContent-Length: {length}\r\n\r\n"},
                "body": {"repeat": {"text": "0123456789", "times": 15_000}}})  # 3 pieces; fits the socketpair
    status, headers, body = split_response(converse("tcp_replay", dev, 80, b"GET / HTTP/1.1\r\n\r\n"))
    assert status == "HTTP/1.1 200 OK"
    assert headers == [("Content-Length", "150000")]
    assert len(body) == 150_000
    assert body[:20] == b"01234567890123456789"


def test_tcp_replay_resets_after_the_given_bytes() -> None:
    dev = _tcp({"reply": {"text": "RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\n\r\n"}, "reset_after_bytes": 12,
                "capture": {"cseq": "CSeq: *([0-9]{1,9})"}})
    try:
        got = converse("tcp_replay", dev, 80, b"OPTIONS * RTSP/1.0\r\nCSeq: 7\r\n\r\n")
    except ConnectionResetError:
        got = b""
    assert len(got) <= 12
    assert b"RTSP/1.0 200 OK"[: len(got)] == got


def test_tcp_replay_drips_at_the_given_rate() -> None:
    dev = _tcp({"reply": {"text": "0123456789"}, "drip_bytes_per_second": 20})
    started = time.monotonic()
    got = converse("tcp_replay", dev, 80, b"GET / HTTP/1.0\r\n\r\n")
    assert got == b"0123456789"
    assert time.monotonic() - started >= 0.45


def test_tcp_replay_waits_for_a_whole_request_head() -> None:
    dev = _tcp({"reply": {"text": "x"}})
    assert converse("tcp_replay", dev, 80, b"GET / HTTP/1.0\r\n") == b""


def test_the_hostile_site_loads_and_every_profile_validates() -> None:
    site = load_site(HOSTILE, responder_registry())
    names = [p.name for p in site.profiles]
    assert len(names) >= 20
    assert sum(n.startswith("x-") for n in names) >= 15

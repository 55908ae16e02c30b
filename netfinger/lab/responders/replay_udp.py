"""Hostile UDP replies (``udp_replay`` section): canned bytes, bursts, replies to the group.

Generic and data-driven: each rule answers datagrams on a port (joined to multicast groups) whose
text matches ``when`` with the payload ``reply`` (see ``payload.py``), ``copies`` times. Profile
section::

    udp_replay:
      rules:
        - port: 3702
          groups: ["239.255.255.250"]
          when: "Probe</"                       # regex on the request (Latin-1); default: any datagram
          capture: {mid: "MessageID>([^<]{1,200})<"}   # request values as {mid} in the reply
          reply: {text: "<?xml ...RelatesTo>{mid}</..."}
          copies: 10000                         # a burst; {seq} is 0..copies-1 in each copy
          to: sender                            # sender | group | both
          every: 5                              # answer at most once every 5 seconds (a burst per scan)
          announce: false                       # also sent to the group when the device comes up

A reply larger than a UDP datagram (65,507 bytes) is refused when the profile is loaded.
"""

from __future__ import annotations

import ipaddress
import itertools
import time
from collections.abc import Iterable, Iterator
from typing import Any

from netfinger.lab.responders import capture, payload, schema
from netfinger.lab.responders.base import Datagram, Device, ProfileError, Responder, UdpEndpoint
from netfinger.lab.responders.templating import render, time_vars

MAX_DATAGRAM = 65507
MAX_COPIES = 100_000
RULE_KEYS = {"port", "groups", "when", "capture", "reply", "copies", "to", "every", "announce"}
TARGETS = ("sender", "group", "both")


def rules(device: Device) -> list[dict[str, Any]]:
    return list(device.sections.get("udp_replay", {}).get("rules", []))


def _validate_rule(rule: Any, where: str) -> None:
    spec = schema.mapping(rule, where)
    schema.only_keys(spec, RULE_KEYS, where)
    schema.port(spec.get("port"), f"{where}.port")
    for group in schema.str_list(spec.get("groups", []), f"{where}.groups"):
        if not _is_multicast(group):
            raise ProfileError(f"{where}.groups: {group!r} is not an IPv4 multicast group")
    if "when" in spec:
        capture.validate_regex(spec["when"], f"{where}.when")
    if "capture" in spec:
        capture.validate(spec["capture"], f"{where}.capture")
    payload.validate(spec.get("reply"), f"{where}.reply")
    schema.opt_int(spec, "copies", where, lo=1, hi=MAX_COPIES)
    schema.opt_int(spec, "every", where, lo=1, hi=86400)
    schema.opt_bool(spec, "announce", where)
    if spec.get("to", "sender") not in TARGETS:
        raise ProfileError(f"{where}.to: one of {', '.join(TARGETS)}")
    if (spec.get("to") in ("group", "both") or spec.get("announce")) and not spec.get("groups"):
        raise ProfileError(f"{where}.groups: replies to the group need a group")
    if payload.size(spec["reply"], lambda t: t) > MAX_DATAGRAM:
        raise ProfileError(f"{where}.reply: larger than a UDP datagram ({MAX_DATAGRAM} bytes)")


def _is_multicast(text: str) -> bool:
    try:
        return ipaddress.IPv4Address(text).is_multicast
    except ValueError:
        return False


class UdpReplayResponder(Responder):
    name = "udp_replay"

    def __init__(self) -> None:
        self._last: dict[tuple[str, int], float] = {}  # (device, rule index) -> when an ``every`` rule fired

    def validate(self, section: Any, where: str) -> None:
        sec = schema.mapping(section, where)
        schema.only_keys(sec, {"rules"}, where)
        items = sec.get("rules")
        if not isinstance(items, list) or not items:
            raise ProfileError(f"{where}.rules: expected a non-empty list")
        for i, rule in enumerate(items):
            _validate_rule(rule, f"{where}.rules[{i}]")

    def udp_endpoints(self, device: Device) -> list[UdpEndpoint]:
        groups: dict[int, list[str]] = {}
        for rule in rules(device):
            joined = groups.setdefault(int(rule["port"]), [])
            joined += [g for g in rule.get("groups", []) if g not in joined]
        return [UdpEndpoint(port, tuple(g)) for port, g in sorted(groups.items())]

    def on_datagram(self, device: Device, data: bytes, peer: tuple[str, int],
                    port: int) -> Iterable[Datagram]:
        out: list[Iterable[Datagram]] = []
        for index, rule in enumerate(rules(device)):
            if int(rule["port"]) != port or not capture.matches(rule.get("when"), data):
                continue
            if "every" in rule and not self._due(device.name, index, float(rule["every"])):
                continue
            extra = {**time_vars(), **capture.values(rule.get("capture"), data)}
            out.append(burst(device, rule, extra, destinations(rule, peer)))
        return itertools.chain.from_iterable(out)

    def _due(self, device: str, index: int, every: float) -> bool:
        now = time.monotonic()
        last = self._last.get((device, index))
        if last is not None and now - last < every:
            return False
        self._last[(device, index)] = now
        return True

    def announcements(self, device: Device) -> list[Datagram]:
        out: list[Datagram] = []
        for rule in rules(device):
            if rule.get("announce"):
                group = (rule["groups"][0], int(rule["port"]))
                out += list(burst(device, rule, time_vars(), [group]))
        return out


def destinations(rule: dict[str, Any], peer: tuple[str, int]) -> list[tuple[str, int]]:
    to = rule.get("to", "sender")
    out = [peer] if to in ("sender", "both") else []
    if to in ("group", "both"):
        out.append((rule["groups"][0], int(rule["port"])))
    return out


def burst(device: Device, rule: dict[str, Any], extra: dict[str, str],
          dests: list[tuple[str, int]]) -> Iterator[Datagram]:
    """``copies`` datagrams per destination; the payload is rendered once unless it uses ``{seq}``.

    Lazy: the emulator renders and sends a burst a slice at a time, so one flooding device does not
    hold up every other device's answers (real devices are separate boxes)."""
    copies = int(rule.get("copies", 1))
    spec = rule["reply"]
    per_copy = "{seq}" in repr(spec)
    fixed = b"" if per_copy else _render(device, spec, extra)
    for seq in range(copies):
        data = _render(device, spec, {**extra, "seq": str(seq)}) if per_copy else fixed
        for dest in dests:
            yield Datagram(data, dest)


def _render(device: Device, spec: dict[str, Any], extra: dict[str, str]) -> bytes:
    return payload.build(spec, lambda text: render(device, text, extra), MAX_DATAGRAM)

"""ONVIF WS-Discovery probe: multicast Probes (twice, fresh MessageIDs), unicast to live hosts, Hello/Bye."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import ClassVar

from netfinger.evidence import RawReply, Sighting, bounded, flood_note
from netfinger.probes.exchange import GROUP, listen
from netfinger.probes.interface import Completed, Failed, Probe, ProbeOutcome, ScanContext
from netfinger.probes.rounds import discover
from netfinger.probes.udp import Send, open_socket
from netfinger.protocols import wsd

MAX_MESSAGES_PER_HOST = 64  # an honest device answers a handful of Probes; beyond this it is a flood


class WsdProbe(Probe):
    name: ClassVar[str] = "wsd"
    phase: ClassVar[str] = "discovery"

    def __init__(self) -> None:
        self._sent_ids: set[str] = set()
        self._answered: set[str] = set()
        self._count = 0
        self._per_host: dict[str, int] = {}
        self._group_notes: list[str] = []

    def _probes(self, dests: list[str]) -> list[Send]:
        out: list[Send] = []
        for dest in dests:
            for mid, data in wsd.build_probes():
                self._sent_ids.add(wsd.message_key(mid))
                out.append((data, (dest, wsd.WSD_PORT)))
        return out

    def _flooding(self, ctx: ScanContext, ip: str) -> bool:
        """True once a host has sent more than MAX_MESSAGES_PER_HOST messages (noted once, then ignored)."""
        seen = self._per_host.get(ip, 0) + 1
        self._per_host[ip] = seen
        if seen == MAX_MESSAGES_PER_HOST + 1:
            note = flood_note("wsd", MAX_MESSAGES_PER_HOST, unit="messages")
            ctx.emit(Sighting(ip=ip, anomalies=(note,)))
        return seen > MAX_MESSAGES_PER_HOST

    def _handle(self, ctx: ScanContext, data: bytes, addr: tuple[str, int], heard: str) -> None:
        if self._flooding(ctx, addr[0]):
            return
        msg = wsd.parse_message(data)
        if not msg.valid:
            if heard == "reply":  # sent to our own probe socket: a reply, however broken
                ctx.emit(Sighting(ip=addr[0], anomalies=(f"wsd: unreadable reply ({msg.error})",),
                                  raw=(RawReply.capture("wsd", f"{addr[0]}:{addr[1]}", data),)))
            return
        source = f"udp/{wsd.WSD_PORT}"
        anomalies: list[str] = []
        if msg.scopes_sent > wsd.MAX_SCOPES_KEPT:
            kept = wsd.MAX_SCOPES_KEPT
            anomalies.append(f"wsd: {msg.scopes_sent} scopes in one message (first {kept} kept)")
        if msg.action in ("ProbeMatches", "Fault"):
            ours = bool(msg.relates_to) and wsd.message_key(msg.relates_to) in self._sent_ids
            if heard == "listen" and not ours:
                return  # someone else's exchange seen on the group socket
            if msg.action == "ProbeMatches" and not ours:
                anomalies.append(f"wsd: ProbeMatches RelatesTo {bounded(msg.relates_to, 80)!r} "
                                 "matches none of our Probes")
            self._answered.add(addr[0])
        self._count += 1
        ctx.emit(Sighting(
            ip=addr[0],
            observations=tuple(wsd.observations(msg, source)),
            raw=(RawReply.capture("wsd", f"{addr[0]}:{addr[1]}", data),),
            anomalies=tuple(anomalies),
            protocol="wsd",
        ))

    async def _listen_hello(self, ctx: ScanContext, window: float) -> None:
        """Hello/Bye go to the group on 3702; listen there too (best effort)."""
        try:
            sock = open_socket(ctx, wsd.WSD_PORT, wsd.WSD_GROUP)
        except OSError:
            return
        with sock:
            self._group_notes = await listen(ctx, sock, [], window=window, protocol="wsd", name=GROUP,
                                             handle=lambda d, a: self._handle(ctx, d, a, "listen"))

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        started = time.monotonic()
        listener = asyncio.create_task(self._listen_hello(ctx, ctx.timeout))
        group = [wsd.WSD_GROUP] if ctx.targets_on_link() else []
        try:
            failure, notes = await discover(
                ctx, "wsd", ask=lambda: self._probes(group), unicast=self._probes, answered=self._answered,
                handle=lambda d, a: self._handle(ctx, d, a, "reply"), groups=(wsd.WSD_GROUP,))
        finally:
            listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listener
        if failure:
            return Failed(self.name, failure)
        notes += self._group_notes
        return Completed(self.name, self._count, time.monotonic() - started, tuple(notes))

"""Dahua discovery probe: DHIP search (UDP 37810, multicast + unicast) and the legacy UDP 5050 probe."""

from __future__ import annotations

import time
from typing import ClassVar

from netfinger.evidence import RawReply, Sighting, claim_note
from netfinger.probes.interface import Completed, Failed, Probe, ProbeOutcome, ScanContext
from netfinger.probes.rounds import discover
from netfinger.probes.udp import Send
from netfinger.protocols import dhip, dhip_legacy


class DhipProbe(Probe):
    name: ClassVar[str] = "dhip"
    phase: ClassVar[str] = "discovery"

    def __init__(self) -> None:
        self._answered: set[str] = set()
        self._count = 0

    def _first(self, ctx: ScanContext) -> list[Send]:
        out: list[Send] = []
        if ctx.targets_on_link():
            out.append((dhip.build_search(), (dhip.DHIP_GROUP, dhip.DHIP_PORT)))
        for net in ctx.onlink:
            if net.prefixlen < 31 and any(net.overlaps(t) for t in ctx.networks):
                out.append((dhip.build_legacy_probe(), (str(net.broadcast_address), dhip.LEGACY_PORT)))
        return out

    def _unicast(self, dests: list[str]) -> list[Send]:
        out: list[Send] = []
        for ip in dests:
            out.append((dhip.build_search(), (ip, dhip.DHIP_PORT)))
            out.append((dhip.build_legacy_probe(), (ip, dhip.LEGACY_PORT)))
        return out

    def _handle(self, ctx: ScanContext, data: bytes, addr: tuple[str, int]) -> None:
        source = f"udp/{addr[1]}"
        raw = (RawReply.capture("dhip", f"{addr[0]}:{addr[1]}", data),)
        if data[:1] == bytes([dhip_legacy.REPLY_MAGIC]):
            legacy = dhip_legacy.parse_reply(data)
            if not legacy.valid:
                note = f"dhip: unreadable legacy reply on udp/{addr[1]} ({legacy.error})"
                ctx.emit(Sighting(ip=addr[0], raw=raw, anomalies=(note, *legacy.anomalies)))
                return
            obs = tuple(dhip_legacy.observations(legacy, source))
            notes = tuple(legacy.anomalies)
        else:
            reply = dhip.parse_reply(data)
            if not reply.valid:
                if data[4:8] == dhip.MAGIC and not reply.method:  # broken DHIP (a request is ignored)
                    note = f"dhip: unreadable reply on udp/{addr[1]} ({reply.error})"
                    ctx.emit(Sighting(ip=addr[0], raw=raw, anomalies=(note, *reply.anomalies)))
                return
            obs = tuple(dhip.observations(reply, source))
            notes = tuple(reply.anomalies)
            claimed = reply.info.get("IPv4Address.IPAddress", "")
            if claimed and claimed != addr[0]:
                notes += (claim_note("dhip", addr[0], "IPAddress", claimed),)
        self._answered.add(addr[0])
        self._count += 1
        ctx.emit(Sighting(ip=addr[0], observations=obs, raw=raw, anomalies=notes, protocol="dhip"))

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        started = time.monotonic()
        failure, notes = await discover(
            ctx, "dhip", ask=lambda: self._first(ctx), ask_again=lambda: self._first(ctx)[:1],
            unicast=self._unicast, handle=lambda d, a: self._handle(ctx, d, a), answered=self._answered,
            groups=(dhip.DHIP_GROUP,), listen_group=(dhip.DHIP_GROUP, dhip.DHIP_PORT))
        if failure:
            return Failed(self.name, failure)
        return Completed(self.name, self._count, time.monotonic() - started, tuple(notes))

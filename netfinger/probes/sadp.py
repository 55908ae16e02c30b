"""Hikvision SADP probe: inquiry to the multicast group (twice) and unicast to live hosts."""

from __future__ import annotations

import time
from typing import ClassVar

from netfinger.evidence import RawReply, Sighting, claim_note
from netfinger.probes.exchange import GROUP
from netfinger.probes.interface import Completed, Failed, Probe, ProbeOutcome, ScanContext
from netfinger.probes.rounds import discover
from netfinger.probes.udp import Send
from netfinger.protocols import sadp, xmlsafe


class SadpProbe(Probe):
    name: ClassVar[str] = "sadp"
    phase: ClassVar[str] = "discovery"

    def __init__(self) -> None:
        self._sent: set[str] = set()
        self._answered: set[str] = set()
        self._count = 0

    def _inquiries(self, dests: list[str]) -> list[Send]:
        out: list[Send] = []
        for dest in dests:
            probe_uuid = sadp.new_uuid()
            self._sent.add(probe_uuid)
            out.append((sadp.build_inquiry(probe_uuid), (dest, sadp.SADP_PORT)))
        return out

    def _handle(self, ctx: ScanContext, data: bytes, addr: tuple[str, int]) -> None:
        reply = sadp.parse_reply(data)
        raw = (RawReply.capture("sadp", f"{addr[0]}:{addr[1]}", data),)
        if not reply.valid:
            if b"ProbeMatch" in data:  # a broken ProbeMatch sent to our own socket is kept as such
                broken = f"sadp: unreadable reply ({reply.error})"
                ctx.emit(Sighting(ip=addr[0], raw=raw, anomalies=(broken,)))
            return
        anomalies = []
        note = sadp.check_uuid(reply, self._sent) if ctx.heard_on != GROUP else None  # others ask too
        if note:
            anomalies.append(note)
        if reply.malformed:
            anomalies.append("sadp: reply is not well-formed XML (read with the line parser)")
            why = xmlsafe.refusal(data)
            if why != xmlsafe.NOT_WELL_FORMED:
                anomalies.append(f"sadp: {why}")
        if reply.ipv4 and reply.ipv4 != addr[0]:
            anomalies.append(claim_note("sadp", addr[0], "IPv4Address", reply.ipv4))
        self._answered.add(addr[0])
        self._count += 1
        ctx.emit(Sighting(
            ip=addr[0],
            observations=tuple(sadp.observations(reply, f"udp/{sadp.SADP_PORT}")),
            raw=raw,
            anomalies=tuple(anomalies),
            protocol="sadp",
        ))

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        started = time.monotonic()
        group = [sadp.SADP_GROUP] if ctx.targets_on_link() else []
        failure, notes = await discover(
            ctx, "sadp", ask=lambda: self._inquiries(group), unicast=self._inquiries,
            handle=lambda d, a: self._handle(ctx, d, a), answered=self._answered, groups=(sadp.SADP_GROUP,),
            listen_group=(sadp.SADP_GROUP, sadp.SADP_PORT))
        if failure:
            return Failed(self.name, failure)
        return Completed(self.name, self._count, time.monotonic() - started, tuple(notes))

"""SSDP probe: M-SEARCH (ssdp:all, upnp:rootdevice) to the group; fetch descriptions only from the replier."""

from __future__ import annotations

import asyncio
import time
from typing import ClassVar

from netfinger.evidence import Observation, RawReply, Sighting, bounded
from netfinger.probes.interface import Completed, Failed, Probe, ProbeOutcome, ScanContext, Skipped
from netfinger.probes.rounds import discover
from netfinger.probes.tcpio import request
from netfinger.probes.udp import Send
from netfinger.protocols import http, ssdp, xmlsafe

MAX_FETCHES = 512


class SsdpProbe(Probe):
    name: ClassVar[str] = "ssdp"
    phase: ClassVar[str] = "discovery"

    def __init__(self) -> None:
        self._fetched: set[str] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._count = 0
        self._answered: set[str] = set()

    def _searches(self) -> list[Send]:
        return [(ssdp.build_msearch(st), (ssdp.SSDP_GROUP, ssdp.SSDP_PORT)) for st in ssdp.SEARCH_TARGETS]

    def _unicast(self, dests: list[str]) -> list[Send]:
        """One unicast M-SEARCH (ssdp:all) per live host that has not answered the group."""
        return [(ssdp.build_msearch(ssdp.SEARCH_TARGETS[0], host=ip), (ip, ssdp.SSDP_PORT)) for ip in dests]

    async def _fetch(self, ctx: ScanContext, ip: str, port: int, location: str) -> None:
        path = location.split("/", 3)[3] if location.count("/") >= 3 else ""
        req = http.build_request("GET", f"{ip}:{port}", "/" + path)
        await ctx.pace()
        result = await request(ip, port, req, ctx.io_timeout, done=http.is_complete)
        resp = http.parse_response(result.data)
        if not resp.valid or resp.status != 200:
            return
        fields = ssdp.parse_description(resp.body)
        ctx.emit(Sighting(
            ip=ip,
            observations=tuple(ssdp.description_observations(fields, port, bounded(location))),
            raw=(RawReply.capture("upnp", bounded(location, 256), result.data),),
            anomalies=tuple(description_problems(location, resp.body, fields, result.cut)),
            protocol="ssdp",
        ))

    def _follow(self, ctx: ScanContext, ip: str, location: str) -> str | None:
        """Fetch the description when LOCATION names the replier (a target); else say why not."""
        where = ssdp.location_host(location)
        if where is None:
            return None
        host, port = where
        if host != ip or not ctx.in_targets(host):
            return (f"ssdp: LOCATION {bounded(location, 200)!r} points away from the replying host; "
                    "not fetched")
        if location not in self._fetched and len(self._fetched) < MAX_FETCHES:
            self._fetched.add(location)
            task = asyncio.get_running_loop().create_task(self._fetch(ctx, ip, port, location))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return None

    def _handle(self, ctx: ScanContext, data: bytes, addr: tuple[str, int]) -> None:
        msg = ssdp.parse_message(data)
        if not msg.valid:
            return
        notes: list[str] = []
        location = msg.get("location")
        if location and ctx.in_targets(addr[0]):
            note = self._follow(ctx, addr[0], location)
            if note:
                notes.append(note)
        obs: list[Observation] = ssdp.observations(msg, f"udp/{ssdp.SSDP_PORT}")
        self._count += 1
        self._answered.add(addr[0])
        ctx.emit(Sighting(ip=addr[0], observations=tuple(obs),
                          raw=(RawReply.capture("ssdp", f"{addr[0]}:{addr[1]}", data),),
                          anomalies=tuple(notes), protocol="ssdp"))

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        started = time.monotonic()
        if not ctx.targets_on_link() and (ctx.hosts_settled is None or ctx.hosts_settled.is_set()):
            return Skipped(self.name, "no target on the scan interface's networks and no sweep running")
        on_link = ctx.targets_on_link()
        try:
            failure, notes = await discover(
                ctx, "ssdp", ask=lambda: self._searches() if on_link else [], unicast=self._unicast,
                answered=self._answered, handle=lambda d, a: self._handle(ctx, d, a),
                groups=(ssdp.SSDP_GROUP,))
            if failure:
                return Failed(self.name, failure)
            if self._tasks:
                await asyncio.wait(set(self._tasks), timeout=ctx.io_timeout * 2)
        finally:
            for task in self._tasks:
                task.cancel()
        return Completed(self.name, self._count, time.monotonic() - started, tuple(notes))


def description_problems(location: str, body: bytes, fields: dict[str, str], cut: bool) -> list[str]:
    """Anomaly notes for a description that was too large or could not be read."""
    where = bounded(location, 200)
    notes: list[str] = []
    if cut:
        notes.append(f"upnp: description at {where!r} reached the {http.MAX_RESPONSE_BYTES}-byte limit, cut")
    if not fields:
        why = xmlsafe.refusal(body) if xmlsafe.parse_xml(body) is None else "no UPnP device element"
        notes.append(f"upnp: description at {where!r} unreadable ({why})")
    return notes

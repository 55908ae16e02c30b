"""mDNS over IPv6 (``--ipv6`` only): one-shot DNS-SD queries to ``[ff02::fb]:5353`` on the scan interface.

Why not zeroconf here (the IPv4 browse uses it): its IPv6 listen socket is a wildcard ``[::]:5353``
with no device binding, so it also hears what other interfaces receive. This socket is bound to the
scan interface's own link-local address (scope id set), sends with hop limit 1, and asks from an
ephemeral port: a one-shot query, which responders answer unicast to the asker (RFC 6762 §6.7), so
only this link's answers arrive. The same zeroconf DNS classes build and read the packets
(``netfinger.protocols.mdns``, shared with the passive decoder).

Answers become sightings of the answering ``fe80::…%iface`` host; the evidence store merges them by MAC
with the host's IPv4 (or IPv6-only) host, as it does for the ipv6 probe's.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from netfinger.evidence import RawReply, Sighting
from netfinger.probes.exchange import MULTICAST, Exchange, run_window
from netfinger.probes.interface import ScanContext
from netfinger.probes.ipv6 import UDP, open_socket6, scan_link_local
from netfinger.probes.udp import Send, Step
from netfinger.protocols import ipv6, mdns

MAX_SERVICES = 2000  # (host, instance) pairs kept; a flood makes no more
FOLLOW_UP_AT = 0.5  # fraction of the window: ask SRV/TXT for instances whose answer left them out


@dataclass
class Result:
    services: int = 0
    hosts: int = 0
    failure: str = ""


@dataclass
class Browse6:
    """What one IPv6 browse has heard: service records per (answering host, instance)."""

    ctx: ScanContext
    records: dict[tuple[str, str], mdns.ServiceRecord] = field(default_factory=dict)

    def first(self) -> Sequence[Send]:
        query = mdns.build_query([(t, mdns.TYPE_PTR) for t in mdns.SERVICE_TYPES])
        return [(query, (mdns.MDNS_GROUP6, mdns.MDNS_PORT))]

    def missing(self) -> Sequence[Send]:
        """SRV and TXT questions for instances heard without them (answers that left out additionals)."""
        names = sorted({rec.instance for rec in self.records.values() if rec.port is None})[:16]
        if not names:
            return []
        query = mdns.build_query([(n, t) for n in names for t in (mdns.TYPE_SRV, mdns.TYPE_TXT)])
        return [(query, (mdns.MDNS_GROUP6, mdns.MDNS_PORT))]

    def zone(self, addr: str) -> str | None:
        if not ipv6.is_link_local(addr) or self.ctx.iface is None:
            return None
        return f"{addr.split('%', 1)[0]}%{self.ctx.iface}"

    def handle(self, data: bytes, addr: tuple[str, int]) -> None:
        zone = self.zone(addr[0])
        found = mdns.parse_response(data) if zone else None
        if not zone or not found:
            return
        for rec in found:
            held = self.records.get((zone, rec.instance))
            if held is None:
                if len(self.records) >= MAX_SERVICES:
                    continue
                held = self.records[(zone, rec.instance)] = rec
            else:
                held.hostname = rec.hostname or held.hostname
                held.port = rec.port if rec.port is not None else held.port
                held.txt = rec.txt or held.txt
            self.ctx.live_v6.add(zone)
            self.ctx.emit(Sighting(ip=None, ipv6=(zone,), observations=tuple(mdns.observations(held)),
                                   protocol="mdns", link=True,
                                   raw=(RawReply.capture("mdns", f"[{zone}]:{addr[1]}", data),)))

    def result(self) -> Result:
        return Result(len(self.records), len({zone for zone, _ in self.records}))


async def browse_v6(ctx: ScanContext) -> Result:
    """Ask ff02::fb for the browsed service types (twice), then SRV/TXT for what came back bare."""
    if not ctx.iface:
        return Result(failure="no scan interface")
    local = await scan_link_local(ctx.iface)
    if local is None:
        return Result(failure=f"{ctx.iface} has no IPv6 link-local address")
    browse = Browse6(ctx)
    ex = Exchange(ctx, "mdns", browse.handle, (mdns.MDNS_GROUP6,))
    window = ctx.timeout
    try:
        with open_socket6(ctx, UDP, local, socket.if_nametoindex(ctx.iface)) as sock:
            chan = ex.add(MULTICAST, sock)
            again = min(0.3, window / 4)
            plan = [(0.0, chan, Step(0.0, browse.first)), (again, chan, Step(0.0, browse.first)),
                    (window * FOLLOW_UP_AT, chan, Step(0.0, browse.missing))]
            await run_window(ex, plan, window)
    except OSError as exc:
        return Result(failure=f"socket error: {exc}")
    return browse.result()


def note(result: Result, started: float) -> str:
    if result.failure:
        return f"IPv6 (ff02::fb): {result.failure}"
    hosts = "host" if result.hosts == 1 else "hosts"
    return (f"IPv6 (ff02::fb): {result.services} services from {result.hosts} link-local {hosts} "
            f"in {time.monotonic() - started:.1f} s")


"""A ScanContext that records what probes emit, for probe tests that send nothing."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from typing import Any

from netfinger.evidence import Sighting
from netfinger.probes.interface import ScanContext


def make_ctx(
    targets: str = "10.77.0.0/24", onlink: str | None = "10.77.0.0/24", live: tuple[str, ...] = ()
) -> tuple[ScanContext, list[Sighting]]:
    seen: list[Sighting] = []
    ctx = ScanContext(
        networks=(IPv4Network(targets),),
        emit=seen.append,
        iface="eth0",
        onlink=(IPv4Network(onlink),) if onlink else (),
        local_ips=frozenset({"10.77.0.1"}),
        live_hosts={IPv4Address(ip) for ip in live},
    )
    return ctx, seen


def fields(sightings: list[Sighting]) -> set[tuple[str, str]]:
    return {(o.field, o.value) for s in sightings for o in s.observations}


def by_session(fake: Any) -> Any:
    """Adapt a fake ``tcpio.request(host, port, payload, seconds, tls=...)`` to the http probe's seam,
    ``request(session, payload)``."""
    async def on_session(session: Any, payload: bytes) -> Any:
        return await fake(session.host, session.port, payload, session.seconds, tls=session.tls)

    return on_session

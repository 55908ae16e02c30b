"""The scan core: discovery probes in parallel, then unicast probes on live hosts, then a Report."""

from __future__ import annotations

import asyncio
import logging
import math
import os
import sys
from dataclasses import dataclass
from ipaddress import IPv4Address

from netfinger.errors import UsageError
from netfinger.evidence import Sighting
from netfinger.probes import PROBES
from netfinger.probes.interface import Completed, Failed, Probe, ProbeOutcome, ScanContext
from netfinger.report.model import Report
from netfinger.scan.config import ScanConfig
from netfinger.scan.iface import choose_interface, list_interfaces
from netfinger.scan.macinfo import oui_org
from netfinger.scan.progress import NullProgress, ProgressSink
from netfinger.scan.ratelimit import TokenBucket
from netfinger.scan.report import build_report, load_matcher, utc_now
from netfinger.scan.store import EvidenceStore
from netfinger.scan.targets import address_count, parse_targets

log = logging.getLogger("netfinger.scan")


@dataclass
class ScanState:
    ctx: ScanContext
    store: EvidenceStore
    outcomes: dict[str, str]
    progress: ProgressSink
    interrupted: bool = False


def describe_outcome(outcome: ProbeOutcome) -> str:
    if isinstance(outcome, Completed):
        return f"completed ({outcome.sightings} replies, {outcome.seconds:.1f}s)"
    if isinstance(outcome, Failed):
        return f"failed: {outcome.reason}"
    return f"skipped: {outcome.reason}"


async def _guarded(probe: Probe, ctx: ScanContext, limit: float) -> ProbeOutcome:
    """Run one probe; no exception escapes, and it cannot outlive ``limit`` seconds."""
    try:
        return await asyncio.wait_for(probe.run(ctx), limit)
    except TimeoutError:
        return Failed(probe.name, f"did not finish within {limit:.0f}s")
    except asyncio.CancelledError:
        raise
    except Exception as exc:  # a probe bug must not take the scan down
        log.debug("probe %s crashed", probe.name, exc_info=True)
        return Failed(probe.name, f"{type(exc).__name__}: {exc}"[:200])


async def _run_phase(state: ScanState, name: str, probes: list[Probe], limit: float,
                     stop: asyncio.Event) -> None:
    if not probes or state.interrupted:
        return
    state.progress.phase(name, [p.name for p in probes])
    tasks = {asyncio.create_task(_guarded(p, state.ctx, limit)): p for p in probes}

    def finished(task: asyncio.Task[ProbeOutcome]) -> None:
        if not task.cancelled():
            text = describe_outcome(task.result())
            state.outcomes[tasks[task].name] = text
            state.progress.probe_done(tasks[task].name, text)

    for task in tasks:
        task.add_done_callback(finished)
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
    while not stop.is_set() and any(not t.done() for t in tasks):
        await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
    if stop.is_set():
        state.interrupted = True
        for task, probe in tasks.items():
            if not task.done():
                task.cancel()
                state.outcomes[probe.name] = "failed: interrupted"
    stopper.cancel()
    await asyncio.gather(*tasks, stopper, return_exceptions=True)


def _limits(config: ScanConfig, targets: int) -> tuple[float, float]:
    """Hard time limits of the discovery and unicast phases (a stuck probe is cut off, not waited for)."""
    paced = targets * len(config.probes) / config.rate
    discovery = config.timeout + 3 * config.io_timeout + paced * 2 + 10
    waves = math.ceil(max(targets, 1) / max(config.concurrency, 1))
    unicast = waves * config.io_timeout * 12 + paced * 4 + 20
    return discovery, unicast


async def run_scan(config: ScanConfig, *, stop: asyncio.Event | None = None,
                   progress: ProgressSink | None = None) -> Report:
    """Scan ``config.targets`` and return the report. Setting ``stop`` ends the scan early (interrupted)."""
    started = utc_now()
    stop = stop or asyncio.Event()
    unknown = [p for p in config.probes if p not in PROBES]
    if unknown:
        raise UsageError(f"unknown probe(s) {', '.join(unknown)}; choose from {', '.join(PROBES)}")
    interfaces = await asyncio.to_thread(list_interfaces)
    networks = parse_targets(config.targets, config.force) if config.targets else ()
    iface = choose_interface(interfaces, config.iface, networks)
    if not networks:
        chosen = [iface] if config.iface and iface else interfaces
        networks = parse_targets([str(n) for i in chosen for n in i.networks], config.force)
    if not networks:
        raise UsageError("no targets given and no IPv4 interface here to take them from")
    local_ips = frozenset(ip for i in interfaces for ip in i.ips)
    store = EvidenceStore(networks, local_ips)
    bucket = TokenBucket(config.rate)
    sink = progress or NullProgress()
    state = ScanState(
        ScanContext(
            networks=networks, emit=lambda s: None, iface=iface.name if iface else None,
            timeout=config.timeout, rate=config.rate, concurrency=config.concurrency,
            credentials=config.credentials, http_ports=config.http_ports, is_root=os.geteuid() == 0,
            io_timeout=config.io_timeout, pacer=bucket.take,
            onlink=iface.networks if iface else (), local_ips=local_ips,
            lookup=store.lookup, tcp_ports=config.tcp_ports,
        ),
        store, {}, sink,
    )

    def emit(sighting: Sighting) -> None:
        host = store.add(sighting)
        if host is not None and sighting.ip:
            before = len(state.ctx.live_hosts)
            state.ctx.live_hosts.add(IPv4Address(sighting.ip))
            if len(state.ctx.live_hosts) != before:
                sink.hosts(len(state.ctx.live_hosts))

    state.ctx.emit = emit
    # Parse signatures and the OUI registry in threads while the probes wait for answers; a short
    # GIL switch interval keeps the event loop responsive while those threads hold the interpreter.
    previous_switch = sys.getswitchinterval()
    sys.setswitchinterval(min(previous_switch, 0.0005))
    matcher_load = asyncio.create_task(asyncio.to_thread(load_matcher))
    warm = asyncio.create_task(asyncio.to_thread(oui_org, "00:00:00:00:00:00"))
    probes = [PROBES[name]() for name in dict.fromkeys(config.probes)]
    discovery_limit, unicast_limit = _limits(config, address_count(networks))
    try:
        discovery = [p for p in probes if p.phase == "discovery"]
        await _run_phase(state, "discovery", discovery, discovery_limit, stop)
        await _run_phase(state, "unicast", [p for p in probes if p.phase != "discovery"], unicast_limit, stop)
    finally:
        sink.close()
    await warm
    matcher = await matcher_load
    sys.setswitchinterval(previous_switch)
    for proto, count in store.outside_by_protocol.items():
        if proto in state.outcomes:
            state.outcomes[proto] += f"; {count} replies from outside the targets ignored"
    return build_report(config, state.store, state.outcomes, networks=networks, started=started,
                        interrupted=state.interrupted, matcher=matcher)


"""The scan core: discovery probes in parallel, then unicast probes on live hosts, then a Report."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network

from netfinger.errors import UsageError
from netfinger.evidence import Sighting
from netfinger.match import oui
from netfinger.match.interface import Matcher
from netfinger.probes import PROBES
from netfinger.probes.arp import PROC_ARP
from netfinger.probes.interface import Completed, Failed, Probe, ProbeOutcome, ScanContext
from netfinger.probes.portcheck import PortCheck
from netfinger.protocols.arp import parse_proc_arp
from netfinger.report.model import Report
from netfinger.scan.config import ScanConfig
from netfinger.scan.iface import Interface, choose_interface, list_interfaces
from netfinger.scan.progress import NullProgress, ProgressSink
from netfinger.scan.ratelimit import TokenBucket
from netfinger.scan.report import build_report, load_matcher, utc_now
from netfinger.scan.store import EvidenceStore
from netfinger.scan.targets import address_count, parse_targets

log = logging.getLogger("netfinger.scan")
# The signatures and the OUI registry are parsed in threads from this fraction of the listen window on:
# earlier, their GIL time met the burst of multicast answers and the first port checks, and held the
# event loop up for 0.2 s (a loop-lag probe on a /24 of 250 devices); from mid-window the loop is quiet.
LOAD_AFTER = 0.5


@dataclass
class ScanState:
    ctx: ScanContext
    store: EvidenceStore
    outcomes: dict[str, str]
    progress: ProgressSink
    interrupted: bool = False

    def emit(self, sighting: Sighting) -> None:
        """Store a sighting; a reply from a target makes that host live for the unicast phase."""
        host = self.store.add(sighting)
        if host is not None and sighting.ip:
            before = len(self.ctx.live_hosts)
            self.ctx.live_hosts.add(IPv4Address(sighting.ip))
            if len(self.ctx.live_hosts) != before:
                self.progress.hosts(len(self.ctx.live_hosts))


def neighbour_macs() -> dict[str, str]:
    """IPv4 address -> MAC from the kernel's neighbour table (read, nothing sent)."""
    try:
        text = PROC_ARP.read_text(encoding="ascii", errors="replace")
    except OSError:
        return {}
    return {entry.ip: entry.mac for entry in parse_proc_arp(text)}


def note_outside(state: ScanState, only_targets: bool) -> None:
    """Each probe's outcome says how many replies came from outside the targets, and what became of them."""
    heard: dict[str, int] = {}
    for host in state.store.outside_hosts():
        for proto in host.protocols:
            heard[proto] = heard.get(proto, 0) + 1
    for proto, count in heard.items():
        if proto in state.outcomes:
            what = "left out (--only-targets)" if only_targets else "reported, not contacted"
            state.outcomes[proto] += f"; {count} devices heard on the link from outside the targets, {what}"
    for proto, count in state.store.outside_by_protocol.items():
        if proto in state.outcomes:
            state.outcomes[proto] += f"; {count} replies from outside the targets ignored"


def describe_outcome(outcome: ProbeOutcome) -> str:
    if isinstance(outcome, Completed):
        extra = "".join(f"; {note}" for note in outcome.notes)
        return f"completed ({outcome.sightings} replies, {outcome.seconds:.1f}s{extra})"
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


async def _run_probes(state: ScanState, discovery: list[Probe], unicast: list[Probe],
                      limits: tuple[float, float], stop: asyncio.Event) -> None:
    """Run every probe at once: unicast probes take live hosts as discovery finds them."""
    done = asyncio.Event()
    state.ctx.discovery_done = done
    state.ctx.sweep_done = asyncio.Event()
    state.ctx.sweep_sent = asyncio.Event()
    if not any(p.name == "arp" for p in discovery):
        state.ctx.mark_sweep_done()
    state.progress.phase("discovery", [p.name for p in discovery])
    state.progress.phase("unicast", [p.name for p in unicast])
    tasks = {asyncio.create_task(_guarded(p, state.ctx, limits[0])): p for p in discovery}
    first = set(tasks)
    finders = {t for t, p in tasks.items() if p.finds_hosts}
    settled = state.ctx.hosts_settled = asyncio.Event()
    if not finders:
        settled.set()
    tasks.update({asyncio.create_task(_guarded(p, state.ctx, sum(limits))): p for p in unicast})

    def finished(task: asyncio.Task[ProbeOutcome]) -> None:
        if not task.cancelled():
            text = describe_outcome(task.result())
            state.outcomes[tasks[task].name] = text
            state.progress.probe_done(tasks[task].name, text)
        if all(t.done() for t in finders):
            settled.set()
        if all(t.done() for t in first):
            state.ctx.mark_sweep_done()
            done.set()

    for task in tasks:
        task.add_done_callback(finished)
    if not first:
        state.ctx.mark_sweep_done()
        done.set()
    stopper = asyncio.create_task(stop.wait())
    pending = set(tasks)
    while not stop.is_set() and pending:  # only the pending ones: a done task would end each wait at once
        await asyncio.wait([*pending, stopper], return_when=asyncio.FIRST_COMPLETED)
        pending = {t for t in pending if not t.done()}
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


async def _resolve(config: ScanConfig) -> tuple[tuple[IPv4Network, ...], Interface | None, frozenset[str]]:
    """Targets (default: this namespace's subnets), the scan interface, and our own addresses."""
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
    return networks, iface, frozenset(ip for i in interfaces for ip in i.ips)


def _make_state(config: ScanConfig, networks: tuple[IPv4Network, ...], iface: Interface | None,
                local_ips: frozenset[str], sink: ProgressSink) -> ScanState:
    store = EvidenceStore(networks, local_ips)
    bucket = TokenBucket(config.rate)
    ctx = ScanContext(
        networks=networks, emit=lambda s: None, iface=iface.name if iface else None,
        timeout=config.timeout, rate=config.rate, concurrency=config.concurrency,
        credentials=config.credentials, http_ports=config.http_ports, is_root=os.geteuid() == 0,
        io_timeout=config.io_timeout, pacer=bucket.take, urgent_pacer=bucket.take_urgent,
        onward_pacer=bucket.take_onward,
        onlink=iface.networks if iface else (),
        local_ips=local_ips, lookup=store.lookup, tcp_ports=config.tcp_ports,
        sample=config.sample, ipv6=config.ipv6,
    )
    state = ScanState(ctx, store, {}, sink)
    ctx.emit = state.emit
    return state


@contextlib.contextmanager
def _responsive_loop() -> Iterator[None]:
    """A short GIL switch interval while helper threads parse data, so the event loop stays prompt."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, 0.0005))
    try:
        yield
    finally:
        sys.setswitchinterval(previous)


async def _load_in_background(ctx: ScanContext) -> tuple[Matcher | None, str]:
    """Parse signatures and the OUI registry in threads while the probes wait for answers (none of it
    is imported before the first packet).

    Started once the ARP sweep is out, so the sweep's own start-up does not compete with it.
    """
    started = time.monotonic()
    await asyncio.sleep(0)  # let the probes start and create the sweep event
    if ctx.sweep_done is not None:
        await ctx.sweep_done.wait()
    await asyncio.sleep(max(0.0, started + ctx.timeout * LOAD_AFTER - time.monotonic()))
    loaded, _ = await asyncio.gather(asyncio.to_thread(load_matcher), asyncio.to_thread(oui.warm_up))
    return loaded


async def run_scan(config: ScanConfig, *, stop: asyncio.Event | None = None,
                   progress: ProgressSink | None = None) -> Report:
    """Scan ``config.targets`` and return the report. Setting ``stop`` ends the scan early (interrupted)."""
    started = utc_now()
    stop = stop or asyncio.Event()
    networks, iface, local_ips = await _resolve(config)
    state = _make_state(config, networks, iface, local_ips, progress or NullProgress())
    probes = [PROBES[name]() for name in dict.fromkeys(config.probes)]
    discovery_limit, unicast_limit = _limits(config, address_count(networks))
    checks = PortCheck.for_scan(state.ctx) if config.syn_check else None
    state.ctx.port_check = checks.refuses if checks is not None else None
    with _responsive_loop():
        loads = asyncio.create_task(_load_in_background(state.ctx))
        try:
            discovery = [p for p in probes if p.phase == "discovery"]
            unicast = [p for p in probes if p.phase != "discovery"]
            try:
                await _run_probes(state, discovery, unicast, (discovery_limit, unicast_limit), stop)
            finally:
                if checks is not None:
                    checks.close()
                    if checks.counts.sent and "tcp" in state.outcomes:
                        state.outcomes["tcp"] += f"; {checks.note()}"
            matcher = await loads
            state.store.link_macs(await asyncio.to_thread(neighbour_macs))
            state.store.merge_ipv6()
            state.store.enrich()
            note_outside(state, config.only_targets)
            return build_report(config, state.store, state.outcomes, networks=networks, started=started,
                                interrupted=state.interrupted, matcher=matcher)
        finally:
            state.progress.close()  # after matching: its last line ("hosts found") ends that phase

"""The probe seam: a probe makes devices talk and turns their replies into Sightings.

Each probe lives in its own module (``netfinger/probes/<name>.py``) with pure ``build_*``/``parse_*``
functions (in ``netfinger/protocols/<name>.py``) and one thin async runner: a subclass of
:class:`Probe`. The registry in ``netfinger/probes/__init__.py`` lists them all.
"""

from __future__ import annotations

import abc
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network
from typing import TYPE_CHECKING, ClassVar

from netfinger.evidence import Sighting
from netfinger.probes.loss import LossSigns

if TYPE_CHECKING:
    import asyncio


class ProbeError(Exception):
    """A probe could not run (socket error, missing privilege). Caught by the scan core, recorded."""


@dataclass(frozen=True, slots=True)
class Completed:
    probe: str
    sightings: int
    seconds: float
    # What the outcome text adds: floods capped, kernel drops, which mechanism found whom.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Failed:
    probe: str
    reason: str


@dataclass(frozen=True, slots=True)
class Skipped:
    probe: str
    reason: str


ProbeOutcome = Completed | Failed | Skipped


@dataclass(frozen=True, slots=True)
class Credentials:
    username: str
    password: str


@dataclass
class ScanContext:
    """What every probe needs: the targets, limits, and where to put what it sees."""

    networks: tuple[IPv4Network, ...]
    emit: Callable[[Sighting], None]
    iface: str | None = None
    timeout: float = 3.0
    rate: float = 2000.0  # packets per second, all probes together
    concurrency: int = 256
    credentials: tuple[Credentials, ...] = ()
    http_ports: tuple[int, ...] = (80, 443, 8000, 8080, 8443)
    is_root: bool = False
    # Hosts known to be alive (filled by discovery probes before unicast probes run).
    live_hosts: set[IPv4Address] = field(default_factory=set)
    # IPv6 link-local hosts on the scan link (``fe80::…%iface``), found by the ipv6 probe (--ipv6).
    live_v6: set[str] = field(default_factory=set)
    # Per-connection connect/read timeout of unicast probes (``timeout`` is the multicast listen window).
    io_timeout: float = 1.5
    # Awaited once per packet sent; the scan core plugs in the shared token bucket (``--rate``).
    pacer: Callable[[int], Awaitable[None]] | None = None
    # The same budget for a few packets that must not queue behind the unicast connections (discovery
    # re-asks, multicast questions); falls back to ``pacer``.
    urgent_pacer: Callable[[int], Awaitable[None]] | None = None
    # The same budget for the next request of work already begun on a host (served before the first
    # requests waiting, ``scan.ratelimit``); falls back to ``pacer``.
    onward_pacer: Callable[[int], Awaitable[None]] | None = None
    # Networks directly attached to the scan interface (ARP and broadcast reach only these).
    onlink: tuple[IPv4Network, ...] = ()
    # The scanner's own IPv4 addresses (its own multicast loops back and is ignored).
    local_ips: frozenset[str] = frozenset()
    # Values observed so far for (ip, field), e.g. a host's wsd.xaddrs for the onvif probe.
    lookup: Callable[[str, str], list[str]] = field(default=lambda ip, name: [])
    # Ports the tcp probe checks.
    tcp_ports: tuple[int, ...] = (8000, 37777, 34567, 35000, 9010, 5000)
    # Set by the scan core when every discovery probe has finished. Unicast probes start with the
    # discovery probes and take hosts as they turn up until then; None means "already finished".
    discovery_done: asyncio.Event | None = None
    # Set once the ARP sweep's first pass is out (at once when no sweep runs): unicast probes wait
    # for it so their connections do not eat the rate budget the sweep needs.
    sweep_done: asyncio.Event | None = None
    # The exchange channel of the datagram being handled ("group", "multicast ask", ...; set by
    # netfinger.probes.exchange around each handler call, "" otherwise).
    heard_on: str = ""
    # Off-link sweep: try a few likely addresses per /24 first and sweep only the /24s that answer.
    sample: bool = True
    # IPv6 link-local discovery and probes (--ipv6); without it no IPv6 packet is sent.
    ipv6: bool = False
    # Set once every probe that finds hosts (``finds_hosts``: the ARP and TCP sweeps) has finished, so
    # a discovery probe can ask the hosts they found late before it ends; None: nothing to wait for.
    hosts_settled: asyncio.Event | None = None
    # Set once the ARP sweep's first frames are all out (a /24's within tens of milliseconds; at once for
    # a sweep too big to wait for): the multicast questions wait for it, briefly.
    sweep_sent: asyncio.Event | None = None
    # Signs of lost answers seen so far in this scan (``probes.loss``): more asks once there are any.
    loss: LossSigns = field(default_factory=LossSigns)
    # Answers True when a SYN to (ip, port) drew a RST (``probes.portcheck``); None: no such checks.
    port_check: Callable[[str, int], Awaitable[bool]] | None = None

    def mark_sweep_done(self) -> None:
        self.mark_sweep_sent()
        if self.sweep_done is not None:
            self.sweep_done.set()

    def mark_sweep_sent(self) -> None:
        if self.sweep_sent is not None:
            self.sweep_sent.set()

    async def refuses(self, ip: str, port: int) -> bool:
        """True when ``ip`` is known to have ``port`` closed (a SYN drew a RST): connecting is pointless."""
        return await self.port_check(ip, port) if self.port_check is not None else False

    async def pace(self, packets: int = 1, *, urgent: bool = False, onward: bool = False) -> None:
        """Wait for the shared rate limit before sending ``packets`` packets (``onward``: the next step
        of work begun on a host, served before first requests)."""
        pacer = self.pacer
        if urgent and self.urgent_pacer is not None:
            pacer = self.urgent_pacer
        elif onward and self.onward_pacer is not None:
            pacer = self.onward_pacer
        if pacer is not None:
            await pacer(packets)

    def targets_on_link(self) -> bool:
        """True when some target shares a network with the scan interface (ARP, multicast reach it)."""
        return any(t.overlaps(link) for t in self.networks for link in self.onlink)

    def on_link(self, ip: str | IPv4Address) -> bool:
        try:
            addr = IPv4Address(str(ip))
        except ValueError:
            return False
        return any(addr in net for net in self.onlink)

    def in_targets(self, ip: str | IPv4Address) -> bool:
        if isinstance(ip, IPv4Address):
            addr = ip
        else:
            try:
                addr = IPv4Address(str(ip))
            except ValueError:
                return False
        return any(addr in net for net in self.networks)


class Probe(abc.ABC):
    """A discovery or identification probe."""

    name: ClassVar[str]
    # "discovery" probes run first and find hosts; "unicast" probes then talk to live hosts.
    phase: ClassVar[str] = "discovery"
    needs_root: ClassVar[bool] = False
    # True for the probes that find live hosts for the others (ARP sweep, TCP sweep).
    finds_hosts: ClassVar[bool] = False

    @abc.abstractmethod
    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        """Send, listen, parse; call ``ctx.emit`` for each sighting. Must not raise."""

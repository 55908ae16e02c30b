"""TCP connect sweep of off-link targets (ARP cannot see them): a host that accepts or refuses is alive."""

from __future__ import annotations

import asyncio
import errno
import resource
import socket
import time
from collections.abc import Iterator
from typing import ClassVar

from netfinger.evidence import Observation, Sighting
from netfinger.probes.deadline import deadline
from netfinger.probes.interface import Completed, Probe, ProbeOutcome, ScanContext, Skipped

SWEEP_PORTS = (80, 554, 8000, 37777, 443)
MAX_SWEEP_TIMEOUT = 0.8
# Sampling a large sparse off-link range: the last octets camera installs use most. Gateways (.1, .254)
# answer or refuse, so a routed /24 with a router shows itself; .64 and .108 are the Hikvision and
# Dahua factory defaults (192.0.0.64, 192.168.1.108) that installers keep in the same place when they
# renumber; .100-.110 and .200-.210 are the usual static camera and recorder blocks, .2/.10/.20/.50 the
# first addresses handed out; .250-.253 where NVRs and switches are parked.
SAMPLE_OCTETS = (1, 2, 10, 11, 20, 50, 64, 65, 100, 101, 102, 108, 109, 110, 150, 200, 201, 250, 253, 254)
SAMPLE_FROM = 4  # sample only when the off-link targets span more /24s than this


def offlink_targets(ctx: ScanContext) -> Iterator[str]:
    for net in ctx.networks:
        hosts = net.hosts() if net.prefixlen < 31 else iter(net)
        for addr in hosts:
            if not ctx.on_link(addr) and str(addr) not in ctx.local_ips:
                yield str(addr)


def by_slash24(addresses: Iterator[str]) -> dict[str, list[str]]:
    """Addresses grouped by their /24 (key: the first three octets), in order."""
    blocks: dict[str, list[str]] = {}
    for ip in addresses:
        blocks.setdefault(ip.rsplit(".", 1)[0], []).append(ip)
    return blocks


def sample_of(block: list[str]) -> list[str]:
    """The likely addresses of one /24 that are targets (SAMPLE_OCTETS order)."""
    present = set(block)
    prefix = block[0].rsplit(".", 1)[0]
    return [ip for octet in SAMPLE_OCTETS if (ip := f"{prefix}.{octet}") in present]


async def knock(ip: str, port: int, seconds: float) -> str:
    """'open', 'closed' (refused: the host is there) or '' (no answer).

    A bare non-blocking connect, not ``asyncio.open_connection``: no streams or transports are built
    for a socket that is closed at once, which makes a knock several times cheaper (a sampled /16 is
    tens of thousands of them on one core)."""
    loop = asyncio.get_running_loop()
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setblocking(False)
        err = sock.connect_ex((ip, port))
        if err == errno.EINPROGRESS:
            ready: asyncio.Future[None] = loop.create_future()

            def wake() -> None:
                if not ready.done():
                    ready.set_result(None)

            loop.add_writer(sock.fileno(), wake)
            try:
                async with deadline(seconds):  # a held-up loop is not a closed port
                    await ready
            except TimeoutError:
                return ""
            finally:
                loop.remove_writer(sock.fileno())
            err = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
    if err == 0:
        return "open"
    return "closed" if err == errno.ECONNREFUSED else ""


def sweep_width(ctx: ScanContext) -> int:
    """Hosts knocked on at once: bounded by open-file limits (one socket per port per host)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    room = max(soft - 256, 64) // len(SWEEP_PORTS)
    return max(1, min(room, ctx.concurrency * 4))


class SweepProbe(Probe):
    name: ClassVar[str] = "sweep"
    finds_hosts: ClassVar[bool] = True
    phase: ClassVar[str] = "discovery"

    async def _knock(self, ctx: ScanContext, ip: str, port: int) -> str:
        await ctx.pace()
        return await knock(ip, port, min(ctx.io_timeout, MAX_SWEEP_TIMEOUT))

    async def _host(self, ctx: ScanContext, ip: str, gate: asyncio.Semaphore) -> int:
        """Knock on every sweep port at once: a dead address costs one timeout, not one per port."""
        async with gate:
            states = await asyncio.gather(*(self._knock(ctx, ip, port) for port in SWEEP_PORTS))
        if not any(states):
            return 0
        obs = tuple(Observation("tcp.open", str(port), port, f"tcp/{port}")
                    for port, state in zip(SWEEP_PORTS, states, strict=True) if state == "open")
        ctx.emit(Sighting(ip=ip, observations=obs, protocol="sweep"))
        return 1

    async def _sweep(self, ctx: ScanContext, addresses: list[str]) -> set[str]:
        """Knock on every address; the ones that answered."""
        width = sweep_width(ctx)
        gate = asyncio.Semaphore(width)
        alive: set[str] = set()
        if addresses and await self._host(ctx, addresses[0], gate):
            alive.add(addresses[0])
        # One knock first, alone: it makes the kernel resolve the gateway's MAC. A burst before that
        # queues thousands of SYNs behind one unresolved neighbour, which drops all but the last few.
        for start in range(1, len(addresses), 4 * width):
            chunk = addresses[start:start + 4 * width]
            results = await asyncio.gather(*(self._host(ctx, ip, gate) for ip in chunk))
            alive.update(ip for ip, hit in zip(chunk, results, strict=True) if hit)
        return alive

    async def _sampled(self, ctx: ScanContext, blocks: dict[str, list[str]]) -> tuple[set[str], str]:
        """Likely addresses of every /24 first; then the rest of the /24s where one answered."""
        samples = {key: sample_of(block) for key, block in blocks.items()}
        alive = await self._sweep(ctx, [ip for ips in samples.values() for ip in ips])
        live = [key for key in blocks if any(ip in alive for ip in samples[key])]
        rest = [ip for key in live for ip in blocks[key] if ip not in set(samples[key])]
        alive |= await self._sweep(ctx, rest)
        note = (f"sampled {len(blocks)} /24s ({len(SAMPLE_OCTETS)} likely addresses each), swept the "
                f"{len(live)} that answered; --no-sample sweeps every address")
        return alive, note

    async def _again(self, ctx: ScanContext, blocks: dict[str, list[str]], alive: set[str]) -> set[str]:
        """Knock once more on the silent addresses of the /24s that have a live host: a SYN lost in a
        burst (the router resolving a whole /24 at once) must not lose a device. Dead /24s are not
        asked again, so a sparse /16 costs little more."""
        live = {ip.rsplit(".", 1)[0] for ip in alive}
        return await self._sweep(ctx, [ip for key in live for ip in blocks[key] if ip not in alive])

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        started = time.monotonic()
        if all(any(net.subnet_of(link) for link in ctx.onlink) for net in ctx.networks):
            return Skipped(self.name, "every target is on the scan interface's networks (ARP covers them)")
        blocks = by_slash24(offlink_targets(ctx))
        notes: tuple[str, ...] = ()
        if ctx.sample and len(blocks) > SAMPLE_FROM:
            alive, note = await self._sampled(ctx, blocks)
            notes = (note,)
        else:
            alive = await self._sweep(ctx, [ip for block in blocks.values() for ip in block])
        alive |= await self._again(ctx, blocks, alive)
        return Completed(self.name, len(alive), time.monotonic() - started, notes)

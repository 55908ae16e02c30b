"""ARP probe: a raw-socket sweep of on-link targets as root; the kernel neighbour table otherwise."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import socket
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import ClassVar

from netfinger.evidence import Observation, Sighting
from netfinger.probes.exchange import wait_readable
from netfinger.probes.interface import Completed, Failed, Probe, ProbeOutcome, ScanContext, Skipped
from netfinger.probes.udp import enlarge_receive_buffer, iface_address
from netfinger.protocols import arp

log = logging.getLogger("netfinger.scan")
BATCH = 32
READ_BATCH = 64  # replies handled per loop turn
RETRY_AFTER = 0.3  # seconds before silent addresses are asked once more
TAIL = 0.5  # seconds to wait for the last replies (a LAN answers ARP within milliseconds)
# Passes over the silent addresses after the first (small sweeps only): on a wire that loses one
# reply in five, three passes in all miss a device 1 time in 125; six miss it 1 time in 15,625.
EXTRA_PASSES = 4
PASS_GAP = 0.15
RETRY_LIMIT = 4096  # second pass only for sweeps up to this size (a sparse /16 gets one pass)
PACKET_OUTGOING = 4
SOL_PACKET = 263
PACKET_IGNORE_OUTGOING = 23  # linux/if_packet.h: do not queue our own frames back to us (Linux 4.20+)
PROC_ARP = Path("/proc/net/arp")


def onlink_targets(ctx: ScanContext) -> Iterator[str]:
    """Every target address ARP can reach (on-link, not network/broadcast, not ourselves)."""
    for net in ctx.networks:
        for link in ctx.onlink:
            if not net.overlaps(link):
                continue
            inner = net if net.subnet_of(link) else link
            for addr in inner:
                if addr in net and addr not in (link.network_address, link.broadcast_address) \
                        and str(addr) not in ctx.local_ips:
                    yield str(addr)


def ignore_own_frames(sock: socket.socket) -> None:
    """Keep our own who-has frames out of the receive queue: a /16 sweep would queue 65,000 of them
    ahead of the replies and overflow it. Older kernels lack the option; ``_receive`` skips them then."""
    with contextlib.suppress(OSError):
        sock.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)


class ArpProbe(Probe):
    name: ClassVar[str] = "arp"
    phase: ClassVar[str] = "discovery"
    finds_hosts: ClassVar[bool] = True

    def __init__(self) -> None:
        self._seen: set[tuple[str, str]] = set()
        self._heard: set[tuple[str, str]] = set()
        self._reasked: set[str] | None = None  # the targets still silent when first asked again
        self._late: list[str] = []  # those of them that answered a repeated ask: a sign of loss

    def _report(self, ctx: ScanContext, reply: arp.ArpReply, source: str, live: bool = True) -> None:
        if (reply.ip, reply.mac) in self._seen or not ctx.in_targets(reply.ip):
            # A frame heard now, outside the targets and off the link's own networks (a factory-default
            # or misnumbered unit; the gateway and the link's other hosts are ordinary): reported only.
            if live and not ctx.in_targets(reply.ip) and not ctx.on_link(reply.ip) \
                    and (reply.ip, reply.mac) not in self._heard:
                self._heard.add((reply.ip, reply.mac))
                obs = (Observation("arp.mac", reply.mac, None, source),)
                ctx.emit(Sighting(ip=reply.ip, mac=reply.mac, observations=obs, protocol="arp", link=True))
            return
        self._seen.add((reply.ip, reply.mac))
        if self._reasked is not None and reply.ip in self._reasked and live:
            self._late.append(reply.ip)
            ctx.loss.note(self.name, f"{reply.ip} answered only a repeated who-has",
                          len(self._late) / len(self._seen))
        obs = (Observation("arp.mac", reply.mac, None, source),)
        ctx.emit(Sighting(ip=reply.ip, mac=reply.mac, observations=obs, protocol="arp"))

    async def _neighbours(self, ctx: ScanContext) -> ProbeOutcome:
        started = time.monotonic()
        log.warning("not root: no ARP sweep; reading the kernel neighbour table instead")
        await asyncio.sleep(ctx.timeout)
        try:
            text = await asyncio.to_thread(PROC_ARP.read_text, encoding="ascii", errors="replace")
        except OSError as exc:
            return Failed(self.name, f"cannot read {PROC_ARP}: {exc}")
        for entry in arp.parse_proc_arp(text):
            self._report(ctx, entry, "neighbour-table", live=False)  # old entries: not heard now
        return Completed(self.name, len(self._seen), time.monotonic() - started)

    async def _receive(self, ctx: ScanContext, sock: socket.socket, stop: asyncio.Event) -> None:
        """Read replies in batches while the sweep runs: one frame per loop turn let a busy loop (a
        thousand connections in flight) take seconds over 250 replies, and every probe that waits
        for the sweep waited with it."""
        while not stop.is_set():
            await wait_readable(sock)
            empty = self._read_batch(ctx, sock)
            if empty is None:  # a socket error (e.g. the interface went down): do not spin on it
                await asyncio.sleep(0.01)
            elif not empty:
                await asyncio.sleep(0)

    def _read_batch(self, ctx: ScanContext, sock: socket.socket) -> bool | None:
        """Handle up to ``READ_BATCH`` queued frames without blocking: True when the queue is empty,
        False when frames are left, None on a socket error."""
        for _ in range(READ_BATCH):
            try:
                frame, addr = sock.recvfrom(2048)
            except BlockingIOError:
                return True
            except OSError:
                return None
            if len(addr) > 2 and addr[2] == PACKET_OUTGOING:
                continue  # our own who-has frames, seen on the way out
            reply = arp.parse_frame(frame)
            if reply is None:  # a plain request: news only when its sender is outside the targets
                sender = arp.parse_sender(frame)
                reply = sender if sender is not None and not ctx.in_targets(sender.ip) else None
            if reply is not None and reply.ip not in ctx.local_ips:
                self._report(ctx, reply, "arp-reply")
        return False

    async def _sweep(self, ctx: ScanContext, sock: socket.socket, template: bytes,
                     targets: Iterable[str], urgent: bool = False) -> None:
        batch: list[bytes] = []
        for ip in targets:
            batch.append(arp.frame_for(template, ip))
            if len(batch) >= BATCH:
                await self._send_batch(ctx, sock, batch, urgent)
                batch = []
        if batch:
            await self._send_batch(ctx, sock, batch, urgent)

    @staticmethod
    async def _send_batch(ctx: ScanContext, sock: socket.socket, batch: list[bytes], urgent: bool) -> None:
        """Pace the batch, then send it straight away; only a full socket buffer makes us wait.

        Then yield to the event loop: the pacer does not suspend while tokens are left, and on a big
        lab each broadcast costs the kernel a copy per bridge port, so a /16 sweep held the loop for
        its whole 20 s (mDNS and every reply handler starved until it ended). Sending from a worker
        thread instead was far slower (GIL hand-overs per batch).
        """
        await ctx.pace(len(batch), urgent=urgent)
        loop = asyncio.get_running_loop()
        for frame in batch:
            try:
                sock.send(frame)
            except BlockingIOError:
                await loop.sock_sendall(sock, frame)
        await asyncio.sleep(0)

    async def _ask_silent(self, ctx: ScanContext, sock: socket.socket, template: bytes) -> None:
        """Ask the on-link targets that have not answered yet once more (a few frames: they do not queue
        behind the unicast probes' connections for the rate budget). Replies already queued are read
        first, so an answer to the first who-has that a busy loop had not read yet is not taken for a
        lost one."""
        for _ in range(64):  # at most 64 batches: a queue that never empties must not hold the loop
            if self._read_batch(ctx, sock) is not False:
                break
        answered = {ip for ip, _ in self._seen}
        silent = [ip for ip in onlink_targets(ctx) if ip not in answered]
        if self._reasked is None:
            self._reasked = set(silent)
        await self._sweep(ctx, sock, template, silent, urgent=True)

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        try:
            return await self._run(ctx)
        finally:
            ctx.mark_sweep_done()

    async def _run(self, ctx: ScanContext) -> ProbeOutcome:
        if not ctx.targets_on_link() or not ctx.iface:
            return Skipped(self.name, "no target on the scan interface's networks")
        if not ctx.is_root:
            ctx.mark_sweep_done()
            return await self._neighbours(ctx)
        started = time.monotonic()
        local = iface_address(ctx)
        try:
            mac_file = Path(f"/sys/class/net/{ctx.iface}/address")
            mac = (await asyncio.to_thread(mac_file.read_text, encoding="ascii")).strip()
            template = arp.build_template(mac, local or "0.0.0.0")
            sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(arp.ETH_P_ARP))
        except (OSError, ValueError) as exc:
            return Failed(self.name, f"cannot open a raw socket on {ctx.iface}: {exc}")
        stop = asyncio.Event()
        with sock:
            sock.bind((ctx.iface, 0))
            sock.setblocking(False)
            ignore_own_frames(sock)
            enlarge_receive_buffer(sock, ctx.is_root)
            receiver = asyncio.create_task(self._receive(ctx, sock, stop))
            try:
                small = sum(1 for _ in itertools.islice(onlink_targets(ctx), RETRY_LIMIT + 1)) <= RETRY_LIMIT
                if not small:
                    ctx.mark_sweep_sent()  # a /16's sweep takes seconds: the multicast questions go now
                await self._sweep(ctx, sock, template, onlink_targets(ctx))
                ctx.mark_sweep_done()  # the re-asks below are urgent: they need not hold back the rest
                await asyncio.sleep(RETRY_AFTER)
                if small:
                    await self._ask_silent(ctx, sock, template)
                tail = min(TAIL, ctx.timeout / 2)
                if small:  # more passes, after the first burst of multicast replies has passed
                    for _ in range(EXTRA_PASSES):
                        await asyncio.sleep(min(PASS_GAP, tail / 2))
                        await self._ask_silent(ctx, sock, template)
                    tail /= 2
                await asyncio.sleep(tail)
            finally:
                stop.set()
                receiver.cancel()
                await asyncio.gather(receiver, return_exceptions=True)
        notes: tuple[str, ...] = ()
        if self._late:
            hosts = "host" if len(self._seen) == 1 else "hosts"
            lossy = ctx.loss.lossy(self.name)
            then = "silent hosts are asked more often" if lossy else "too few to ask more often"
            notes = (f"{len(self._late)} of {len(self._seen)} {hosts} answered only a repeated who-has "
                     f"(answers lost on the wire or by a busy machine): {then}",)
        return Completed(self.name, len(self._seen), time.monotonic() - started, notes)


"""Closed ports found with a bare SYN, so the unicast probes open connections only where one can succeed.

Most ports the unicast probes try are closed: on a /24 of cameras about 2,800 of 3,700 connection
attempts were refused. Each refused attempt through asyncio costs the scanner's single event loop
0.1-0.2 ms of CPU (a socket, a selector registration, a future, a close); a SYN from a raw socket and
the RST read back cost a few microseconds. So before a probe connects to an on-link host's port it asks
``PortCheck.refuses``: the first caller for an (address, port) sends one SYN (paid from the ``--rate``
budget like the connection it stands for), and every caller waits for the same answer:

* RST: the port is closed; the probe skips it, as it would after a refused connection;
* SYN+ACK: open; the probe connects (the scanner's kernel resets the half-open one itself);
* nothing within ``WAIT`` (a filtering host, a lost segment): unknown; the probe connects as before.

Only a RST acknowledging our own SYN skips a port, so a lossy wire or a silent host costs at most the
wait, never a port. Off-link and IPv6 targets, and scans without root (no raw socket), are not checked:
``refuses`` answers False and the probes connect as they always did. ``--connect-only`` turns it off.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import secrets
import socket
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, ip_address

from netfinger.probes.interface import ScanContext
from netfinger.probes.linklayer import attach_filter
from netfinger.probes.udp import enlarge_receive_buffer
from netfinger.protocols import tcpsyn

log = logging.getLogger(__name__)

WAIT = 0.3  # seconds a check waits for the SYN's answer before the probe connects anyway
READ_BATCH = 256  # segments read per wake-up
PORT_RANGE_FILE = "/proc/sys/net/ipv4/ip_local_port_range"

Key = tuple[str, int]


@dataclass
class Counts:
    sent: int = 0
    closed: int = 0
    open: int = 0
    unknown: int = 0


@dataclass
class PortCheck:
    """One scan's SYN checks: a raw socket per source address, and the answers so far."""

    ctx: ScanContext
    sport: int
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(16))
    counts: Counts = field(default_factory=Counts)
    _socks: dict[str, socket.socket] = field(default_factory=dict)
    _sources: dict[IPv4Network, str | None] = field(default_factory=dict)
    _known: dict[Key, bool] = field(default_factory=dict)  # (ip, port) -> closed
    _pending: dict[Key, tuple[asyncio.Future[bool], int]] = field(default_factory=dict)  # + expected ack
    _failed: bool = False

    @classmethod
    def for_scan(cls, ctx: ScanContext) -> PortCheck | None:
        """A checker for this scan, or None where it cannot work (no root, nothing on the link)."""
        if not ctx.is_root or not ctx.onlink or not ctx.targets_on_link():
            return None
        return cls(ctx, unused_port())

    async def refuses(self, ip: str, port: int) -> bool:
        """True only when ``ip`` answered a SYN to ``port`` with a RST (the port is closed)."""
        key = (ip, port)
        known = self._known.get(key)
        if known is not None:
            return known
        held = self._pending.get(key)
        if held is not None:  # another probe's check of the same port: its answer serves both
            return await held[0]
        sock_src = self._socket_for(ip)
        if sock_src is None:
            return False
        fut: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        seq = tcpsyn.cookie(self.secret, ip, port)
        self._pending[key] = (fut, (seq + 1) & 0xFFFFFFFF)
        sent = False
        try:
            await self.ctx.pace()  # after the check is registered: a second caller pays nothing
            sent = self._send(key, seq, *sock_src)
        finally:
            if not sent:  # not sent (or the scan stopped): whoever waits on it connects instead
                self._pending.pop(key, None)
                if not fut.done():
                    fut.set_result(False)
        return await fut

    def _socket_for(self, ip: str) -> tuple[socket.socket, str] | None:
        if self._failed:
            return None
        try:
            addr = ip_address(ip)
        except ValueError:
            return None
        if not isinstance(addr, IPv4Address):
            return None
        net = next((n for n in self.ctx.onlink if addr in n), None)
        if net is None:
            return None
        if net not in self._sources:
            self._sources[net] = next((s for s in sorted(self.ctx.local_ips)
                                       if _is_v4(s) and IPv4Address(s) in net), None)
        src = self._sources[net]
        if src is None or src == ip:
            return None
        sock = self._socks.get(src)
        if sock is None:
            try:
                sock = self._open(src)
            except OSError as exc:
                log.debug("SYN checks off: %s", exc)
                self._failed = True
                return None
        return sock, src

    def _open(self, src: str) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
        try:
            attach_filter(sock, tcpsyn.reply_filter(self.sport))
            if self.ctx.iface:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, self.ctx.iface.encode())
            sock.bind((src, 0))
            enlarge_receive_buffer(sock, self.ctx.is_root)
            sock.setblocking(False)
            asyncio.get_running_loop().add_reader(sock.fileno(), self._read, sock)
        except OSError:
            sock.close()
            raise
        self._socks[src] = sock
        return sock

    def _send(self, key: Key, seq: int, sock: socket.socket, src: str) -> bool:
        """Send the registered check's SYN and start its wait; False when it could not be sent."""
        ip, port = key
        try:
            sock.sendto(tcpsyn.build_syn(src, ip, self.sport, port, seq), (ip, 0))
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ENOBUFS, errno.EHOSTUNREACH, errno.ENETUNREACH):
                log.debug("SYN check to %s:%s: %s", ip, port, exc)
            return False
        self.counts.sent += 1
        asyncio.get_running_loop().call_later(min(WAIT, self.ctx.io_timeout), self._expire, key)
        return True

    def _expire(self, key: Key) -> None:
        held = self._pending.pop(key, None)
        if held is not None and not held[0].done():
            self.counts.unknown += 1
            held[0].set_result(False)  # unknown: not known to be closed, so the probe connects

    def _read(self, sock: socket.socket) -> None:
        for _ in range(READ_BATCH):
            try:
                packet = sock.recv(256)
            except OSError:  # nothing more queued (BlockingIOError), or the socket is gone
                return
            reply = tcpsyn.parse_reply(packet)
            if reply is None or reply.dport != self.sport:
                continue
            key = (reply.src, reply.sport)
            held = self._pending.get(key)
            if held is None or reply.ack != held[1] or not (reply.is_open or reply.is_closed):
                continue
            del self._pending[key]
            closed = reply.is_closed
            self._known[key] = closed
            if closed:
                self.counts.closed += 1
            else:
                self.counts.open += 1
            if not held[0].done():
                held[0].set_result(closed)

    def close(self) -> None:
        for sock in self._socks.values():
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(sock.fileno())
            sock.close()
        self._socks.clear()
        for fut, _ in self._pending.values():
            if not fut.done():
                fut.set_result(False)
        self._pending.clear()

    def note(self) -> str:
        c = self.counts
        return (f"SYN checks: {c.sent} sent, {c.closed} ports closed (not connected to), {c.open} open, "
                f"{c.unknown} unanswered")


def _is_v4(addr: str) -> bool:
    try:
        return isinstance(ip_address(addr), IPv4Address)
    except ValueError:
        return False


def unused_port(path: str = PORT_RANGE_FILE) -> int:
    """A source port for the SYNs outside the kernel's ephemeral range, so no connection of ours can
    share its four-tuple with a half-open check."""
    low, high = 32768, 60999
    with contextlib.suppress(OSError, ValueError), open(path, encoding="ascii") as fh:
        low, high = (int(v) for v in fh.read().split()[:2])
    if high < 65000:
        return high + 1 + secrets.randbelow(65535 - high)
    return 1024 + secrets.randbelow(max(1, low - 1024))

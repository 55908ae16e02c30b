"""UDP plumbing shared by the datagram probes: sockets on the scan interface and a paced, guarded send.

The receive side (channels, flood caps, kernel drops) is ``netfinger.probes.exchange``."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address

from netfinger.probes.interface import ScanContext

MAX_DATAGRAM = 65535
RECV_BUFFER = 8 * 1024 * 1024  # a /24 of cameras answering one multicast at once must not overflow it

Send = tuple[bytes, tuple[str, int]]


@dataclass(frozen=True)
class Step:
    """At ``at`` seconds after start, send what ``datagrams()`` returns (evaluated then, not before)."""

    at: float
    datagrams: Callable[[], Sequence[Send]]


def iface_address(ctx: ScanContext) -> str | None:
    """The scanner's own address on the scan interface, when known."""
    return next(iter(sorted(ctx.local_ips)), None)


def enlarge_receive_buffer(sock: socket.socket, is_root: bool) -> None:
    """Ask for a big receive buffer (root may exceed the sysctl cap); best effort."""
    force = getattr(socket, "SO_RCVBUFFORCE", None)
    with contextlib.suppress(OSError):
        if is_root and force is not None:
            sock.setsockopt(socket.SOL_SOCKET, force, RECV_BUFFER)
        else:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECV_BUFFER)


def open_socket(ctx: ScanContext, port: int = 0, group: str | None = None) -> socket.socket:
    """A non-blocking UDP socket on the scan interface; multicast TTL 1 (never leaves the link)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
        enlarge_receive_buffer(sock, ctx.is_root)
        local = iface_address(ctx)
        if local:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(local))
        if ctx.iface and ctx.is_root:
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ctx.iface.encode())
        sock.bind(("", port))
        if group:
            mreq = struct.pack("4s4s", socket.inet_aton(group), socket.inet_aton(local or "0.0.0.0"))
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def allowed_destination(ctx: ScanContext, dest: str, groups: Sequence[str] = ()) -> bool:
    """Only target addresses, the protocol's multicast groups, and on-link broadcasts may be sent to."""
    if dest in groups or ctx.in_targets(dest):
        return True
    try:
        addr = IPv4Address(dest)
    except ValueError:
        return False
    return any(addr == net.broadcast_address for net in ctx.onlink) and bool(ctx.onlink)


async def send_all(ctx: ScanContext, sock: socket.socket, datagrams: Sequence[Send],
                   groups: Sequence[str] = (), *, urgent: bool = False) -> int:
    loop = asyncio.get_running_loop()
    sent = 0
    for data, dest in datagrams:
        if not allowed_destination(ctx, dest[0], groups):
            continue
        await ctx.pace(urgent=urgent)
        try:
            await loop.sock_sendto(sock, data, dest)
            sent += 1
        except OSError:
            continue  # unreachable / no route: nothing to learn, keep going
    return sent

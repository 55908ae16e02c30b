"""Serving one emulated device: its sockets, wired to its responders, with every responder error contained.

A responder that raises is logged once per device and protocol and the request is dropped; the
emulator process never dies of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import socket
import ssl
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from netfinger.lab.nsenter import in_netns
from netfinger.lab.responders.base import Datagram, Device, Responder
from netfinger.lab.sockets import V6_UDP_PORTS, tcp6_socket, tcp_socket, udp6_socket, udp_socket

log = logging.getLogger("netfinger.lab.emulator")
SEND_SLICE = 256  # datagrams sent per loop turn; the rest of a burst waits for the next turn
CONNECTION_TIMEOUT = 60.0
T = TypeVar("T")


class Guard:
    """Runs responder code; the first failure per (device, protocol) is logged with its traceback."""

    def __init__(self) -> None:
        self.failed: set[tuple[str, str]] = set()

    def note(self, device: Device, proto: str, exc: BaseException) -> None:
        key = (device.name, proto)
        if key not in self.failed:
            self.failed.add(key)
            log.warning("%s: %s responder failed: %r", device.name, proto, exc, exc_info=exc)

    def run(self, device: Device, proto: str, fn: Callable[..., T], *args: Any) -> T | None:
        try:
            return fn(*args)
        except Exception as exc:
            self.note(device, proto, exc)
            return None


class UdpHandler(asyncio.DatagramProtocol):
    """One device's UDP port; every responder that asked for the port sees each datagram."""

    def __init__(self, device: Device, port: int, responders: list[Responder], guard: Guard) -> None:
        self.device, self.port, self.responders, self.guard = device, port, responders, guard
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)  # selector transports skip the ABC

    def datagram_received(self, data: bytes, addr: tuple[str | Any, int]) -> None:
        peer = (str(addr[0]), int(addr[1]))
        for responder in self.responders:
            replies = self.guard.run(
                self.device, responder.name, responder.on_datagram, self.device, data, peer, self.port
            )
            self.send(responder.name, replies or [])

    def send(self, proto: str, datagrams: Iterable[Datagram]) -> None:
        """Send a slice now and the rest on later loop turns: a 10,000-datagram burst from one device
        must not keep every other device from answering meanwhile."""
        if self.transport is None or self.transport.is_closing():
            return
        pending = iter(datagrams)
        try:
            sent = 0
            for dgram in itertools.islice(pending, SEND_SLICE):
                self.transport.sendto(dgram.data, dgram.dest)
                sent += 1
        except Exception as exc:  # a bad Datagram from a responder, or a send error
            self.guard.note(self.device, proto, exc)
            return
        if sent == SEND_SLICE:
            asyncio.get_running_loop().call_soon(self.send, proto, pending)

    def error_received(self, exc: Exception) -> None:
        log.debug("%s udp/%d: %r", self.device.name, self.port, exc)


@dataclass
class DeviceRuntime:
    """The sockets one device listens on, before and after they are handed to the event loop."""

    device: Device
    ns: str
    udp: dict[int, tuple[socket.socket, list[Responder]]] = field(default_factory=dict)
    tcp: dict[int, tuple[socket.socket, Responder, ssl.SSLContext | None]] = field(default_factory=dict)
    handlers: dict[int, UdpHandler] = field(default_factory=dict)
    servers: list[asyncio.Server] = field(default_factory=list)
    ipv6: bool = False  # also serve TCP, WS-Discovery and SSDP on the IPv6 link-local address
    extra: list[tuple[socket.socket, int, object]] = field(default_factory=list)  # IPv6: (sock, port, user)

    def open(self, responders: list[Responder], guard: Guard) -> None:
        """Create every socket inside the device's namespace (synchronously: setns is per thread)."""
        with in_netns(self.ns):
            for responder in responders:
                self._open_udp(responder, guard)
                self._open_tcp(responder, guard)
            if self.ipv6:
                self._open_v6(guard)

    def _open_v6(self, guard: Guard) -> None:
        for port, (_sock, users) in self.udp.items():
            if port in V6_UDP_PORTS:
                try:
                    self.extra.append((udp6_socket(port, "eth0"), port, users))
                except OSError as exc:
                    guard.note(self.device, users[0].name, exc)
        for port, (_sock, responder, tls) in self.tcp.items():
            try:
                self.extra.append((tcp6_socket(port), port, (responder, tls)))
            except OSError as exc:
                guard.note(self.device, responder.name, exc)

    def _open_udp(self, responder: Responder, guard: Guard) -> None:
        dev = self.device
        for ep in guard.run(dev, responder.name, responder.udp_endpoints, dev) or []:
            try:
                if ep.port in self.udp:
                    sock, users = self.udp[ep.port]
                    users.append(responder)
                    for group in ep.groups:
                        _join(sock, group, dev.ip)
                else:
                    self.udp[ep.port] = (udp_socket(dev.ip, ep.port, ep.groups), [responder])
            except OSError as exc:
                guard.note(dev, responder.name, exc)

    def _open_tcp(self, responder: Responder, guard: Guard) -> None:
        dev = self.device
        for ep in guard.run(dev, responder.name, responder.tcp_endpoints, dev) or []:
            if ep.port in self.tcp:
                owner = self.tcp[ep.port][1].name
                log.warning("%s: tcp/%d is %s's, not %s's", dev.name, ep.port, owner, responder.name)
                continue
            try:
                self.tcp[ep.port] = (tcp_socket(ep.port), responder, ep.tls)
            except OSError as exc:
                guard.note(dev, responder.name, exc)

    async def start(self, guard: Guard) -> None:
        loop = asyncio.get_running_loop()
        for port, (sock, users) in self.udp.items():
            handler = UdpHandler(self.device, port, users, guard)
            await loop.create_datagram_endpoint(lambda h=handler: h, sock=sock)  # type: ignore[misc]
            self.handlers[port] = handler
        for port, (sock, responder, tls) in self.tcp.items():
            serve = _connection_handler(self.device, port, responder, guard)
            self.servers.append(await asyncio.start_server(serve, sock=sock, ssl=tls))
        for sock, port, user in self.extra:
            if isinstance(user, list):
                handler = UdpHandler(self.device, port, user, guard)
                await loop.create_datagram_endpoint(lambda h=handler: h, sock=sock)  # type: ignore[misc]
            elif isinstance(user, tuple):
                serve = _connection_handler(self.device, port, user[0], guard)
                self.servers.append(await asyncio.start_server(serve, sock=sock, ssl=user[1]))

    def announce(self, responders: list[Responder], guard: Guard) -> None:
        """Send each responder's announcements from its first UDP port (or any port the device has)."""
        for responder in responders:
            datagrams = guard.run(self.device, responder.name, responder.announcements, self.device) or []
            if not datagrams:
                continue
            handler = self._handler_for(responder)
            if handler is None:
                log.warning("%s: %s has announcements but no UDP socket", self.device.name, responder.name)
                continue
            handler.send(responder.name, datagrams)

    def _handler_for(self, responder: Responder) -> UdpHandler | None:
        for handler in self.handlers.values():
            if responder in handler.responders:
                return handler
        return next(iter(self.handlers.values()), None)

    async def close(self) -> None:
        for handler in self.handlers.values():
            if handler.transport is not None:
                handler.transport.close()
        for server in self.servers:
            server.close()
        for sock, _users in self.udp.values():
            sock.close()
        for sock, _responder, _tls in self.tcp.values():
            sock.close()
        for sock, _port, _user in self.extra:
            sock.close()

    @property
    def socket_count(self) -> int:
        return len(self.udp) + len(self.tcp)


def _join(sock: socket.socket, group: str, ip: str) -> None:
    mreq = socket.inet_aton(group) + socket.inet_aton(ip)
    try:
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, mreq)
    except OSError as exc:
        if exc.errno != 98:  # EADDRINUSE: another responder on this port already joined the group
            raise


def _connection_handler(
    device: Device, port: int, responder: Responder, guard: Guard
) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Any]:
    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(CONNECTION_TIMEOUT):
                await responder.on_connection(device, reader, writer, port)
        except (ConnectionError, TimeoutError, asyncio.IncompleteReadError):
            pass
        except Exception as exc:
            guard.note(device, responder.name, exc)
        finally:
            writer.close()
            with contextlib.suppress(OSError, ssl.SSLError):
                await writer.wait_closed()

    return serve

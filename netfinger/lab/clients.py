"""Devices that act as clients by themselves: the rounds of each responder's ``act``.

An NVR polling its cameras over RTSP and ONVIF, a PC running the vendor search tools, a phone's app
looking up its cloud: what real sites carry without any scanner, for ``netfinger lab capture`` and a
live ``netfinger listen``. Rounds repeat every ``period`` seconds while the lab is up, and one starts
at once when the emulator is asked to re-announce (``lab capture``), so a short recording holds one.

Everything a round sends leaves from the device's own namespace and only to its own subnet (or a
multicast group): :meth:`ClientRounds.connect` and :meth:`ClientRounds.send` refuse anything else.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket

from netfinger.lab.nsenter import in_netns
from netfinger.lab.responders.base import Datagram, Outbound, Responder
from netfinger.lab.serve import DeviceRuntime, Guard

log = logging.getLogger("netfinger.lab.emulator")
ROUND_TIMEOUT = 30.0  # one round (every camera of an NVR) never takes longer
CONNECT_TIMEOUT = 5.0
MIN_PERIOD = 1.0
MULTICAST = ipaddress.IPv4Network("224.0.0.0/4")


class Wake:
    """Rung on re-announce: every client whose round is not running starts one now; one whose round
    was running when it rang starts another right after."""

    def __init__(self) -> None:
        self.generation = 0
        self._event = asyncio.Event()

    def ring(self) -> None:
        self.generation += 1
        self._event.set()
        self._event = asyncio.Event()

    async def wait(self, seen: int, period: float) -> None:
        if self.generation != seen:
            return
        event = self._event
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(period):
                await event.wait()


class ClientRounds:
    """One device's client sections, run as tasks on the emulator's loop."""

    def __init__(self, runtime: DeviceRuntime, responders: list[Responder], guard: Guard) -> None:
        self.runtime, self.guard = runtime, guard
        dev = runtime.device
        self.network = ipaddress.IPv4Network(f"{dev.ip}/{dev.prefixlen}", strict=False)
        self.clients = [(r, p) for r in responders
                        if (p := guard.run(dev, r.name, r.period, dev)) is not None]
        self.tasks: list[asyncio.Task[None]] = []
        self.outbound = Outbound(send=self.send, connect=self.connect)

    def start(self, wake: Wake) -> None:
        for responder, period in self.clients:
            self.tasks.append(asyncio.create_task(self._rounds(responder, max(period, MIN_PERIOD), wake)))

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
        for task in self.tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _rounds(self, responder: Responder, period: float, wake: Wake) -> None:
        dev = self.runtime.device
        while True:
            seen = wake.generation
            try:
                async with asyncio.timeout(ROUND_TIMEOUT):
                    await responder.act(dev, self.outbound)
            except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError) as exc:
                log.debug("%s: %s round: %r", dev.name, responder.name, exc)  # a peer went away: next round
            except Exception as exc:
                self.guard.note(dev, responder.name, exc)
            await wake.wait(seen, period)

    def allowed(self, ip: str) -> bool:
        """On the device's own subnet (not its network or broadcast address), or a multicast group."""
        try:
            addr = ipaddress.IPv4Address(ip)
        except ValueError:
            return False
        if addr in MULTICAST:
            return True
        return addr in self.network and addr not in (self.network.network_address,
                                                     self.network.broadcast_address)

    def send(self, port: int, datagrams: list[Datagram]) -> None:
        dev = self.runtime.device
        handler = self.runtime.handlers.get(port)
        if handler is None:
            raise OSError(f"{dev.name}: no UDP socket on port {port} to send from")
        refused = [d.dest[0] for d in datagrams if not self.allowed(d.dest[0])]
        if refused:
            raise OSError(f"{dev.name}: refusing to send outside {self.network}: {refused[:3]}")
        handler.send("client", datagrams)

    async def connect(self, ip: str, port: int) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        if not self.allowed(ip) or ipaddress.IPv4Address(ip) in MULTICAST:
            raise OSError(f"{self.runtime.device.name}: refusing to connect outside {self.network}: {ip}")
        with in_netns(self.runtime.ns):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT):
                await asyncio.get_running_loop().sock_connect(sock, (ip, port))
            return await asyncio.open_connection(sock=sock)
        except BaseException:
            sock.close()
            raise

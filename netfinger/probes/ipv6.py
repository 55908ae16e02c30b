"""IPv6 link-local discovery (``--ipv6`` only): an ICMPv6 echo to ff02::1, WS-Discovery Probes and SSDP
M-SEARCHes to ff02::c, then the kernel's neighbour table for the MACs.

Every packet goes to a link-local multicast group on the scan interface (hop limit 1); the hosts that
answer become live as ``fe80::…%iface`` and the unicast probes (HTTP, RTSP, ONVIF, TCP) reach them
there. Without ``--ipv6`` this probe sends nothing. Their sightings carry no IPv4 address: the evidence
store merges them with the IPv4 host that has the same MAC.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from collections.abc import Sequence
from pathlib import Path
from typing import ClassVar

from netfinger.evidence import Observation, RawReply, Sighting
from netfinger.probes.exchange import Exchange, run_window
from netfinger.probes.interface import Completed, Failed, Probe, ProbeOutcome, ScanContext, Skipped
from netfinger.probes.udp import Send, Step, enlarge_receive_buffer
from netfinger.protocols import ipv6, ssdp, wsd

IF_INET6 = Path("/proc/net/if_inet6")
ICMP, UDP = "icmpv6", "udp6"


def open_socket6(ctx: ScanContext, kind: str, local: str, ifindex: int) -> socket.socket:
    """A non-blocking socket on the scan interface's link-local address; multicast hop limit 1."""
    if kind == ICMP:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    else:
        sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    try:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 1)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 1)
        enlarge_receive_buffer(sock, ctx.is_root)
        sock.bind((local, 0, 0, ifindex))
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


async def scan_link_local(iface: str) -> str | None:
    """The scan interface's own IPv6 link-local address (``/proc/net/if_inet6``), if it has one."""
    try:
        text = await asyncio.to_thread(IF_INET6.read_text, encoding="ascii", errors="replace")
    except OSError:
        text = ""
    return ipv6.link_local_of(text, iface)


class Ipv6Probe(Probe):
    name: ClassVar[str] = "ipv6"
    phase: ClassVar[str] = "discovery"
    needs_root: ClassVar[bool] = True

    def __init__(self) -> None:
        self._ident = os.getpid() & 0xFFFF
        self._heard: dict[str, None] = {}  # fe80::…%iface, in the order heard

    def _asks(self) -> list[Send]:
        return [(data, (ipv6.WSD_GROUP6, wsd.WSD_PORT)) for _, data in wsd.build_probes()] + [
            (ssdp.build_msearch(st, host="[FF02::C]"), (ipv6.WSD_GROUP6, ssdp.SSDP_PORT))
            for st in ssdp.SEARCH_TARGETS]

    def _heard_from(self, ctx: ScanContext, addr: str) -> str | None:
        if not ipv6.is_link_local(addr) or ctx.iface is None:
            return None
        zone = f"{addr.split('%', 1)[0]}%{ctx.iface}"
        if zone not in self._heard and len(self._heard) < ipv6.MAX_NEIGHBOURS:
            self._heard[zone] = None
            ctx.live_v6.add(zone)
        return zone if zone in self._heard else None

    def _handle(self, ctx: ScanContext, data: bytes, addr: tuple[str, int]) -> None:
        if ctx.heard_on == ICMP:
            reply = ipv6.parse_echo_reply(data)
            if reply is not None and reply[0] == self._ident:
                self._heard_from(ctx, addr[0])
            return
        zone = self._heard_from(ctx, addr[0])
        if zone is None:
            return
        obs: list[Observation] = []
        proto = "ssdp" if addr[1] == ssdp.SSDP_PORT else "wsd"
        if proto == "wsd":
            msg = wsd.parse_message(data)
            obs = wsd.observations(msg, f"udp6/{wsd.WSD_PORT}") if msg.valid else []
        else:
            smsg = ssdp.parse_message(data)
            obs = ssdp.observations(smsg, f"udp6/{ssdp.SSDP_PORT}") if smsg.valid else []
        if obs:
            ctx.emit(Sighting(ip=None, ipv6=(zone,), observations=tuple(obs), protocol=proto, link=True,
                              raw=(RawReply.capture(proto, f"[{zone}]:{addr[1]}", data),)))

    async def _macs(self, ctx: ScanContext) -> int:
        """The heard hosts' MACs: the neighbour table, else the EUI-64 address itself."""
        table: dict[str, str] = {}
        with contextlib.suppress(OSError, TimeoutError):
            proc = await asyncio.create_subprocess_exec(
                "ip", "-j", "-6", "neigh", "show", "dev", str(ctx.iface),
                stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL)
            async with asyncio.timeout(5):
                out, _ = await proc.communicate()
            table = {n.address: n.mac for n in ipv6.parse_neighbours(out.decode("utf-8", "replace"))}
        for zone in self._heard:
            addr = zone.split("%", 1)[0]
            mac, source = table.get(addr), "neighbour"
            if mac is None:
                mac, source = ipv6.mac_from_eui64(addr), "eui64"
            obs = [Observation("ipv6.link_local", zone)]
            if mac:
                obs.append(Observation("ipv6.mac_from", source))
            ctx.emit(Sighting(ip=None, mac=mac, ipv6=(zone,), observations=tuple(obs), protocol="ipv6",
                              link=True))
        return len(self._heard)

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        started = time.monotonic()
        if not ctx.ipv6:
            return Skipped(self.name, "IPv6 is off (pass --ipv6 for link-local discovery)")
        if not ctx.iface or not ctx.is_root:
            return Skipped(self.name, "needs root and a scan interface (raw ICMPv6 socket)")
        local = await scan_link_local(ctx.iface)
        if local is None:
            return Failed(self.name, f"{ctx.iface} has no IPv6 link-local address")
        failure = await self._exchange(ctx, local, socket.if_nametoindex(ctx.iface))
        if failure:
            return Failed(self.name, failure)
        found = await self._macs(ctx)
        return Completed(self.name, found, time.monotonic() - started)

    async def _exchange(self, ctx: ScanContext, local: str, ifindex: int) -> str | None:
        ex = Exchange(ctx, "ipv6", lambda d, a: self._handle(ctx, d, a), (ipv6.ALL_NODES, ipv6.WSD_GROUP6))
        try:
            with contextlib.ExitStack() as stack:
                icmp = ex.add(ICMP, stack.enter_context(open_socket6(ctx, ICMP, local, ifindex)))
                udp = ex.add(UDP, stack.enter_context(open_socket6(ctx, UDP, local, ifindex)))

                def echo() -> Sequence[Send]:
                    return [(ipv6.build_echo_request(self._ident, 1), (ipv6.ALL_NODES, 0))]

                again = min(0.3, ctx.timeout / 4)
                plan = [(0.0, icmp, Step(0.0, echo)), (0.0, udp, Step(0.0, self._asks)),
                        (again, icmp, Step(0.0, echo)), (again, udp, Step(0.0, self._asks))]
                await run_window(ex, plan, ctx.timeout)
        except OSError as exc:
            return f"socket error: {exc}"
        return None

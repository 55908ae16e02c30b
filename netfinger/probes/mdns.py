"""mDNS / DNS-SD probe: browse camera-relevant service types with zeroconf on the scan interface (IPv4),
and with ``--ipv6`` also on ff02::fb (``netfinger.probes.mdns6``)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any, ClassVar

from netfinger.evidence import Sighting
from netfinger.probes import mdns6
from netfinger.probes.interface import Completed, Failed, Probe, ProbeOutcome, ScanContext, Skipped
from netfinger.probes.udp import iface_address
from netfinger.protocols import mdns

MAX_SERVICES = 2000


class MdnsProbe(Probe):
    name: ClassVar[str] = "mdns"
    phase: ClassVar[str] = "discovery"

    def __init__(self) -> None:
        self._pending: set[tuple[str, str]] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._count = 0

    async def _resolve(self, ctx: ScanContext, zc: Any, service_type: str, name: str, budget: float) -> None:
        from zeroconf.asyncio import AsyncServiceInfo

        info = AsyncServiceInfo(service_type, name)
        try:
            if not await info.async_request(zc, max(budget, 0.2) * 1000):
                return
        except Exception:  # a malformed answer or a closing zeroconf: this service stays unresolved
            return
        addresses = [a for a in info.parsed_addresses() if ":" not in a]
        rec = mdns.ServiceRecord(
            service_type, name, (info.server or "").rstrip("."), info.port, addresses,
            mdns.decode_txt({k: v for k, v in info.properties.items() if isinstance(k, bytes)}),
        )
        for addr in addresses:
            if addr in ctx.local_ips:
                continue
            self._count += 1
            ctx.emit(Sighting(ip=addr, observations=tuple(mdns.observations(rec)), protocol="mdns",
                              link=True))  # mDNS is link-local: whoever answered is on the link

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        """The IPv4 browse (zeroconf, scan interface only) and, with ``--ipv6``, the IPv6 one beside it."""
        started = time.monotonic()
        if not ctx.ipv6:
            v4 = await self._browse_v4(ctx, started)
            return v4 or Completed(self.name, self._count, time.monotonic() - started)
        v4, v6 = await asyncio.gather(self._browse_v4(ctx, started), mdns6.browse_v6(ctx))
        notes = [f"IPv4: {v4.reason}"] if v4 is not None else []
        notes.append(mdns6.note(v6, started))
        if v4 is not None and v6.failure:
            return Failed(self.name, "; ".join(notes))
        return Completed(self.name, self._count + v6.services, time.monotonic() - started, tuple(notes))

    async def _browse_v4(self, ctx: ScanContext, started: float) -> Failed | Skipped | None:
        """Browse over IPv4 for the listen window; None when it ran, else why it did not."""
        local = iface_address(ctx)
        if not ctx.targets_on_link() or local is None:
            return Skipped(self.name, "no target on the scan interface's networks")
        try:
            from zeroconf import IPVersion, ServiceStateChange
            from zeroconf.asyncio import AsyncServiceBrowser, AsyncZeroconf

            azc = AsyncZeroconf(interfaces=[local], ip_version=IPVersion.V4Only)
        except Exception as exc:  # zeroconf raises OSError and its own errors on bad interfaces
            return Failed(self.name, f"cannot start mDNS on {local}: {exc}")
        deadline = started + ctx.timeout

        def on_change(zeroconf: Any, service_type: str, name: str, state_change: Any) -> None:
            if state_change is not ServiceStateChange.Added or len(self._pending) >= MAX_SERVICES:
                return
            if (service_type, name) in self._pending:
                return
            self._pending.add((service_type, name))
            task = asyncio.get_running_loop().create_task(
                self._resolve(ctx, zeroconf, service_type, name, deadline - time.monotonic()))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        browser = AsyncServiceBrowser(azc.zeroconf, list(mdns.SERVICE_TYPES), handlers=[on_change])
        try:
            await asyncio.sleep(max(deadline - time.monotonic(), 0))
            if self._tasks:
                await asyncio.wait(set(self._tasks), timeout=0.5)
        finally:
            for task in self._tasks:
                task.cancel()
            with contextlib.suppress(Exception):
                await browser.async_cancel()
            with contextlib.suppress(Exception):
                await azc.async_close()
        return None

"""The scan core with fake probes and a fake interface list: no packet leaves this process."""

from __future__ import annotations

import asyncio
import time
from ipaddress import IPv4Interface
from typing import ClassVar

import pytest

from netfinger.evidence import Observation, Sighting
from netfinger.probes.fanout import for_each_host
from netfinger.probes.interface import Completed, Probe, ProbeOutcome, ScanContext
from netfinger.scan import ScanConfig, core, run_scan
from netfinger.scan.iface import Interface

IFACE = Interface("eth0", (IPv4Interface("10.77.0.1/24"),), ("UP", "LOWER_UP"))
SEEN_LIVE: list[set[str]] = []
WORK_STARTED: list[float] = []


class FakeArp(Probe):
    name: ClassVar[str] = "arp"

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        ctx.emit(
            Sighting(
                "10.77.0.9",
                mac="58:50:ed:1f:e3:85",
                observations=(Observation("arp.mac", "x"),),
                protocol="arp",
            )
        )
        ctx.emit(Sighting("10.99.9.9", mac="58:50:ed:00:00:01", protocol="arp"))  # outside the targets
        ctx.mark_sweep_done()
        return Completed(self.name, 2, 0.0)


class FakeSlowDiscovery(Probe):
    name: ClassVar[str] = "wsd"

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        await asyncio.sleep(0.3)
        ctx.emit(
            Sighting(
                "10.77.0.9",
                observations=(Observation("wsd.scope.hardware", "DS-2CD2385G1-I"),),
                protocol="wsd",
            )
        )
        return Completed(self.name, 1, 0.3)


class FakeUnicast(Probe):
    name: ClassVar[str] = "http"
    phase: ClassVar[str] = "unicast"

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        hosts: set[str] = set()

        async def work(ip: str) -> int:
            WORK_STARTED.append(time.monotonic())
            hosts.add(ip)
            return 1

        count, _ = await for_each_host(ctx, work)
        SEEN_LIVE.append(hosts)
        assert ctx.discovery_done is not None and ctx.discovery_done.is_set()
        assert ctx.lookup("10.77.0.9", "wsd.scope.hardware") == ["DS-2CD2385G1-I"]
        return Completed(self.name, count, 0.0)


class Crashing(Probe):
    name: ClassVar[str] = "tcp"
    phase: ClassVar[str] = "unicast"

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        raise RuntimeError("boom")


class Hanging(Probe):
    name: ClassVar[str] = "rtsp"
    phase: ClassVar[str] = "unicast"

    async def run(self, ctx: ScanContext) -> ProbeOutcome:
        await asyncio.sleep(3600)
        return Completed(self.name, 0, 0.0)


@pytest.fixture(autouse=True)
def fakes(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = {p.name: p for p in (FakeArp, FakeSlowDiscovery, FakeUnicast, Crashing, Hanging)}
    monkeypatch.setattr(core, "PROBES", fake)
    monkeypatch.setattr(core, "list_interfaces", lambda: [IFACE])
    SEEN_LIVE.clear()
    WORK_STARTED.clear()


def test_phases_merge_and_report() -> None:
    config = ScanConfig(targets=("10.77.0.0/24",), probes=("arp", "wsd", "http", "tcp"))
    report = asyncio.run(run_scan(config))
    assert [{"10.77.0.9"}] == SEEN_LIVE  # unicast ran after discovery, on live hosts only
    (host,) = report.hosts
    assert host.evidence.mac == "58:50:ed:1f:e3:85"
    assert host.evidence.protocols == ["arp", "wsd"]
    assert report.scan.targets == ["10.77.0.0/24"]
    assert (
        report.scan.probes["arp"].startswith("completed")
        and "1 replies from outside" in report.scan.probes["arp"]
    )
    assert report.scan.probes["tcp"] == "failed: RuntimeError: boom"
    assert not report.scan.interrupted
    assert report.scan.start.endswith("Z") and report.scan.end >= report.scan.start


def test_default_targets_are_the_interface_subnets() -> None:
    report = asyncio.run(run_scan(ScanConfig(probes=("arp",))))
    assert report.scan.targets == ["10.77.0.0/24"]


def test_stop_interrupts_and_keeps_what_was_found() -> None:
    async def main() -> tuple[object, float]:
        stop = asyncio.Event()
        config = ScanConfig(targets=("10.77.0.0/24",), probes=("arp", "wsd", "rtsp"))
        task = asyncio.create_task(run_scan(config, stop=stop))
        await asyncio.sleep(0.6)
        started = time.monotonic()
        stop.set()
        report = await task
        return report, time.monotonic() - started

    report, took = asyncio.run(main())
    assert took < 1.0
    assert report.scan.interrupted  # type: ignore[attr-defined]
    assert report.scan.probes["rtsp"] == "failed: interrupted"  # type: ignore[attr-defined]
    assert [h.evidence.ip for h in report.hosts] == ["10.77.0.9"]  # type: ignore[attr-defined]


def test_unknown_probe_is_a_usage_error() -> None:
    from netfinger.errors import UsageError

    with pytest.raises(UsageError, match="unknown probe"):
        asyncio.run(run_scan(ScanConfig(targets=("10.77.0.0/24",), probes=("nope",))))


def test_unicast_work_starts_while_discovery_still_listens() -> None:
    config = ScanConfig(targets=("10.77.0.0/24",), probes=("arp", "wsd", "http"))
    started = time.monotonic()
    report = asyncio.run(run_scan(config))
    assert len(WORK_STARTED) == 1
    assert WORK_STARTED[0] - started < 0.25  # the slow discovery probe takes 0.3 s
    assert report.scan.probes["http"].startswith("completed (1 replies")

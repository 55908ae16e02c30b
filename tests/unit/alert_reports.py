"""Reports for the alert tests, built as data from the samples: no network, no randomness."""

from __future__ import annotations

import dataclasses

from netfinger.alert.interface import SweepInfo
from netfinger.match.interface import VulnFinding
from netfinger.report.model import HostReport, Report
from netfinger.report.samples import axis_host, dahua_host, hikvision_host, hostile_host, sample_scan_info

HOSTILE_CVE = "CVE-2099-0001\x1b[2J<b>x</b>"


def report(*hosts: HostReport, start: str = "2026-11-24T02:00:00Z") -> Report:
    scan = sample_scan_info()
    scan.start = start
    return Report(scan=scan, hosts=list(hosts))


def with_vulns(host: HostReport, *ids: str) -> HostReport:
    extra = tuple(VulnFinding(id=i, title='=HYPERLINK("http://evil.invalid")') for i in ids)
    verdict = dataclasses.replace(host.verdict, vulnerabilities=host.verdict.vulnerabilities + extra)
    return HostReport(evidence=host.evidence, verdict=verdict)


def with_status(host: HostReport, status: str) -> HostReport:
    verdict = dataclasses.replace(host.verdict, status=status, banned=status == "banned")
    return HostReport(evidence=host.evidence, verdict=verdict)


def hostile_banned() -> HostReport:
    """The sample hostile host (markup, ANSI, HTML, formula, bidi override), banned and vulnerable."""
    h = hostile_host()
    return HostReport(evidence=h.evidence, verdict=dataclasses.replace(
        h.verdict, banned=True, status="banned", vulnerabilities=(VulnFinding(id=HOSTILE_CVE),)))  # fmt: skip


def sweep(sweep_id: int = 2, previous_id: int = 1) -> SweepInfo:
    return SweepInfo(sweep_id=sweep_id, previous_id=previous_id, start="2026-11-25T02:00:00Z",
                     targets=("192.168.50.0/24",), scanner_host="sweeper",
                     signatures=("2026.11.1", "2026.11.1"))  # fmt: skip


__all__ = ["axis_host", "dahua_host", "hikvision_host", "hostile_host"]

"""CSV renderer: one row per host, safe to open in a spreadsheet.

A cell a spreadsheet could read as a formula (starting with ``= + - @``, a tab or a carriage
return, even after leading spaces) gets a leading ``'``; control characters are made visible.
"""

from __future__ import annotations

import csv
import io

from netfinger.report.cells import vuln_label
from netfinger.report.inert import visible
from netfinger.report.interface import Renderer, RenderOptions
from netfinger.report.model import HostReport, Report
from netfinger.report.order import ordered_hosts

COLUMNS = (
    "ip",
    "mac",
    "manufacturer",
    "brand",
    "model",
    "firmware",
    "device_type",
    "banned",
    "banned_by",
    "status",
    "confidence",
    "vulnerabilities",
    "kev",
    "backdoor",
    "protocols",
    "evidence",
    "to_confirm",
    "outside_targets",
    "ipv6",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Make ``cell`` inert for spreadsheets and terminals."""
    shown = visible(cell)
    if cell.lstrip(" ").startswith(_FORMULA_START) or shown.lstrip(" ").startswith(_FORMULA_START):
        return "'" + shown
    return shown


def host_row(host: HostReport) -> list[str]:
    v = host.verdict
    vulns = v.vulnerabilities
    evidence = " | ".join(f"{e.rule}: {e.field}={e.value}" for e in v.evidence)
    cells = [
        host.evidence.ip or "",
        host.evidence.mac or "",
        v.manufacturer or "",
        v.brand or "",
        v.model or "",
        v.firmware or "",
        v.device_type or "",
        "yes" if v.banned else "no",
        "; ".join(v.banned_by),
        v.status,
        f"{v.confidence:.2f}",
        "; ".join(vuln_label(host)),
        "yes" if any(f.kev for f in vulns) else "no",
        "yes" if any(f.backdoor for f in vulns) else "no",
        " ".join(host.evidence.protocols),
        evidence,
        " | ".join(v.suspect.settle) if v.suspect else "",
        "yes" if host.evidence.outside_targets else "no",
        " ".join(host.evidence.ipv6),
    ]
    return [neutralise(c) for c in cells]


class CsvRenderer(Renderer):
    name = "csv"

    def render(self, report: Report, options: RenderOptions) -> str:
        out = io.StringIO()
        writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for host in ordered_hosts(report):
            writer.writerow(host_row(host))
        return out.getvalue()

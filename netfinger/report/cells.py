"""Short cell texts shared by the table, CSV and HTML renderers (one wording everywhere)."""

from __future__ import annotations

from netfinger.report.model import HostReport, ScanInfo

MAX_SHOWN_CHARS = 200


def text_or_dash(value: str | None) -> str:
    return value if value else "-"


def banned_cell(host: HostReport) -> str:
    v = host.verdict
    if not v.banned:
        return "no"
    return "yes (" + ", ".join(v.banned_by) + ")" if v.banned_by else "yes"


def vuln_label(host: HostReport) -> list[str]:
    """One label per finding: the id, with ``KEV`` and ``backdoor`` markers."""
    labels = []
    for f in host.verdict.vulnerabilities:
        marks = [m for m, on in (("KEV", f.kev), ("backdoor", f.backdoor)) if on]
        labels.append(f"{f.id} [{', '.join(marks)}]" if marks else f.id)
    return labels


def confidence_cell(host: HostReport) -> str:
    return f"{host.verdict.confidence:.2f}"


def probe_problems(scan: ScanInfo) -> list[str]:
    """``probe: status`` for every probe that did not complete (status ``completed ...`` is fine)."""
    return [
        f"{name}: {status}"
        for name, status in sorted(scan.probes.items())
        if not status.startswith("completed")
    ]


def clip(value: str, limit: int = MAX_SHOWN_CHARS) -> str:
    """Shorten a long value for a person; the JSON report keeps all of it."""
    if len(value) <= limit:
        return value
    return f"{value[:limit]}… ({len(value) - limit} more characters in the JSON report)"

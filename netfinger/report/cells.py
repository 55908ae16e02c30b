"""Short cell texts shared by the table, CSV and HTML renderers (one wording everywhere)."""

from __future__ import annotations

from netfinger.report.model import HostReport


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

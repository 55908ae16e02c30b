"""The expandable ``<details>`` block of one host in the HTML report: why we think what we think."""

from __future__ import annotations

from collections.abc import Sequence

from netfinger.report.cells import banned_cell, clip
from netfinger.report.html_chart import esc
from netfinger.report.model import HostReport

MAX_OBSERVATIONS_SHOWN = 200
MAX_VALUE_SHOWN = 300  # characters of one value; the JSON report keeps all of it


def _table(headers: tuple[str, ...], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _list(title: str, items: list[str]) -> str:
    if not items:
        return ""
    return f"<p>{title}</p><ul>" + "".join(f"<li>{esc(i)}</li>" for i in items) + "</ul>"


def _vulns(host: HostReport) -> str:
    rows = [
        (f.id, "yes" if f.kev else "no", "yes" if f.backdoor else "no", f.basis, f.fixed_in or "-", f.title)
        for f in host.verdict.vulnerabilities
    ]
    if not rows:
        return ""
    return "<p>Vulnerabilities</p>" + _table(("id", "KEV", "backdoor", "basis", "fixed in", "title"), rows)


def _observations(host: HostReport) -> str:
    obs = host.evidence.observations
    if not obs:
        return ""
    rows = [(o.field, clip(o.value, MAX_VALUE_SHOWN), o.source or "-") for o in obs[:MAX_OBSERVATIONS_SHOWN]]
    more = len(obs) - len(rows)
    tail = f"<p>{more} more observations in the JSON report.</p>" if more > 0 else ""
    return (
        f"<details><summary>All observations ({len(obs)})</summary>"
        + _table(("field", "value", "source"), rows)
        + tail
        + "</details>"
    )


def host_details(host: HostReport, with_observations: bool = False) -> str:
    """Evidence (rule, field, value), vulnerabilities, notes, anomalies; all observations on request."""
    v = host.verdict
    label = f"{len(v.evidence)} rule hit{'s' if len(v.evidence) != 1 else ''}"
    parts = [f"<details><summary>{label}</summary>"]
    if v.banned:
        parts.append(f"<p>Banned: {esc(banned_cell(host))}</p>")
    if v.suspect:
        covered = ", ".join(v.suspect.covered_by) or "-"
        maker = esc(v.manufacturer or "-")
        parts.append(f"<p>Suspect: points at {maker} ({esc(covered)}), not confirmed</p>")
        parts.append(_list("What would settle it", list(v.suspect.settle)))
    if v.evidence:
        rows = [(e.rule, e.field, clip(e.value, MAX_VALUE_SHOWN)) for e in v.evidence]
        parts.append(_table(("rule", "field", "value"), rows))
    parts.append(_vulns(host))
    parts.append(_list("Notes", list(v.notes)))
    parts.append(_list("Anomalies", list(host.evidence.anomalies)))
    protocols = ", ".join(host.evidence.protocols) or "-"
    parts.append(f"<p>Protocols: {esc(protocols)}</p>")
    if with_observations:
        parts.append(_observations(host))
    parts.append("</details>")
    return "".join(parts)

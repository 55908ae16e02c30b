"""HTML renderer: one self-contained page (inline CSS, inline JS, inline SVG; nothing external).

The Content-Security-Policy allows only the page's own inline style and script, by hash, and nothing
else (no network, no images, no forms). Untrusted text is HTML-escaped; the data the script sorts and
filters on travels as JSON in a ``<script type="application/json">`` block with ``< > &`` escaped.
"""

from __future__ import annotations

import base64
import hashlib
import json
from functools import cache
from importlib import resources
from typing import Any

from netfinger.report.cells import confidence_cell, probe_problems, text_or_dash, vuln_label
from netfinger.report.html_chart import bar_chart, esc
from netfinger.report.html_details import host_details
from netfinger.report.html_tiers import tier_sections
from netfinger.report.interface import Renderer, RenderOptions
from netfinger.report.model import HostReport, Report
from netfinger.report.order import (
    BANNED_RANK,
    SUSPECT_RANK,
    VULNERABLE_RANK,
    host_rank,
    ip_sort_key,
    ordered_outside,
    ordered_targets,
)

# (JS sort key, header) in column order; the last column (evidence) is not sortable.
_COLUMNS = (
    ("ip", "IP"),
    ("mac", "MAC"),
    ("maker", "Maker"),
    ("brand", "Brand"),
    ("model", "Model"),
    ("firmware", "Firmware"),
    ("type", "Type"),
    ("rank", "Status"),
    ("vulns", "Vulnerabilities"),
    ("confidence", "Confidence"),
)
_ROW_CLASS = {BANNED_RANK: "banned", SUSPECT_RANK: "suspect", VULNERABLE_RANK: "vulnerable"}
_STATUS_CELL = {"banned": '<span class="yes">banned</span>', "suspect": '<span class="sus">suspect</span>'}


@cache
def _asset(name: str) -> str:
    return resources.files("netfinger.report").joinpath("html_assets", name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def csp(style: str, script: str) -> str:
    return (
        f"default-src 'none'; style-src '{_sha256(style)}'; script-src '{_sha256(script)}'; "
        "img-src 'none'; font-src 'none'; connect-src 'none'; media-src 'none'; object-src 'none'; "
        "frame-src 'none'; base-uri 'none'; form-action 'none'"
    )


def script_json(data: object) -> str:
    """JSON that cannot end the ``<script>`` element it sits in or open a comment or CDATA."""
    text = json.dumps(data, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _ip_key(ip: str | None) -> str:
    version, number, text = ip_sort_key(ip)
    return f"{version}:{number:040d}:{text}"


def sort_keys(host: HostReport) -> dict[str, Any]:
    v = host.verdict
    vulns = [f.id for f in v.vulnerabilities]
    texts = [
        host.evidence.ip,
        host.evidence.mac,
        v.manufacturer,
        v.brand,
        v.model,
        v.firmware,
        v.device_type,
        *vulns,
        *v.banned_by,
        v.status,
    ]
    return {
        "ip": _ip_key(host.evidence.ip),
        "mac": host.evidence.mac or "",
        "maker": v.manufacturer or "",
        "brand": v.brand or "",
        "model": v.model or "",
        "firmware": v.firmware or "",
        "type": v.device_type or "",
        "rank": host_rank(host),
        "vulns": -len(vulns),
        "confidence": v.confidence,
        "text": " ".join(t for t in texts if t).lower(),
    }


def _row(index: int, host: HostReport, why: bool) -> str:
    v = host.verdict
    vulns = "<br>".join(esc(label) for label in vuln_label(host)) or "-"
    status = _STATUS_CELL.get(v.status, esc(v.status))
    cells = [
        f'<td class="mono">{esc(text_or_dash(host.evidence.ip))}</td>',
        f'<td class="mono">{esc(text_or_dash(host.evidence.mac))}</td>',
        *(
            f'<td class="u">{esc(text_or_dash(x))}</td>'
            for x in (v.manufacturer, v.brand, v.model, v.firmware)
        ),
        f"<td>{esc(text_or_dash(v.device_type))}</td>",
        f"<td>{status}</td>",
        f"<td>{vulns}</td>",
        f"<td>{confidence_cell(host)}</td>",
        f"<td>{host_details(host, with_observations=why)}</td>",
    ]
    cls = _ROW_CLASS.get(host_rank(host), "")
    return f'<tr data-i="{index}" class="{cls}">' + "".join(cells) + "</tr>"


def _counts(report: Report) -> str:
    s = report.summary()
    boxes = [
        ("hosts", s["hosts"], ""),
        ("banned", s["banned"], "ban"),
        ("suspect", s["suspect"], "sus"),
        ("vulnerable", s["vulnerable"], "vuln"),
    ]
    inner = "".join(f'<div class="count {cls}"><b>{n}</b>{label}</div>' for label, n, cls in boxes)
    return f'<section class="counts" aria-label="summary">{inner}</section>'


def _meta(report: Report) -> str:
    scan = report.scan
    items = [
        ("Scan", f"{text_or_dash(scan.start)} to {text_or_dash(scan.end)}"),
        ("targets", ", ".join(scan.targets) or "-"),
        ("netfinger", text_or_dash(scan.netfinger_version)),
        ("signatures", text_or_dash(scan.signatures_version)),
        ("from", text_or_dash(scan.scanner_host)),
    ]
    facts = " · ".join(f"{label} <code>{esc(value)}</code>" for label, value in items)
    warn = '<p class="warn">This scan was interrupted: results are partial.</p>' if scan.interrupted else ""
    not_done = probe_problems(scan)
    probes = f'<p class="meta">Probes not completed: {esc("; ".join(not_done))}</p>' if not_done else ""
    return f'<p class="meta">{facts}</p>{warn}{probes}'


def _charts(report: Report) -> str:
    s = report.summary()
    banned_makers = frozenset(h.verdict.manufacturer or "" for h in report.hosts if h.verdict.banned)
    banned_brands = frozenset(h.verdict.brand or "" for h in report.hosts if h.verdict.banned)
    return (
        '<section class="charts">'
        + bar_chart("Hosts by maker", s["by_manufacturer"], banned_makers)
        + bar_chart("Hosts by brand", s["by_brand"], banned_brands)
        + "</section>"
    )


def _table(hosts: list[HostReport], why: bool) -> str:
    heads = "".join(
        f'<th data-key="{key}" aria-sort="none"><button type="button">{label}</button></th>'
        for key, label in _COLUMNS
    )
    body = "".join(_row(i, h, why) for i, h in enumerate(hosts))
    return (
        '<div class="tools"><label>Filter <input id="filter" type="search" autocomplete="off" '
        'placeholder="maker, model, IP, CVE…"></label><span id="shown"></span></div>'
        f'<table id="hosts"><thead><tr>{heads}<th>Evidence</th></tr></thead><tbody>{body}</tbody></table>'
    )


def _outside(hosts: list[HostReport], why: bool) -> str:
    """Devices heard on the link from outside the targets: a section of their own, never contacted."""
    if not hosts:
        return ""
    heads = "".join(f"<th>{label}</th>" for _key, label in _COLUMNS)
    body = "".join(_row(i, h, why) for i, h in enumerate(hosts))
    return (
        '<h2 id="outside-targets">Heard on the link from outside the targets (not contacted)</h2>'
        '<p>These devices answered on the scan link from addresses outside the targets (factory '
        "defaults, other subnets, 0.0.0.0). netfinger never sent them a packet of their own.</p>"
        f'<table id="outside"><thead><tr>{heads}<th>Evidence</th></tr></thead><tbody>{body}</tbody></table>'
    )


class HtmlRenderer(Renderer):
    name = "html"

    def render(self, report: Report, options: RenderOptions) -> str:
        style, script = _asset("report.css"), _asset("report.js")
        hosts = ordered_targets(report)
        data = {"hosts": [sort_keys(h) for h in hosts]}
        return (
            '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{csp(style, script)}">'
            '<meta name="referrer" content="no-referrer">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>netfinger report {esc(report.scan.start)}</title><style>{style}</style></head><body>"
            f"<h1>netfinger report</h1>{_meta(report)}{_counts(report)}{_charts(report)}"
            f"{tier_sections(hosts)}<h2>All hosts</h2>{_table(hosts, options.why)}"
            f"{_outside(ordered_outside(report), options.why)}"
            f'<script type="application/json" id="nf-data">{script_json(data)}</script>'
            f"<script>{script}</script></body></html>\n"
        )

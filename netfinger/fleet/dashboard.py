"""The fleet dashboard: one self-contained HTML page across sites (inline CSS and SVG, no script).

Per site: the last sweep, its host, banned and vulnerable counts, what is new (and gone) since the
sweep before, a trend line over the last sweeps, and the latest sweep's devices. Everything a device
or a sensor sent is HTML-escaped; the Content-Security-Policy allows only the page's own style.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime
from html import escape

from netfinger.fleet.views import SiteView
from netfinger.report.model import HostReport

STYLE = """
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222;background:#fafafa}
h1{font-size:1.4em;margin:0 0 .2em}h2{font-size:1.15em;margin:1.4em 0 .4em}
.sub{color:#666;margin-bottom:1em}
.cards{display:flex;gap:1em;margin:1em 0;flex-wrap:wrap}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:.6em 1em;min-width:8em}
.card b{display:block;font-size:1.6em}
table{border-collapse:collapse;background:#fff;margin:.4em 0 1em}
th,td{border:1px solid #ddd;padding:.25em .6em;text-align:left;vertical-align:top}
th{background:#f0f0f0}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.banned td{background:#fde8e8}tr.vulnerable td{background:#fff4dd}
.bad{color:#b00020;font-weight:600}.new{color:#0a6;font-weight:600}
svg .hosts{stroke:#47a;fill:none;stroke-width:1.5}svg .banned{stroke:#b00020;fill:none;stroke-width:1.5}
"""
MAX_HOST_ROWS = 500  # per site; the rest is counted, not listed


def _csp() -> str:
    digest = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
    return f"default-src 'none'; style-src 'sha256-{digest}'"


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def sparkline(series: list[tuple[int, int]], width: int = 160, height: int = 32) -> str:
    """Hosts (blue) and banned (red) over the sweeps, oldest left."""
    if len(series) < 2:
        return "<span class=sub>one sweep</span>" if series else ""
    top = max(max(h, b) for h, b in series) or 1
    step = width / (len(series) - 1)

    def line(values: list[int], cls: str) -> str:
        points = " ".join(f"{i * step:.1f},{height - 2 - v / top * (height - 4):.1f}"
                          for i, v in enumerate(values))
        return f'<polyline class="{cls}" points="{points}"/>'

    label = f"hosts {series[0][0]}→{series[-1][0]}, banned {series[0][1]}→{series[-1][1]}"
    return (f'<svg width="{width}" height="{height}" role="img" aria-label="{_e(label)}">'
            f'<title>{_e(label)}</title>'
            f'{line([h for h, _ in series], "hosts")}{line([b for _, b in series], "banned")}</svg>')


def _overview(views: list[SiteView]) -> str:
    rows = []
    for v in views:
        last = v.last
        if last is None:
            rows.append(f"<tr><td>{_e(v.site)}</td><td colspan=7 class=sub>no sweep stored yet</td></tr>")
            continue
        trend = sparkline([(r.hosts, r.banned) for r in v.rows])
        banned = f'<span class=bad>{last.banned}</span>' if last.banned else "0"
        new = f'<span class=new>+{v.new_since_last}</span>' if v.new_since_last else "0"
        rows.append(f"<tr><td>{_e(v.site)}</td><td>{_e(last.ended)}<br>"
                    f"<span class=sub>{_e(last.sensor)}</span></td><td class=n>{last.hosts}</td>"
                    f"<td class=n>{banned}</td><td class=n>{last.vulnerable}</td>"
                    f"<td class=n>{new}</td><td class=n>{v.gone_since_last}</td><td>{trend}</td></tr>")
    head = "".join(f"<th>{h}</th>" for h in ("Site", "Last sweep", "Hosts", "Banned", "Vulnerable",
                                              "New since last", "Gone", "Trend (sweeps)"))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _host_row(h: HostReport) -> str:
    v = h.verdict
    cls = "banned" if v.banned else "vulnerable" if v.vulnerabilities else ""
    vulns = ", ".join(f.id for f in v.vulnerabilities)
    cells = (h.evidence.ip, h.evidence.mac, v.manufacturer, v.brand, v.model, v.firmware,
             "yes" if v.banned else "", vulns)  # fmt: skip
    return f'<tr class="{cls}">' + "".join(f"<td>{_e(c or '')}</td>" for c in cells) + "</tr>"


def _site_section(v: SiteView) -> str:
    if v.latest is None:
        return ""
    hosts = sorted(v.latest.hosts, key=lambda h: (not h.verdict.banned, not h.verdict.vulnerabilities,
                                                  h.evidence.ip or ""))  # fmt: skip
    rows = "".join(_host_row(h) for h in hosts[:MAX_HOST_ROWS])
    more = len(hosts) - MAX_HOST_ROWS
    extra = f"<p class=sub>{more} more hosts not listed</p>" if more > 0 else ""
    head = "".join(f"<th>{h}</th>" for h in ("IP", "MAC", "Maker", "Brand", "Model", "Firmware", "Banned",
                                              "Vulnerabilities"))
    return (f"<h2 id=\"site-{_e(v.site)}\">{_e(v.site)}: latest sweep</h2>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{extra}")


def render_dashboard(views: list[SiteView], now: datetime | None = None) -> str:
    now = now or datetime.now(UTC)
    lasts = [v.last for v in views if v.last is not None]
    cards = [("Sites", len(views)), ("Hosts", sum(r.hosts for r in lasts)),
             ("Banned", sum(r.banned for r in lasts)), ("Vulnerable", sum(r.vulnerable for r in lasts)),
             ("New since last", sum(v.new_since_last for v in views))]  # fmt: skip
    card_html = "".join(f"<div class=card>{_e(k)}<b>{n}</b></div>" for k, n in cards)
    sections = "".join(_site_section(v) for v in views)
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        f'<meta http-equiv="Content-Security-Policy" content="{_csp()}">'
        "<meta name=viewport content=\"width=device-width, initial-scale=1\">"
        f"<title>netfinger fleet</title><style>{STYLE}</style></head><body>"
        f"<h1>netfinger fleet</h1><div class=sub>latest sweep per site, "
        f"{_e(now.strftime('%Y-%m-%d %H:%M:%SZ'))}"
        f"</div><div class=cards>{card_html}</div>{_overview(views)}{sections}</body></html>\n"
    )

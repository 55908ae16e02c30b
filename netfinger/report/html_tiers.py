"""The HTML report's tier sections: banned hosts, then suspects with what would settle each verdict."""

from __future__ import annotations

from netfinger.report.cells import text_or_dash
from netfinger.report.html_chart import esc
from netfinger.report.model import HostReport


def _tier_rows(hosts: list[HostReport], suspect: bool) -> str:
    rows = []
    for h in hosts:
        v = h.verdict
        cells = [h.evidence.ip, h.evidence.mac, v.manufacturer, v.brand, v.model]
        if suspect and v.suspect:
            cells.append("; ".join(f"{s.rule} ({s.strength or '?'}): {s.value}" for s in v.suspect.signals))
            tail = "<br>".join(esc(x) for x in v.suspect.settle) or "-"
        else:
            tail = esc(", ".join(v.banned_by) or "-")
        tds = "".join(f'<td class="u">{esc(text_or_dash(c))}</td>' for c in cells)
        rows.append(f"<tr>{tds}<td>{tail}</td></tr>")
    return "".join(rows)


def tier_sections(hosts: list[HostReport]) -> str:
    """The banned hosts, then the suspects (what points at a regulated maker, what would settle it)."""
    banned = [h for h in hosts if h.verdict.status == "banned"]
    suspect = [h for h in hosts if h.verdict.status == "suspect"]
    head = "<th>IP</th><th>MAC</th><th>Maker</th><th>Brand</th><th>Model</th>"
    out = []
    if banned:
        out.append(
            f'<section class="tier" id="banned"><h2>Banned ({len(banned)})</h2><table><thead><tr>{head}'
            f"<th>Banned by</th></tr></thead><tbody>{_tier_rows(banned, False)}</tbody></table></section>"
        )
    if suspect:
        out.append(
            f'<section class="tier" id="suspect"><h2>Suspect ({len(suspect)})</h2><p class="meta">These '
            "point at a regulated maker, but nothing confirms it: no strong signal and no two independent "
            f"ones.</p><table><thead><tr>{head}<th>What points there</th><th>What would settle it</th>"
            f"</tr></thead><tbody>{_tier_rows(suspect, True)}</tbody></table></section>"
        )
    return "".join(out)

"""Terminal renderer: host tables (banned, then suspect, then the rest), a summary panel and, with
``--why``, each host's evidence.

Every string a device could have influenced goes into a ``rich.text.Text`` after :func:`visible`, so
rich markup is shown rather than interpreted and escape sequences are shown as ``\\x1b``.
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from netfinger.report.cells import (
    banned_cell,
    clip,
    confidence_cell,
    probe_problems,
    text_or_dash,
    vuln_label,
)
from netfinger.report.inert import visible
from netfinger.report.interface import Renderer, RenderOptions
from netfinger.report.model import HostReport, Report
from netfinger.report.order import (
    BANNED_RANK,
    SUSPECT_RANK,
    VULNERABLE_RANK,
    host_rank,
    ordered_hosts,
    ordered_outside,
    ordered_targets,
)

_ROW_STYLES = {BANNED_RANK: "bold red", SUSPECT_RANK: "magenta", VULNERABLE_RANK: "yellow"}
# (header, ratio): 0 means sized to content and never wrapped (addresses, verdict, confidence);
# device strings share the remaining width by ratio and fold.
_COLUMNS = (
    ("IP", 0),
    ("MAC", 0),
    ("Maker", 3),
    ("Brand", 3),
    ("Model", 4),
    ("Firmware", 3),
    ("Status", 0),
    ("Vulns", 5),
    ("Conf.", 0),
)


def _t(value: object, style: str = "") -> Text:
    """Inert text: never markup, control characters made visible."""
    return Text(visible(value), style=style)


def inert_lines(values: list[str]) -> Text:
    """One inert line per value (each made visible on its own, joined by real line breaks)."""
    return Text("\n").join(_t(v) for v in values) if values else _t("-")


OUTSIDE_TITLE = "Heard on the link from outside the targets (not contacted)"
SUSPECT_TITLE = "Suspect: points at a regulated maker, not confirmed"
_SUSPECT_COLUMNS = (("IP", 0), ("MAC", 0), ("Points at", 3), ("Brand", 3), ("Model", 3), ("Signals", 6),
                    ("To confirm", 8), ("Conf.", 0))  # fmt: skip


def _table(title: str, columns: tuple[tuple[str, int], ...]) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, pad_edge=False, expand=True)
    for name, ratio in columns:
        table.add_column(
            name, overflow="fold", no_wrap=not ratio, ratio=ratio or None, min_width=ratio * 3 or None
        )
    return table


def hosts_table(title: str, hosts: list[HostReport]) -> Table:
    """One section of hosts: maker, label, model, firmware, tier, vulnerabilities."""
    table = _table(f"{title} ({len(hosts)})", _COLUMNS)
    for host in hosts:
        v = host.verdict
        table.add_row(
            _t(text_or_dash(host.evidence.ip)),
            _t(text_or_dash(host.evidence.mac)),
            _t(text_or_dash(v.manufacturer)),
            _t(text_or_dash(v.brand)),
            _t(text_or_dash(v.model)),
            _t(text_or_dash(v.firmware)),
            _t(v.status),
            inert_lines(vuln_label(host)),
            _t(confidence_cell(host)),
            style=_ROW_STYLES.get(host_rank(host), ""),
        )
    return table


def suspects_table(hosts: list[HostReport]) -> Table:
    """The suspects: the regulated maker they point at, the signals that do, what would settle it."""
    table = _table(f"{SUSPECT_TITLE} ({len(hosts)})", _SUSPECT_COLUMNS)
    for host in hosts:
        v = host.verdict
        signals = [f"{s.rule} ({s.strength or '?'})" for s in v.suspect.signals] if v.suspect else []
        table.add_row(
            _t(text_or_dash(host.evidence.ip)),
            _t(text_or_dash(host.evidence.mac)),
            _t(text_or_dash(v.manufacturer)),
            _t(text_or_dash(v.brand)),
            _t(text_or_dash(v.model)),
            inert_lines(signals),
            inert_lines(list(v.suspect.settle) if v.suspect else []),
            _t(confidence_cell(host)),
            style=_ROW_STYLES[SUSPECT_RANK],
        )
    return table


def host_sections(report: Report) -> list[Table]:
    """Banned hosts, then suspects, then every other host (vulnerable first); empty sections left out."""
    hosts = ordered_targets(report)
    banned = [h for h in hosts if h.verdict.status == "banned"]
    suspect = [h for h in hosts if h.verdict.status == "suspect"]
    rest = [h for h in hosts if h.verdict.status not in ("banned", "suspect")]
    out = [hosts_table("Banned", banned)] if banned else []
    out += [suspects_table(suspect)] if suspect else []
    out += [hosts_table("Other hosts", rest)] if rest else []
    outside = ordered_outside(report)
    out += [hosts_table(OUTSIDE_TITLE, outside)] if outside else []
    return out


def _counts_line(label: str, counts: dict[str, int]) -> Text:
    line = Text(f"{label}: ", style="bold")
    parts = [f"{visible(name)} {n}" for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    line.append(", ".join(parts) if parts else "-")
    return line


def summary_panel(report: Report) -> Panel:
    s = report.summary()
    scan = report.scan
    lines = [
        Text.assemble(
            ("hosts ", "bold"),
            str(s["hosts"]),
            ("   banned ", "bold"),
            (str(s["banned"]), "red"),
            ("   suspect ", "bold"),
            (str(s["suspect"]), "magenta"),
            ("   vulnerable ", "bold"),
            (str(s["vulnerable"]), "yellow"),
        ),
        _counts_line("by maker", s["by_manufacturer"]),
        _counts_line("by brand", s["by_brand"]),
        _t(
            f"scan {text_or_dash(scan.start)} .. {text_or_dash(scan.end)}  targets "
            f"{', '.join(scan.targets) or '-'}  signatures {text_or_dash(scan.signatures_version)}"
        ),
    ]
    problems = probe_problems(scan)
    if problems:
        lines.append(_t("probes not completed: " + "; ".join(problems)))
    if scan.interrupted:
        lines.append(Text("scan was interrupted: results are partial", style="bold red"))
    return Panel(Group(*lines), title="Summary", expand=False)


def evidence_table(host: HostReport) -> Table:
    v = host.verdict
    title = _t(f"{text_or_dash(host.evidence.ip)}  {text_or_dash(v.manufacturer)} {text_or_dash(v.model)}")
    table = Table(title=title, box=box.MINIMAL, title_justify="left", expand=False)
    for name in ("Rule", "Field", "Value"):
        table.add_column(name, overflow="fold")
    if v.banned:
        table.add_row(_t("banned"), _t(""), _t(banned_cell(host)))
    if v.suspect:
        covered = ", ".join(v.suspect.covered_by) or "-"
        table.add_row(_t("suspect"), _t(""), _t(f"points at {text_or_dash(v.manufacturer)} ({covered})"))
        for hint in v.suspect.settle:
            table.add_row(_t("to confirm"), _t(""), _t(hint))
    for ref in v.evidence:
        table.add_row(_t(ref.rule), _t(ref.field), _t(clip(ref.value)))
    for finding in v.vulnerabilities:
        table.add_row(_t(finding.id), _t("basis"), _t(finding.basis or "-"))
    for note in v.notes:
        table.add_row(_t("note"), _t(""), _t(note))
    for anomaly in host.evidence.anomalies:
        table.add_row(_t("anomaly"), _t(""), _t(anomaly))
    if not table.row_count:
        table.add_row(_t("-"), _t("-"), _t("no evidence recorded"))
    return table


class TableRenderer(Renderer):
    name = "table"

    def render(self, report: Report, options: RenderOptions) -> str:
        console = Console(
            width=options.width,
            record=True,
            color_system="standard" if options.color else None,
            force_terminal=options.color,
            highlight=False,
            emoji=False,
            markup=False,
            file=io.StringIO(),
        )
        hosts: list[RenderableType] = [*host_sections(report)] or [Text("No hosts found.")]
        parts: list[RenderableType] = [*hosts, summary_panel(report)]
        if options.why:
            parts.extend(evidence_table(h) for h in ordered_hosts(report))
        for part in parts:
            console.print(part)
        return console.export_text(styles=options.color)

"""Terminal views of the history list and of a diff (rich, inert text, recorded to a string)."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from netfinger.history.diff import Change, DeviceEntry, ReportDiff
from netfinger.history.store import SweepRow
from netfinger.report.inert import visible
from netfinger.report.table import inert_lines

_KIND_WORDS = {
    "ip_changed": "IP changed",
    "manufacturer_changed": "maker changed",
    "brand_changed": "brand changed",
    "model_changed": "model changed",
    "firmware_changed": "firmware changed",
    "newly_banned": "newly banned",
    "no_longer_banned": "no longer banned",
    "new_vulnerability": "new vulnerability",
    "vulnerability_fixed": "vulnerability fixed",
}

# Share of the width for columns device strings land in; the others (IP, MAC) never wrap.
_RATIOS = {"Maker": 3, "Brand": 3, "Model": 4, "Firmware": 4, "Changes": 9}


def _t(value: object) -> Text:
    return Text(visible("-" if value is None or value == "" else value))


def to_text(parts: list[RenderableType], width: int = 120) -> str:
    console = Console(width=width, record=True, color_system=None, highlight=False, emoji=False,
                      markup=False, file=io.StringIO())  # fmt: skip
    for part in parts:
        console.print(part)
    return console.export_text()


def sweeps_table(rows: list[SweepRow], caption: str | None = None) -> Table:
    table = Table(title="Sweeps", box=box.SIMPLE_HEAD, pad_edge=False, caption=caption)
    # The end time is in --json; the table keeps to 120 columns.
    names = ("Id", "Site", "Sensor", "Start", "Targets", "Hosts", "Banned", "Vulnerable", "Note")
    for name in names:  # timestamps and counts stay on one line; names and targets fold
        table.add_column(name, overflow="fold", no_wrap=name not in ("Site", "Sensor", "Targets"),
                         min_width=8 if name in ("Site", "Sensor") else 18 if name == "Targets" else None)
    for r in rows:
        note = "interrupted" if r.interrupted else ""
        targets = ", ".join(r.targets)
        cells = (r.id, r.site, r.sensor, r.started, targets, r.hosts, r.banned, r.vulnerable, note)
        table.add_row(*(_t(c) for c in cells))
    return table


def describe_change(change: Change) -> str:
    words = _KIND_WORDS.get(change.kind, change.kind)
    if change.kind == "new_vulnerability":
        return f"{words}: {change.new}"
    if change.kind == "vulnerability_fixed":
        return f"{words}: {change.old}"
    if change.field == "banned":
        return words
    return f"{words}: {change.old} -> {change.new}"


def _entries_table(title: str, entries: list[DeviceEntry], with_changes: bool) -> Table:
    table = Table(
        title=f"{title} ({len(entries)})",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        title_justify="left",
        expand=True,
    )
    columns = ["IP", "MAC", "Maker", "Brand", "Model", "Firmware"] + (["Changes"] if with_changes else [])
    for name in columns:
        ratio = _RATIOS.get(name)
        table.add_column(
            name, overflow="fold", no_wrap=ratio is None, ratio=ratio, min_width=ratio and ratio * 3
        )
    for e in entries:
        v = e.host.verdict
        cells = [_t(e.host.evidence.ip), _t(e.host.evidence.mac), _t(v.manufacturer), _t(v.brand),
                 _t(v.model), _t(v.firmware)]  # fmt: skip
        if with_changes:
            cells.append(inert_lines([describe_change(c) for c in e.changes]))
        table.add_row(*cells)
    return table


def diff_view(diff: ReportDiff, old_label: str, new_label: str) -> list[RenderableType]:
    head = Text(visible(f"{old_label} -> {new_label}: "), style="bold")
    parts: list[RenderableType] = [head]
    if diff.signatures_changed:
        old_sig, new_sig = diff.signatures
        parts.append(
            _t(f"signatures changed ({old_sig or '?'} -> {new_sig or '?'}): identification and vulnerability "
               "changes may come from the update rather than from the devices")
        )  # fmt: skip
    if diff.empty:
        head.append("no new, gone or changed devices")
        return parts
    head.append(f"{len(diff.new)} new, {len(diff.gone)} gone, {len(diff.changed)} changed")
    if diff.new:
        parts.append(_entries_table("New", diff.new, with_changes=False))
    if diff.gone:
        parts.append(_entries_table("Gone", diff.gone, with_changes=False))
    if diff.changed:
        parts.append(_entries_table("Changed", diff.changed, with_changes=True))
    return parts

"""Where a scan's wall time goes (issue 16): start-up, discovery, unicast, matching, rendering, exit.

The scan is run with its plain progress lines on (stderr is a pipe, so ``LineProgress``) and its JSON
report on stdout; the bench stamps each line as it arrives (``measure.measure_lines``). The marks:

* start-up: process start to ``discovery: ...`` (printed as the probes start; the first packet follows)
* discovery: from there to the last discovery probe's outcome line
* unicast: from there to the last unicast probe's outcome line (the unicast work left once discovery
  has ended: hosts found late, and the slowest devices' answers)
* matching: from there to ``hosts found: N`` (printed once the report is built)
* rendering: from there to the last byte of the JSON report on stdout
* exit: from there to the process's exit (interpreter teardown)

Each phase is printed next to its floor (what it cannot go below) and its share of the target budget,
1.5x the listen window + 0.5 s, so a regression shows where it lives. Pure functions; unit-tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PHASES = ("start-up", "discovery", "unicast", "matching", "rendering", "exit")
_OUTCOME = re.compile(r"^netfinger: (?P<probe>[a-z]+): (?:completed|failed|skipped)\b")
_PHASE = re.compile(r"^netfinger: (?P<phase>discovery|unicast): (?P<probes>.*)$")
_HOSTS = re.compile(r"^netfinger: hosts found: \d+")


@dataclass(frozen=True)
class Floors:
    """What each phase cannot go below, in seconds (``None``: not measured)."""

    startup: float  # a bare interpreter start
    window: float  # the multicast listen window
    unicast: float  # 0: every host is known early in the window, so its unicast work can end inside it
    matching: float | None = None  # classifying the report's hosts with the signatures already loaded
    rendering: float | None = None  # rendering the report's JSON once

    def of(self, phase: str) -> float | None:
        return {"start-up": self.startup, "discovery": self.window, "unicast": self.unicast,
                "matching": self.matching, "rendering": self.rendering, "exit": None}[phase]


def budget(window: float) -> dict[str, float]:
    """The target (1.5x window + 0.5 s) split over the phases."""
    spare = 0.5 * window + 0.5
    shares = {"start-up": 0.3, "unicast": 0.6, "matching": 0.2, "rendering": 0.3, "exit": 0.1}  # 1.5 s
    scale = spare / sum(shares.values())
    return {"discovery": window, **{k: v * scale for k, v in shares.items()}}


def breakdown(lines: list[tuple[float, str]], stdout_end: float | None, exit_at: float) -> dict[str, float]:
    """Seconds per phase from time-stamped stderr lines (seconds since the process started)."""
    groups: dict[str, list[str]] = {}
    start: float | None = None
    hosts_at: float | None = None
    last: dict[str, float] = {}
    for at, line in lines:
        phase = _PHASE.match(line)
        if phase and phase["phase"] not in groups:
            groups[phase["phase"]] = [p.strip() for p in phase["probes"].split(",") if p.strip()]
            start = at if start is None else start
            continue
        outcome = _OUTCOME.match(line)
        if outcome:
            last[outcome["probe"]] = at
        elif _HOSTS.match(line):
            hosts_at = at
    if start is None:
        return {}
    done_discovery = max((last[p] for p in groups.get("discovery", []) if p in last), default=start)
    done_unicast = max((last[p] for p in groups.get("unicast", []) if p in last), default=done_discovery)
    done_unicast = max(done_unicast, done_discovery)
    hosts_at = hosts_at if hosts_at is not None else done_unicast
    rendered = stdout_end if stdout_end is not None and stdout_end >= hosts_at else hosts_at
    marks = [0.0, start, done_discovery, done_unicast, hosts_at, rendered, max(exit_at, rendered)]
    return {name: marks[i + 1] - marks[i] for i, name in enumerate(PHASES)}


def _cell(value: float | None) -> str:
    return "     -" if value is None else f"{value:6.2f}"


def render(runs: list[dict[str, float]], floors: Floors) -> str:
    """A table: each phase's median over ``runs`` (and range), its floor, and its budget share."""
    runs = [r for r in runs if r]
    if not runs:
        return "  phase breakdown: no progress lines read (was the scan run with --quiet?)\n"
    shares = budget(floors.window)
    out = [f"  {'phase':10} {'median':>7} {'range':>13}  {'floor':>6}  {'budget':>6}"]
    for name in PHASES:
        values = sorted(r[name] for r in runs)
        median = values[len(values) // 2]
        span = f"{values[0]:5.2f}-{values[-1]:5.2f}"
        out.append(f"  {name:10} {median:6.2f}s {span:>13}  {_cell(floors.of(name))}  {shares[name]:6.2f}")
    totals = sorted(sum(r.values()) for r in runs)
    target = 1.5 * floors.window + 0.5
    out.append(f"  {'total':10} {totals[len(totals) // 2]:6.2f}s {'':>13}  {'':>6}  {target:6.2f}")
    return "\n".join(out) + "\n"

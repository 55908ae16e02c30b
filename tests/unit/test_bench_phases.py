"""``make bench`` prints where a scan's time goes (issue 16): the breakdown is read from the scan's own
progress lines and printed with each phase's floor. What it checks is the printing, never the speed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from measure import measure_lines  # type: ignore[import-not-found]
from phases import PHASES, Floors, breakdown, budget, render  # type: ignore[import-not-found]

BENCH = Path(__file__).resolve().parents[2] / "bench"
LINES = [
    (0.21, "netfinger: discovery: arp, wsd, sweep"),
    (0.21, "netfinger: unicast: http, tcp"),
    (0.22, "netfinger: sweep: skipped: every target is on the scan interface's networks"),
    (1.30, "netfinger: arp: completed (250 replies, 1.1s)"),
    (2.25, "netfinger: wsd: completed (624 replies, 2.0s; 3 hosts answered only the unicast follow-up)"),
    (2.90, "netfinger: tcp: completed (192 replies, 2.7s)"),
    (2.95, "netfinger: http: failed: did not finish within 30s"),
    (3.10, "netfinger: hosts found: 250"),
]


def test_phases_come_from_the_progress_lines() -> None:
    phases = breakdown(LINES, stdout_end=3.35, exit_at=3.42)
    assert list(phases) == list(PHASES)
    assert phases == pytest.approx({"start-up": 0.21, "discovery": 2.04, "unicast": 0.70, "matching": 0.15,
                                    "rendering": 0.25, "exit": 0.07})
    assert sum(phases.values()) == pytest.approx(3.42)


def test_a_quiet_run_has_no_breakdown_and_says_why() -> None:
    assert breakdown([], None, 3.0) == {}
    assert "--quiet" in render([{}], Floors(0.03, 2.0, 0.5))


def test_the_table_names_every_phase_with_its_floor_and_budget() -> None:
    runs = [breakdown(LINES, 3.35, 3.42), breakdown([(t + 0.1, line) for t, line in LINES], 3.5, 3.6)]
    text = render(runs, Floors(startup=0.03, window=2.0, unicast=0.5, matching=0.11, rendering=0.2))
    rows = {line.split()[0]: line.split() for line in text.splitlines()[1:]}
    assert set(rows) == {*PHASES, "total"}
    assert rows["discovery"][1:] == ["2.04s", "2.04-", "2.04", "2.00", "2.00"]
    assert rows["start-up"][-2:] == ["0.03", "0.30"] and rows["exit"][-2:] == ["-", "0.10"]
    assert rows["total"][-1] == "3.50"  # 1.5x the 2 s window + 0.5 s
    assert sum(budget(2.0).values()) == pytest.approx(3.5)


def test_lines_are_stamped_as_they_arrive(tmp_path: Path) -> None:
    code = ("import sys, time\nprint('netfinger: discovery: arp', file=sys.stderr, flush=True)\n"
            "time.sleep(0.3)\nprint('{\"hosts\": []}', flush=True)\n"
            "print('netfinger: hosts found: 0', file=sys.stderr, flush=True)\n")
    out = tmp_path / "report.json"
    timed = measure_lines([sys.executable, "-c", code], str(out))
    assert timed.m.returncode == 0 and out.read_text() == '{"hosts": []}\n'
    (first, _), (second, last) = timed.lines
    assert last == "netfinger: hosts found: 0"
    assert second - first >= 0.3 and timed.stdout_end is not None and timed.stdout_end >= first + 0.3


def test_bench_help_runs() -> None:
    done = subprocess.run([sys.executable, str(BENCH / "bench.py"), "--help"], capture_output=True, text=True,
                          check=True, timeout=60)
    assert "phase breakdown" in done.stdout

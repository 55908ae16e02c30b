"""``make stress``: the lab tests N times on an idle machine and N times beside a CPU-bound load.

The load is one busy-loop process per core, each bounded in time (it ends by itself after the run's
time limit even if this script dies) and stopped when the run ends. Prints pass counts per test and
condition and the slowest run; exits 1 when any run failed. Root only (the lab tests need it).

    .venv/bin/python bench/stress.py --runs 20 [--tests tests/lab] [--conditions idle,loaded]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET  # our own pytest's junit file, not device input
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
RUN_LIMIT = 900.0  # seconds one run of the lab tests may take before it counts as failed
BUSY = "import time\nend = time.monotonic() + {limit}\nwhile time.monotonic() < end:\n    pass\n"


def start_load(limit: float) -> list[subprocess.Popen[bytes]]:
    """One busy loop per core, each ending by itself after ``limit`` seconds."""
    code = BUSY.format(limit=limit)
    return [subprocess.Popen([sys.executable, "-c", code]) for _ in range(os.cpu_count() or 1)]


def stop_load(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.kill()
    for proc in procs:
        proc.wait()


def one_run(tests: list[str], junit: Path, loaded: bool) -> tuple[float, dict[str, bool]]:
    load = start_load(RUN_LIMIT) if loaded else []
    started = time.monotonic()
    try:
        subprocess.run([*PYTEST, f"--junitxml={junit}", *tests], cwd=ROOT, timeout=RUN_LIMIT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        pass
    finally:
        stop_load(load)
    wall = time.monotonic() - started
    return wall, read_junit(junit)


def read_junit(path: Path) -> dict[str, bool]:
    """Test id -> passed, from pytest's junit XML (skipped tests are left out); failures are printed."""
    if not path.exists():
        return {}
    out: dict[str, bool] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        if case.find("skipped") is not None:
            continue
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        bad = case.find("failure")
        if bad is None:
            bad = case.find("error")
        out[name] = bad is None
        if bad is not None:
            print(f"  {name}: {(bad.get('message') or '')[:400]}", file=sys.stderr)
    return out


def main() -> int:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=raw)
    parser.add_argument("--runs", type=int, default=20, help="runs per condition (default 20)")
    parser.add_argument("--tests", nargs="+", default=["tests/lab"], help="pytest paths (default tests/lab)")
    parser.add_argument("--conditions", default="idle,loaded", help="idle, loaded or both (default)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("stress: the lab tests need root", file=sys.stderr)
        return 2
    conditions = [c.strip() for c in args.conditions.split(",") if c.strip()]
    passes: dict[tuple[str, str], int] = defaultdict(int)
    seen: dict[tuple[str, str], int] = defaultdict(int)
    slowest: dict[str, float] = defaultdict(float)
    failed_runs = 0
    with tempfile.TemporaryDirectory(prefix="nf-stress-") as tmp:
        for cond in conditions:
            for i in range(args.runs):
                wall, results = one_run(args.tests, Path(tmp) / f"{cond}-{i}.xml", cond == "loaded")
                slowest[cond] = max(slowest[cond], wall)
                bad = [t for t, ok in results.items() if not ok] or ([] if results else ["(no results)"])
                failed_runs += bool(bad)
                for test, ok in results.items():
                    seen[(test, cond)] += 1
                    passes[(test, cond)] += ok
                status = "ok" if not bad else "FAILED: " + ", ".join(bad)
                print(f"{cond} run {i + 1}/{args.runs}: {wall:.1f}s {status}", file=sys.stderr, flush=True)
    tests = sorted({t for t, _ in seen})
    width = max((len(t) for t in tests), default=10)
    print(f"{'test':{width}}  " + "  ".join(f"{c:>9}" for c in conditions))
    for test in tests:
        cells = "  ".join(f"{passes[(test, c)]:>4}/{seen[(test, c)]:<4}" for c in conditions)
        print(f"{test:{width}}  {cells}")
    for cond in conditions:
        print(f"slowest {cond} run: {slowest[cond]:.1f}s")
    print(f"runs with a failure: {failed_runs} of {args.runs * len(conditions)}")
    return 1 if failed_runs else 0


if __name__ == "__main__":
    sys.exit(main())

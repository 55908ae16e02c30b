"""History store and SIEM export figures (issue 14). Prints figures; asserts nothing.

  1. recording one 1,000-host sweep (hosts cut from a real lab scan, ~13 KB of JSON each), SQLite
     and PostgreSQL
  2. a store of 1,000 sweeps of 250 hosts (the compact sample hosts): `netfinger history` and
     `netfinger diff last~1 last` as a user runs them (wall time of the whole command, median of 3)
  3. exporting 10,000 hosts as OCSF and ECS: peak RSS of `netfinger report big.json --format ...`,
     and the render stage's own peak (tracemalloc) streamed vs built as one string

PostgreSQL is a throwaway cluster (tests/unit/pg_server.py: Unix socket only, stopped at the end).
Run: ``.venv/bin/python bench/storage.py [--sweeps 1000] [--hosts 250]``.
"""

from __future__ import annotations

import argparse
import copy
import ipaddress
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from netfinger.history.database import dispose_all
from netfinger.history.diff import diff_reports
from netfinger.history.refs import load_ref
from netfinger.history.store import list_sweeps, record_sweep
from netfinger.report import RENDERERS, RenderOptions
from netfinger.report.model import HostReport, Report
from netfinger.report.samples import large_report

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests" / "unit"))
from measure import Measurement  # noqa: E402 - bench/ and tests/unit/ are not packages
from pg_server import running_postgres  # noqa: E402

NF = str(ROOT / ".venv" / "bin" / "netfinger")
REAL = ROOT / "tests" / "unit" / "fixtures" / "default_site_report.json"


def real_hosts_report(count: int) -> Report:
    """``count`` hosts copied from a real lab scan, each with its own IP and MAC."""
    base = Report.from_dict(json.loads(REAL.read_text(encoding="utf-8")))
    hosts = []
    for i in range(count):
        host = copy.deepcopy(base.hosts[i % len(base.hosts)])
        host.evidence.ip = str(ipaddress.IPv4Address(int(ipaddress.IPv4Address("10.0.0.1")) + i))
        host.evidence.mac = ":".join(f"{b:02x}" for b in (2, 1, 0, (i >> 16) & 255, (i >> 8) & 255, i & 255))
        hosts.append(HostReport(evidence=host.evidence, verdict=host.verdict))
    return Report(scan=base.scan, hosts=hosts)


def measure(cmd: list[str]) -> Measurement:
    """``cmd`` measured from a small parent (bench/measure.py's main), so its peak RSS is its own."""
    out = subprocess.run([sys.executable, str(Path(__file__).with_name("measure.py")), *cmd],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    return Measurement(**json.loads(out))


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def record_one(db: str) -> None:
    report = real_hosts_report(1000)
    size = len(json.dumps(report.to_dict())) / 1e6
    record_sweep(db, large_report(1))  # the store exists and is migrated; the figure is the write
    times = []
    for n in range(3):
        report.scan.start = f"2026-11-0{n + 1}T02:00:00Z"
        times.append(timed(lambda r=report: record_sweep(db, r)))
    print(f"  record one 1,000-host sweep ({size:.1f} MB JSON): median {statistics.median(times):.2f} s "
          f"({', '.join(f'{t:.2f}' for t in times)})")


def fill(db: str, sweeps: int, hosts: int) -> None:
    report = large_report(hosts)
    start = time.perf_counter()
    for n in range(sweeps):
        report.scan.start = f"2026-{1 + n // 28 % 12:02d}-{1 + n % 28:02d}T{n // 336 % 24:02d}:00:00Z"
        record_sweep(db, report, uid=f"bench-{n}")
    wall = time.perf_counter() - start
    print(f"  fill {sweeps} sweeps x {hosts} hosts: {wall:.1f} s ({wall / sweeps * 1000:.0f} ms per sweep)")


def in_process(db: str) -> None:
    """The storage work alone, without the CLI's start-up (median of 3)."""
    listing = statistics.median(timed(lambda: list_sweeps(db)) for _ in range(3))

    def diff() -> None:
        diff_reports(load_ref("last~1", db)[0], load_ref("last", db)[0])

    diffing = statistics.median(timed(diff) for _ in range(3))
    print(f"  in-process: list_sweeps {listing:.3f} s, load last~1 + last and diff {diffing:.3f} s")


def _summary(cmd: list[str]) -> str:
    runs = [measure(cmd) for _ in range(3)]
    assert all(r.returncode == 0 for r in runs), cmd
    wall, cpu = statistics.median(r.wall_s for r in runs), statistics.median(r.cpu_s for r in runs)
    return f"median {wall:.2f} s wall, {cpu:.2f} s CPU, peak RSS {max(r.peak_rss_mb for r in runs):.0f} MB"


def commands(db: str) -> None:
    print(f"  (netfinger --version, the CLI's own start-up: {_summary([NF, '--version'])})")
    calls = (["history", "--db", db], ["history", "--db", db, "--json"],
             ["diff", "last~1", "last", "--db", db])  # fmt: skip
    for argv in calls:
        shown = " ".join(a if a != db else "DB" for a in argv)
        print(f"  netfinger {shown}: {_summary([NF, *argv])}")


def export(tmp: Path, hosts: int) -> None:
    report = large_report(hosts)
    big = tmp / "big.json"
    big.write_text(json.dumps(report.to_dict()), encoding="utf-8")
    print(f"  {hosts} hosts, report file {big.stat().st_size / 1e6:.1f} MB")
    for fmt in ("csv", "ocsf", "ecs"):
        m = measure([NF, "report", str(big), "--format", fmt, "-o", str(tmp / f"out.{fmt}")])
        out = (tmp / f"out.{fmt}").stat().st_size / 1e6
        print(f"  netfinger report --format {fmt}: {m.wall_s:.1f} s wall, {m.cpu_s:.1f} s CPU, "
              f"peak RSS {m.peak_rss_mb:.0f} MB, "
              f"output {out:.1f} MB")
    for fmt in ("ocsf", "ecs"):
        renderer, options = RENDERERS[fmt], RenderOptions(site="bench")
        tracemalloc.start()
        with (tmp / "stream.out").open("w", encoding="utf-8") as handle:
            for chunk in renderer.stream(report, options):
                handle.write(chunk)
        streamed = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        whole = len(renderer.render(report, options))
        built = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"  {fmt} render stage peak: streamed {streamed / 1e6:.2f} MB, "
              f"as one string {built / 1e6:.1f} MB ({whole / 1e6:.1f} MB of text)")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sweeps", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=250)
    parser.add_argument("--export-hosts", type=int, default=10000)
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the PostgreSQL cluster on kill
    with tempfile.TemporaryDirectory(prefix="nf-bench-") as tmp_name, running_postgres() as pg:
        tmp = Path(tmp_name)
        for backend, db_for in (("sqlite", lambda name: str(tmp / f"{name}.sqlite")),
                                ("postgresql", lambda name: pg.new_database())):
            print(f"{backend}:")
            record_one(db_for("one"))
            store = db_for("store")
            fill(store, args.sweeps, args.hosts)
            in_process(store)
            commands(store)
            dispose_all()
        print("export:")
        export(tmp, args.export_hosts)


if __name__ == "__main__":
    main()

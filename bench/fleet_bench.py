"""Fleet timings (root): ``make bench-fleet``; numbers go to docs/fleet.md.

1. A fleet lab of SITES sites (the default site: 36 hosts each). Each site's scan alone (the
   sensor's own ``netfinger scan`` in its namespace), then ``fleet sweep --wait`` of all sites at once
   through the sensors; the target is: sweep <= 1.5 x the slowest single scan + 5 s.
2. Ingest throughput: RESULTS results (copies of a real site report, new uids) pushed onto the
   result queues, timed until all are stored in PostgreSQL.
3. Dashboard render time over 500 stored sweeps (the sweeps of step 2 plus the real ones).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from netfinger import history
from netfinger.fleet.dashboard import render_dashboard
from netfinger.fleet.views import fleet_views
from netfinger.lab import fleet as fleet_lab
from netfinger.lab import hq

NF = str(Path(sys.executable).parent / "netfinger")


def _run(state: fleet_lab.FleetState, site: fleet_lab.FleetSite | None, *argv: str,
         timeout: float = 900) -> subprocess.CompletedProcess[str]:
    ns = site.scanner_ns if site else state.hq_ns
    return subprocess.run(["ip", "netns", "exec", ns, *argv], env={**os.environ, **state.env(site)},
                          capture_output=True, text=True, timeout=timeout, check=True)


def _single_scans(state: fleet_lab.FleetState) -> list[float]:
    out = []
    for site in state.sites:
        started = time.monotonic()
        _run(state, site, NF, "scan", "--quiet", "--json", "/dev/null", site.subnet)
        out.append(time.monotonic() - started)
    return out


def _push(state: fleet_lab.FleetState, db: str, count: int) -> float:
    rows = history.list_sweeps(db, limit=1)
    sample = history.load_sweep(db, rows[-1].id).to_dict()
    text = json.dumps(sample, separators=(",", ":"))
    script = (
        "import os,sys\nfrom netfinger.fleet.app import make_app\n"
        "app=make_app(os.environ['NETFINGER_BROKER']);text=sys.stdin.read();n=int(sys.argv[1])\n"
        "sites=sys.argv[2].split(',')\n"
        "for i in range(n):\n s=sites[i%len(sites)]\n"
        " app.send_task('netfinger.result',queue='netfinger.results.'+s,kwargs={'uid':f'{s}:bench{i}',"
        "'site':s,'sensor':'bench','kind':'scan','report':text})\n"
    )
    before = len(history.list_sweeps(db))
    started = time.monotonic()
    subprocess.run(["ip", "netns", "exec", state.hq_ns, sys.executable, "-c", script, str(count),
                    ",".join(s.site for s in state.sites)], input=text, env={**os.environ, **state.env(None)},
                   text=True, check=True, timeout=600)  # fmt: skip
    while len(history.list_sweeps(db)) < before + count:
        time.sleep(0.2)
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sites", type=int, default=8)
    parser.add_argument("--results", type=int, default=480)
    parser.add_argument("--name", default="fbench")
    args = parser.parse_args()
    if fleet_lab.is_fleet(args.name):
        fleet_lab.down(args.name)
    state = fleet_lab.up(args.sites, args.name)
    procs: list[subprocess.Popen[bytes]] = []
    try:
        assert state.postgres is not None
        db = hq.pg_socket_url(state.postgres)
        env = {**os.environ, **state.env(None)}
        procs.append(subprocess.Popen(["ip", "netns", "exec", state.hq_ns, NF, "fleet", "ingest"], env=env,
                                      stderr=subprocess.DEVNULL))  # fmt: skip
        for site in state.sites:
            procs.append(subprocess.Popen(["ip", "netns", "exec", site.scanner_ns, NF, "sensor", "--site",
                                           site.site], env={**os.environ, **state.env(site)},
                                          stderr=subprocess.DEVNULL))  # fmt: skip
        singles = _single_scans(state)
        started = time.monotonic()
        _run(state, None, NF, "fleet", "sweep", "--wait", "--timeout", "900")
        sweep = time.monotonic() - started
        target = 1.5 * max(singles) + 5
        print(f"sites: {args.sites} x {len(fleet_lab.site_lab(state.sites[0]).devices)} devices")
        median = sorted(singles)[len(singles) // 2]
        print(f"single-site scans: median {median:.1f}s, slowest {max(singles):.1f}s")
        verdict = "met" if sweep <= target else "MISSED"
        print(f"fleet sweep --wait: {sweep:.1f}s (target <= {target:.1f}s: {verdict})")
        pushed = _push(state, db, args.results)
        print(f"ingest: {args.results} results in {pushed:.1f}s = {args.results / pushed:.1f} sweeps/s")
        total = len(history.list_sweeps(db))
        started = time.monotonic()
        page = render_dashboard(fleet_views(db))
        print(f"dashboard over {total} stored sweeps: {time.monotonic() - started:.2f}s, {len(page)} bytes")
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
        fleet_lab.down(args.name)
    return 0


if __name__ == "__main__":
    sys.exit(main())

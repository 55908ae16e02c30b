"""netfinger vs nmap on the same emulated site (issue 6). Prints figures; asserts nothing.

Scenarios (each: its own lab up, measured from the lab's scanner namespace, lab down):
  1. 250 devices on a /24: netfinger full scan (--repeat times) vs nmap -sV with the
     WS-Discovery/UPnP broadcast scripts
  2. 250 devices spread over a /16: netfinger (nmap too with --nmap-sparse, capped at 15 minutes)
  3. 1,000 devices on a /22: netfinger only
  4. the 250-device /24 with 0, 10 and 20 % of the frames towards the scanner dropped on the wire
     (``netfinger lab loss``): maker recall and firmware recall per loss rate
  5. the field site (routed camera subnets, factory-default units, IPv6): see ``field.py``

Each netfinger run also gets a phase breakdown (``phases.py``): start-up, discovery, unicast, matching,
rendering and exit, each next to its floor and its share of the target (1.5x the listen window + 0.5 s).

Run as root: ``make bench`` or ``.venv/bin/python bench/bench.py [--only 1,2,3] [--repeat N] [--no-nmap]``.
Recall counts devices the lab's ground truth (``lab status --json``: devices[].expect.manufacturer)
says are Hikvision or Dahua and the tool attributes to that maker; a false positive is a host
attributed to a maker the ground truth does not name for it. nmap is read two ways (see
``nmap_score.py``): from its service/script output, and with its MAC-vendor column added.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import field as field_bench
from measure import Measurement, measure, measure_lines
from nmap_score import read_nmap
from phases import Floors, breakdown, render

ROOT = Path(__file__).resolve().parent.parent
NF = str(ROOT / ".venv" / "bin" / "netfinger")
BANNED_MAKERS = {"Hikvision", "Dahua"}
NMAP_PORTS = "80,443,554,8000,37777"
LISTEN_WINDOW = 2.0  # netfinger's default --timeout (multicast listen window), for the floor figure


@dataclass
class Outcome:
    tool: str
    scenario: str
    m: Measurement
    found: int
    correct: int
    expected: int
    false_pos: int
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


def slug(text: str) -> str:
    return "".join(ch if ch.isalnum() else "_" for ch in text)


def sh(*cmd: str) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def lab_name() -> str:
    """A lab name of this process only, so a bench never touches someone else's lab."""
    from netfinger.lab.state import unique_lab_name

    return unique_lab_name("bn")


def lab_up(name: str, scale: int, spread: str | None) -> dict[str, Any]:
    args = [NF, "lab", "up", "--name", name, "--scale", str(scale)]
    if spread:
        args += ["--spread", spread]
    up = measure(args, stdout=subprocess.DEVNULL)
    if up.returncode:
        raise SystemExit(f"bench: lab up failed (exit {up.returncode})")
    state: dict[str, Any] = json.loads(sh(NF, "lab", "status", "--name", name, "--json"))
    state["_up_seconds"] = up.wall_s
    return state


def truth(state: dict[str, Any]) -> dict[str, str | None]:
    return {d["ip"]: (d.get("expect") or {}).get("manufacturer") for d in state["devices"]}


def score(attributed: dict[str, str], expected: dict[str, str | None]) -> tuple[int, int, int]:
    want = {ip for ip, maker in expected.items() if maker in BANNED_MAKERS}
    correct = sum(1 for ip, maker in attributed.items() if ip in want and expected[ip] == maker)
    false_pos = sum(1 for ip, maker in attributed.items() if expected.get(ip) != maker)
    return correct, len(want), false_pos


def run_netfinger(state: dict[str, Any], scenario: str, workdir: Path, run: int) -> Outcome:
    """One scan, its JSON report on stdout and its progress lines on stderr (for the phase breakdown)."""
    out = workdir / f"nf-{slug(scenario)}-{run}.json"
    cmd = ["ip", "netns", "exec", state["scanner_ns"], NF, "scan", state["subnet"], "--json", "-"]
    timed = measure_lines(cmd, str(out))
    m = timed.m
    report = json.loads(out.read_text())
    attributed = {
        h["ip"]: h["manufacturer"] for h in report["hosts"] if h.get("manufacturer") in BANNED_MAKERS
    }
    correct, expected, fp = score(attributed, truth(state))
    phases = breakdown(timed.lines, timed.stdout_end, m.wall_s)
    return Outcome("netfinger", scenario, m, len(report["hosts"]), correct, expected, fp, phases)


def nmap_command(state: dict[str, Any], out: Path) -> list[str]:
    return ["ip", "netns", "exec", state["scanner_ns"], "nmap", "-n", "-sV", "-T4", "-p", NMAP_PORTS,
            "--script", "broadcast-wsdd-discover,broadcast-upnp-info", "-oX", str(out), state["subnet"]]


def run_nmap(state: dict[str, Any], scenario: str, workdir: Path, timeout: float | None) -> list[Outcome]:
    """nmap once; two outcomes: attribution from services/scripts, and with the MAC vendor added."""
    out = workdir / f"nmap-{slug(scenario)}.xml"
    m = measure(nmap_command(state, out), timeout=timeout)
    result = read_nmap(out)
    outcomes = []
    devices = truth(state)
    found = len(result.up & set(devices))  # nmap also lists the scanner's own address as up
    for label, attributed in (("nmap", result.services), ("nmap+mac", result.mac)):
        correct, expected, fp = score(attributed, devices)
        outcomes.append(Outcome(label, scenario, m, found, correct, expected, fp))
    return outcomes


def interpreter_start() -> float:
    """Seconds a bare interpreter of the venv takes to start and exit (the start-up floor), best of 5."""
    return min(measure([sys.executable, "-c", "pass"]).wall_s for _ in range(5))


def floors(report_path: Path, startup: float) -> Floors:
    """The phases' floors on this machine now: matching (signatures already loaded) and rendering of the
    scan's own report, timed in this process."""
    from netfinger.match import default_matcher
    from netfinger.report import RENDERERS, RenderOptions
    from netfinger.report.model import Report

    report = Report.from_dict(json.loads(report_path.read_text()))
    matcher = default_matcher()
    started = time.perf_counter()
    for host in report.hosts:
        matcher.classify(host.evidence)
    matching = time.perf_counter() - started
    started = time.perf_counter()
    RENDERERS["json"].render(report, RenderOptions())
    rendering = time.perf_counter() - started
    return Floors(startup=startup, window=LISTEN_WINDOW, unicast=0.0, matching=matching,
                  rendering=rendering)


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def print_outcome(o: Outcome) -> None:
    killed = "  (stopped at the time limit)" if o.m.returncode < 0 else ""
    print(
        f"  {o.tool:9} wall {o.m.wall_s:7.2f} s  cpu {o.m.cpu_s:7.2f} s  peak {o.m.peak_rss_mb:6.1f} MB  "
        f"hosts {o.found:5}  Hik/Dahua recall {o.correct}/{o.expected} ({o.recall:.0%})  "
        f"false positives {o.false_pos}  exit {o.m.returncode}{killed}  load {load()}",
        flush=True,
    )


def median_run(runs: list[Outcome]) -> Outcome:
    ordered = sorted(runs, key=lambda o: o.m.wall_s)
    return ordered[len(ordered) // 2]


@dataclass
class Plan:
    name: str
    scale: int
    spread: str | None
    nmap: bool
    nmap_timeout: float | None
    repeat: int


def scenario(plan: Plan, workdir: Path) -> list[Outcome]:
    lab = lab_name()
    try:
        state = lab_up(lab, plan.scale, plan.spread)
        print(f"\n[{plan.name}] {len(state['devices'])} devices on {state['subnet']} "
              f"(lab {lab} up in {state['_up_seconds']:.1f} s)", flush=True)
        runs = []
        for run in range(plan.repeat):
            runs.append(run_netfinger(state, plan.name, workdir, run))
            print_outcome(runs[-1])
        nf = median_run(runs)
        if plan.repeat > 1:
            walls = [r.m.wall_s for r in runs]
            print(f"  netfinger median wall {statistics.median(walls):.2f} s (min {min(walls):.2f}, "
                  f"max {max(walls):.2f}); every run found {min(r.found for r in runs)}+ hosts, "
                  f"recall {min(r.correct for r in runs)}+/{nf.expected}")
        if nf.phases:
            where = workdir / f"nf-{slug(plan.name)}-{runs.index(nf)}.json"
            print(f"  phase breakdown (seconds; {plan.repeat} run(s)):", flush=True)
            print(render([r.phases for r in runs], floors(where, interpreter_start())), end="", flush=True)
        results = [nf]
        if plan.nmap:
            results += run_nmap(state, plan.name, workdir, plan.nmap_timeout)
            for o in results[1:]:
                print_outcome(o)
            nm = results[1]
            print(f"  ratio nmap/netfinger (median run): wall {nm.m.wall_s / nf.m.wall_s:.1f}x  "
                  f"cpu {nm.m.cpu_s / max(nf.m.cpu_s, 0.01):.1f}x")
        return results
    finally:
        subprocess.run([NF, "lab", "down", "--name", lab], capture_output=True, check=False)


LOSS_RATES = (0, 10, 20)


def firmware_recall(report: dict[str, Any], state: dict[str, Any]) -> tuple[int, int]:
    """Hosts whose reported firmware is the one the lab's ground truth gives (of those that have one)."""
    want = {d["ip"]: (d.get("expect") or {}).get("firmware") for d in state["devices"]}
    got = {h["ip"]: h.get("firmware") for h in report["hosts"]}
    expected = {ip: fw for ip, fw in want.items() if fw}
    return sum(1 for ip, fw in expected.items() if got.get(ip) == fw), len(expected)


def loss_scenario(repeat: int, workdir: Path) -> list[Outcome]:
    """The /24 x250 lab at each loss rate: maker and firmware recall, min over ``repeat`` runs."""
    lab = lab_name()
    results: list[Outcome] = []
    try:
        state = lab_up(lab, 250, None)
        print(f"\n[loss] {len(state['devices'])} devices on {state['subnet']}", flush=True)
        for pct in LOSS_RATES:
            if pct:
                sh(NF, "lab", "loss", "--name", lab, "--percent", str(pct))
            else:
                sh(NF, "lab", "loss", "--name", lab, "--clear")
            runs, firmware = [], []
            for run in range(repeat):
                runs.append(run_netfinger(state, f"loss {pct}%", workdir, run))
                report = json.loads((workdir / f"nf-{slug(f'loss {pct}%')}-{run}.json").read_text())
                firmware.append(firmware_recall(report, state))
            nf = median_run(runs)
            fw_min = min(f[0] for f in firmware)
            hosts, recall = min(r.found for r in runs), min(r.correct for r in runs)
            print(f"  loss {pct:2d} %: median wall {nf.m.wall_s:.2f} s, hosts {hosts}+"
                  f"/{len(state['devices'])}, Hik/Dahua recall {recall}+/{nf.expected}, "
                  f"firmware {fw_min}+/{firmware[0][1]}, false positives {max(r.false_pos for r in runs)} "
                  f"(worst of {repeat} runs)", flush=True)
            results.append(nf)
        return results
    finally:
        subprocess.run([NF, "lab", "down", "--name", lab], capture_output=True, check=False)


def field_scenario(workdir: Path, nmap: bool) -> None:
    """Scenario 5: the field site, one lab for every figure."""
    lab = lab_name()
    try:
        up = measure([NF, "lab", "up", "--name", lab, "--site", "field"])
        if up.returncode:
            raise SystemExit(f"bench: lab up --site field failed (exit {up.returncode})")
        state: dict[str, Any] = json.loads(sh(NF, "lab", "status", "--name", lab, "--json"))
        print(f"\n[field] {len(state['devices'])} devices: scanner segment {state['subnet']}, routed "
              f"{', '.join(state['routed_subnets'])} (lab {lab} up in {up.wall_s:.1f} s)", flush=True)
        field_bench.identification(NF, state, workdir)
        field_bench.offlink_16(NF, state, workdir, nmap)
    finally:
        subprocess.run([NF, "lab", "down", "--name", lab], capture_output=True, check=False)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.machine())
    mem = next((int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0)
    return (f"machine: {os.cpu_count()} cores ({cpu}), {mem / 1024 / 1024:.0f} GiB RAM, "
            f"python {platform.python_version()}, {sh('nmap', '--version').splitlines()[0]}")


def summary(results: list[Outcome]) -> None:
    nf = {o.scenario: o for o in results if o.tool == "netfinger"}
    print()
    if "/24 x250" in nf:
        ratio = nf["/24 x250"].m.wall_s / LISTEN_WINDOW
        print(f"/24 wall vs listen window ({LISTEN_WINDOW:.1f} s): {ratio:.2f}x")
    if "/24 x250" in nf and "/16 sparse x250" in nf:
        print(f"/16 sparse vs /24 time: {nf['/16 sparse x250'].m.wall_s / nf['/24 x250'].m.wall_s:.1f}x")
    if "/24 x250" in nf and "/22 x1000" in nf:
        per24 = nf["/24 x250"].m.wall_s / 250
        per22 = nf["/22 x1000"].m.wall_s / 1000
        print(f"time per device: {per24 * 1000:.1f} ms (250) vs {per22 * 1000:.1f} ms (1000); "
              f"peak memory at 1000: {nf['/22 x1000'].m.peak_rss_mb:.0f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default="1,2,3,4,5", help="scenarios to run, e.g. 1,3")
    parser.add_argument("--repeat", type=int, default=3, help="netfinger runs per scenario (median shown)")
    parser.add_argument("--no-nmap", action="store_true", help="skip nmap on the /24 (it takes many minutes)")
    parser.add_argument("--nmap-timeout", type=float, default=None, metavar="S",
                        help="stop nmap on the /24 after S seconds")
    parser.add_argument("--nmap-sparse", action="store_true", help="also run nmap on the /16 (up to 15 min)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("bench: needs root (the lab is built from network namespaces)", file=sys.stderr)
        return 3
    print(machine(), flush=True)
    # An installed netfinger has byte code from pip; a checkout run with PYTHONDONTWRITEBYTECODE would
    # compile every module on every run (0.2 s) and measure the compiler, not the scanner.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "netfinger")],
                   check=False, stdout=subprocess.DEVNULL)
    only = {s.strip() for s in args.only.split(",")}
    plans = [
        Plan("/24 x250", 250, None, not args.no_nmap, args.nmap_timeout, args.repeat),
        Plan("/16 sparse x250", 250, "/16", args.nmap_sparse, 900, args.repeat),
        Plan("/22 x1000", 1000, None, False, None, args.repeat),
    ]
    results: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="nf-bench-") as tmp:
        for number, plan in enumerate(plans, start=1):
            if str(number) in only:
                results += scenario(plan, Path(tmp))
        if "4" in only:
            results += loss_scenario(args.repeat, Path(tmp))
        if "5" in only:
            field_scenario(Path(tmp), not args.no_nmap)
    summary(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""netfinger vs nmap on the same emulated site (issue 6). Prints figures; asserts nothing.

Scenarios (each: lab up, measure from the scanner namespace, lab down):
  1. 250 devices on a /24: netfinger full scan vs nmap -sV with the WS-Discovery/UPnP broadcast scripts
  2. 250 devices spread over a /16: netfinger (nmap too with --nmap-sparse, capped at 15 minutes)
  3. 1,000 devices on a /22: netfinger only

Run as root: ``make bench`` or ``.venv/bin/python bench/bench.py [--only 1,2,3]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET  # our own nmap output, not device input
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import Measurement, measure

ROOT = Path(__file__).resolve().parent.parent
NF = str(ROOT / ".venv" / "bin" / "netfinger")
BANNED_MAKERS = {"Hikvision", "Dahua"}
NMAP_PORTS = "80,443,554,8000,37777"


@dataclass
class Outcome:
    tool: str
    scenario: str
    m: Measurement
    found: int
    correct: int
    expected: int
    false_pos: int

    @property
    def recall(self) -> float:
        return self.correct / self.expected if self.expected else 1.0


def sh(*cmd: str) -> str:
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def lab_up(name: str, scale: int, spread: str | None) -> dict:
    args = [NF, "lab", "up", "--name", name, "--scale", str(scale)]
    if spread:
        args += ["--spread", spread]
    subprocess.run([NF, "lab", "down", "--name", name], capture_output=True, check=False)
    up = measure(args, stdout=subprocess.DEVNULL)
    state = json.loads(sh(NF, "lab", "status", "--name", name, "--json"))
    state["_up_seconds"] = up.wall_s
    return state


def truth(state: dict) -> dict[str, str | None]:
    return {d["ip"]: (d.get("expect") or {}).get("manufacturer") for d in state["devices"]}


def score(attributed: dict[str, str], expected: dict[str, str | None]) -> tuple[int, int, int]:
    want = {ip for ip, maker in expected.items() if maker in BANNED_MAKERS}
    correct = sum(1 for ip, maker in attributed.items() if ip in want and expected[ip] == maker)
    false_pos = sum(1 for ip, maker in attributed.items() if expected.get(ip) != maker)
    return correct, len(want), false_pos


def run_netfinger(state: dict, scenario: str, workdir: Path) -> Outcome:
    out = workdir / f"nf-{scenario}.json"
    m = measure(
        [
            "ip",
            "netns",
            "exec",
            state["scanner_ns"],
            NF,
            "scan",
            state["subnet"],
            "--quiet",
            "--format",
            "json",
            "--json",
            str(out),
        ]
    )
    report = json.loads(out.read_text())
    attributed = {
        h["ip"]: h["manufacturer"] for h in report["hosts"] if h.get("manufacturer") in BANNED_MAKERS
    }
    correct, expected, fp = score(attributed, truth(state))
    return Outcome("netfinger", scenario, m, len(report["hosts"]), correct, expected, fp)


def nmap_attribution(xml_path: Path) -> tuple[int, dict[str, str]]:
    tree = ET.parse(xml_path)
    found = 0
    attributed: dict[str, str] = {}
    for host in tree.getroot().iter("host"):
        status = host.find("status")
        if status is None or status.get("state") != "up":
            continue
        found += 1
        addr = next((a.get("addr") for a in host.iter("address") if a.get("addrtype") == "ipv4"), None)
        text = " ".join(
            " ".join(v for v in el.attrib.values())
            for el in host.iter()
            if el.tag in {"service", "script", "elem"}
        ).lower()
        text += " ".join((el.text or "") for el in host.iter("elem")).lower()
        for maker in BANNED_MAKERS:
            if maker.lower() in text and addr:
                attributed[addr] = maker
    # broadcast script results appear under <prescript>; attribute by the IP they name
    for script in tree.getroot().iter("script"):
        out = (script.get("output") or "").lower()
        for maker in BANNED_MAKERS:
            if maker.lower() in out:
                for token in out.replace("\n", " ").split():
                    if token.count(".") == 3 and token.replace(".", "").isdigit():
                        attributed.setdefault(token, maker)
    return found, attributed


def run_nmap(state: dict, scenario: str, workdir: Path, timeout: float | None = None) -> Outcome:
    out = workdir / f"nmap-{scenario}.xml"
    cmd = [
        "ip",
        "netns",
        "exec",
        state["scanner_ns"],
        "nmap",
        "-n",
        "-sV",
        "-T4",
        "-p",
        NMAP_PORTS,
        "--script",
        "broadcast-wsdd-discover,broadcast-upnp-info",
        "-oX",
        str(out),
        state["subnet"],
    ]
    m = measure(cmd, timeout=timeout)
    found, attributed = nmap_attribution(out) if out.exists() and out.stat().st_size else (0, {})
    correct, expected, fp = score(attributed, truth(state))
    return Outcome("nmap", scenario, m, found, correct, expected, fp)


def print_outcome(o: Outcome) -> None:
    print(
        f"  {o.tool:9} wall {o.m.wall_s:7.2f} s  cpu {o.m.cpu_s:7.2f} s  peak {o.m.peak_rss_mb:7.1f} MB  "
        f"hosts {o.found:5}  Hik/Dahua recall {o.correct}/{o.expected} ({o.recall:.0%})  "
        f"false positives {o.false_pos}  exit {o.m.returncode}"
    )


def scenario(
    name: str,
    scale: int,
    spread: str | None,
    with_nmap: bool,
    workdir: Path,
    nmap_timeout: float | None = None,
) -> list[Outcome]:
    lab = "bench"
    try:
        state = lab_up(lab, scale, spread)
        print(
            f"\n[{name}] {len(state['devices'])} devices on {state['subnet']} "
            f"(lab up {state['_up_seconds']:.1f} s)"
        )
        results = [run_netfinger(state, name, workdir)]
        print_outcome(results[0])
        if with_nmap:
            results.append(run_nmap(state, name, workdir, nmap_timeout))
            print_outcome(results[1])
            nf, nm = results
            print(
                f"  ratio nmap/netfinger: wall {nm.m.wall_s / nf.m.wall_s:.1f}x  cpu "
                f"{nm.m.cpu_s / max(nf.m.cpu_s, 0.01):.1f}x"
            )
        return results
    finally:
        subprocess.run([NF, "lab", "down", "--name", lab], capture_output=True, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", default="1,2,3", help="scenarios to run, e.g. 1,3")
    parser.add_argument("--nmap-sparse", action="store_true", help="also run nmap on the /16 (up to 15 min)")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("bench: needs root (the lab is built from network namespaces)", file=sys.stderr)
        return 3
    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cores, "
        f"python {platform.python_version()}, {sh('nmap', '--version').splitlines()[0]}"
    )
    only = {s.strip() for s in args.only.split(",")}
    all_results: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="nf-bench-") as tmp:
        work = Path(tmp)
        if "1" in only:
            all_results += scenario("/24 x250", 250, None, True, work)
        if "2" in only:
            all_results += scenario("/16 sparse x250", 250, "/16", args.nmap_sparse, work, nmap_timeout=900)
        if "3" in only:
            all_results += scenario("/22 x1000", 1000, None, False, work)
    nf = {o.scenario: o for o in all_results if o.tool == "netfinger"}
    if "/24 x250" in nf and "/16 sparse x250" in nf:
        print(f"\n/16 sparse vs /24 time: {nf['/16 sparse x250'].m.wall_s / nf['/24 x250'].m.wall_s:.1f}x")
    if "/24 x250" in nf and "/22 x1000" in nf:
        per24 = nf["/24 x250"].m.wall_s / 250
        per22 = nf["/22 x1000"].m.wall_s / 1000
        print(f"time per device: {per24 * 1000:.1f} ms (250) vs {per22 * 1000:.1f} ms (1000)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

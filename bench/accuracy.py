"""Accuracy of the verdict tiers, written to docs/accuracy.md: ``.venv/bin/python bench/accuracy.py``.

With the current signatures it measures:

* false positives on the look-alike corpus (``tests/unit/match_cases/{lookalikes,traps,unseen_traps}.yaml``):
  how many come out banned, and how many suspect;
* banned recall on the lab's default site (the saved scan ``tests/unit/fixtures/default_site_report.json``
  against each device profile's ``expect``);
* banned recall on every match case a baseline git ref (default ``main``) expected ``banned: true``, and
  for each case that is no longer banned, its tier and why (the verdict's notes).

``--baseline-python PY --baseline-src DIR`` also runs the baseline checkout's matcher on the look-alikes,
so the table shows what this change removed. Nothing is sent anywhere: all of it is re-matching.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from netfinger.evidence import HostEvidence, Observation
from netfinger.match import default_matcher, signatures_version
from netfinger.match.interface import Verdict
from netfinger.protocols.wsd import parse_scope
from netfinger.report.model import Report

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "unit" / "match_cases"
SITE = ROOT / "netfinger" / "lab" / "sites" / "default"
FIXTURE = ROOT / "tests" / "unit" / "fixtures" / "default_site_report.json"
LOOKALIKE_FILES = ("lookalikes.yaml", "traps.yaml", "unseen_traps.yaml")
BASELINE_ARGS = " --baseline-python ../main/.venv/bin/python --baseline-src ../main"
_BASELINE_SNIPPET = """
import json, sys
from netfinger.evidence import HostEvidence, Observation
from netfinger.match import default_matcher
m = default_matcher()
for line in sys.stdin:
    d = json.loads(line)
    host = HostEvidence(ip="192.0.2.10", mac=d["mac"], observations=[Observation(f, v) for f, v in d["obs"]])
    v = m.classify(host)
    print(json.dumps({"banned": v.banned, "maker": v.manufacturer}))
"""


@dataclass(frozen=True)
class Case:
    file: str
    name: str
    mac: str | None
    observations: tuple[tuple[str, str], ...]
    expect: dict[str, Any]

    def host(self) -> HostEvidence:
        obs = [Observation(f, v) for f, v in self.observations]
        return HostEvidence(ip="192.0.2.10", mac=self.mac, observations=obs)


def _observations(raw: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    out = [(str(f), str(v)) for f, v in raw.get("observations") or []]
    for uri in raw.get("scopes") or []:
        scope = parse_scope(str(uri))
        out.append(("wsd.scope", scope.uri))
        if scope.category:
            out.append((f"wsd.scope.{scope.category}", scope.value))
    return tuple(out)


def load_cases(files: list[Path]) -> list[Case]:
    return [
        Case(p.name, str(c["name"]), c.get("mac"), _observations(c), dict(c.get("expect") or {}))
        for p in files
        for c in yaml.safe_load(p.read_text(encoding="utf-8")) or []
    ]


def _git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True).stdout


def baseline_banned(ref: str) -> dict[tuple[str, str], bool]:
    """(file, case) -> ``expect.banned`` in the match cases as they were at ``ref``."""
    out: dict[tuple[str, str], bool] = {}
    where = f"{ref}:tests/unit/match_cases"
    for name in _git("ls-tree", "--name-only", where).split():
        text = _git("show", f"{where}/{name}")
        for case in yaml.safe_load(text) or []:
            out[(name, str(case["name"]))] = bool((case.get("expect") or {}).get("banned"))
    return out


def run_baseline(python: str, src: str, cases: list[Case]) -> list[bool]:
    lines = "".join(json.dumps({"mac": c.mac, "obs": c.observations}) + "\n" for c in cases)
    done = subprocess.run([python, "-c", _BASELINE_SNIPPET], input=lines, capture_output=True, text=True,
                          cwd=src, check=True, timeout=600)  # fmt: skip
    return [bool(json.loads(line)["banned"]) for line in done.stdout.splitlines()]


def default_site() -> list[tuple[str, bool, Verdict]]:
    """(profile, expected banned, verdict) for every default-site profile in the saved scan."""
    report = Report.from_dict(json.loads(FIXTURE.read_text(encoding="utf-8")))
    hosts = {h.evidence.mac: h.evidence for h in report.hosts if h.evidence.mac}
    out = []
    for path in sorted(SITE.glob("*.yaml")):
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(doc, dict) and "expect" in doc and doc["mac"] in hosts:
            verdict = default_matcher().classify(hosts[doc["mac"]])
            out.append((str(doc["name"]), bool(doc["expect"]["banned"]), verdict))
    return out


def _pct(part: int, whole: int) -> str:
    return f"{100.0 * part / whole:.1f} %" if whole else "n/a"


def _why(verdict: Verdict) -> str:
    notes = [n for n in verdict.notes if n.startswith(("suspect:", "only weak", "OUI only"))]
    return "; ".join(notes) or "-"


def lookalike_section(cases: list[Case], before: list[bool] | None) -> list[str]:
    verdicts = [default_matcher().classify(c.host()) for c in cases]
    banned = [c for c, v in zip(cases, verdicts, strict=True) if v.banned]
    suspect = [c for c, v in zip(cases, verdicts, strict=True) if v.status == "suspect"]
    by_file = ", ".join(f"{f}: {sum(c.file == f for c in cases)}" for f in LOOKALIKE_FILES)
    lines = [
        "## False positives on look-alikes",
        "",
        f"{len(cases)} devices of makers no regulation covers ({by_file}).",
        "",
        "| measure | value |",
        "|---|---|",
        f"| banned (false positive) | {len(banned)} of {len(cases)} ({_pct(len(banned), len(cases))}) |",
        f"| suspect | {len(suspect)} of {len(cases)} ({_pct(len(suspect), len(cases))}) |",
        f"| clear | {sum(v.status == 'clear' for v in verdicts)} |",
        f"| unknown | {sum(v.status == 'unknown' for v in verdicts)} |",
    ]
    if before is not None:
        was = [c for c, b in zip(cases, before, strict=True) if b]
        share = _pct(len(was), len(cases))
        lines.append(f"| banned by the baseline matcher | {len(was)} of {len(cases)} ({share}) |")
        lines += ["", "Banned by the baseline, not any more:", ""]
        lines += [f"* `{c.file}:{c.name}`" for c in was] or ["* none"]
    lines += [f"* still banned: `{c.file}:{c.name}`" for c in banned]
    return lines


def recall_section(cases: list[Case], baseline: dict[tuple[str, str], bool], ref: str) -> list[str]:
    site = default_site()
    site_banned = [(n, v) for n, want, v in site if want]
    site_hit = sum(v.banned for _, v in site_banned)
    site_moved = [sum(v.status == s for _, v in site_banned) for s in ("suspect", "unknown")]
    was = [c for c in cases if baseline.get((c.file, c.name))]
    moved = [(c, default_matcher().classify(c.host())) for c in was]
    moved = [(c, v) for c, v in moved if not v.banned]
    kept = len(was) - len(moved)
    suspect, unknown = (sum(v.status == s for _, v in moved) for s in ("suspect", "unknown"))
    lines = [
        "## Banned recall",
        "",
        "| set | banned | recall | suspect | unknown |",
        "|---|---|---|---|---|",
        f"| lab default site ({len(site)} profiles, {len(site_banned)} banned) | {site_hit} of "
        f"{len(site_banned)} | {_pct(site_hit, len(site_banned))} | {site_moved[0]} | {site_moved[1]} |",
        f"| match cases banned at `{ref}` | {kept} of {len(was)} | {_pct(kept, len(was))} | {suspect} "
        f"| {unknown} |",
        "",
        "Every banned default-site device stays banned. Of the match cases, the ones whose whole evidence is",
        "one signal (one protocol fact, a label, an OUI) are no longer banned: that is the precision this",
        "change buys. A suspect still names the regulated maker and says what would settle it; weak hints",
        "alone name no maker (unknown).",
        "",
        "## Hosts that moved to suspect (or unknown), and why",
        "",
        "| case | now | maker | why |",
        "|---|---|---|---|",
    ]
    lines += [f"| `{c.file}:{c.name}` | {v.status} | {v.manufacturer or '-'} | {_why(v)} |" for c, v in moved]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--baseline", default="main", help="git ref of the baseline match-case expectations")
    parser.add_argument("--baseline-python", help="a Python that imports the baseline checkout's netfinger")
    parser.add_argument("--baseline-src", help="that checkout's directory (run from there)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "accuracy.md")
    args = parser.parse_args(argv)
    lookalikes = load_cases([CASES / f for f in LOOKALIKE_FILES])
    before = None
    if args.baseline_python and args.baseline_src:
        before = run_baseline(args.baseline_python, args.baseline_src, lookalikes)
    others = load_cases(sorted(p for p in CASES.glob("*.yaml") if p.name not in LOOKALIKE_FILES))
    head = [
        "# Accuracy of the verdict tiers",
        "",
        f"Written by `bench/accuracy.py` (signatures `{signatures_version()}`, baseline `{args.baseline}`);",
        "rerun it after a signature change. See `docs/report-schema.md` for what each tier means. This copy:",
        "`.venv/bin/python bench/accuracy.py" + (BASELINE_ARGS if before is not None else "") + "`",
        "",
    ]
    recall = recall_section(others, baseline_banned(args.baseline), args.baseline)
    body = [*lookalike_section(lookalikes, before), "", *recall]
    args.out.write_text("\n".join(head + body) + "\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

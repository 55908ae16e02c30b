"""``netfinger signatures test|stats``: the data self-test and counts."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from netfinger.cli import EXIT_MATCHED, EXIT_OK


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("signatures", help="check or count the signature data")
    sub = parser.add_subparsers(dest="signatures_command", metavar="ACTION", required=True)
    test = sub.add_parser("test", help="run the self-test generated from the data (exit 1 on failure)")
    test.set_defaults(handler=_test)
    stats = sub.add_parser("stats", help="count rules, examples, brands, vulnerabilities, regulations")
    stats.add_argument("--json", action="store_true", help="print the counts as JSON")
    stats.set_defaults(handler=_stats)


def _test(args: argparse.Namespace) -> int:
    from netfinger.match.loader import SignatureError, signatures_dir  # YAML and JSON Schema: only when run
    from netfinger.match.selftest import run_selftest

    try:
        result = run_selftest()
    except SignatureError as exc:
        print(f"FAIL {exc}", file=sys.stderr)
        return EXIT_MATCHED
    for failure in result.failures:
        print(f"FAIL {failure}", file=sys.stderr)
    state = "ok" if result.ok else f"{len(result.failures)} failure(s)"
    print(f"signatures test ({signatures_dir()}): {result.checks} example checks, {state}")
    return EXIT_OK if result.ok else EXIT_MATCHED


def counts() -> dict[str, int]:
    from netfinger.match.loader import build_signatures, read_documents

    sigs = build_signatures(read_documents())
    return {
        "rules": len(sigs.rules),
        "examples": sum(len(r.examples) for r in sigs.rules),
        "counterexamples": sum(len(r.counterexamples) for r in sigs.rules),
        "brands": len(sigs.brands),
        "vulnerabilities": len(sigs.vulnerabilities),
        "regulations": len(sigs.regulations),
    }


def _stats(args: argparse.Namespace) -> int:
    data = counts()
    if args.json:
        print(json.dumps(data))
    else:
        for key, value in data.items():
            print(f"{key:16} {value}")
    return EXIT_OK

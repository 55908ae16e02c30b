"""``netfinger history --db DB [--json] [--limit N] [--alerts]``: list the recorded sweeps (or alerts)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from netfinger.cli import EXIT_OK
from netfinger.history.alerts import list_deliveries
from netfinger.history.render import deliveries_table, sweeps_table, to_text
from netfinger.history.store import list_sweeps
from netfinger.report.output import print_data


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "history",
        help="list recorded sweeps",
        description="List the sweeps recorded with --history: id, start, end, targets and counts.",
    )
    parser.add_argument("--db", metavar="DB", type=Path, required=True, help="sweep history (SQLite)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--limit", metavar="N", type=int, default=None, help="only the newest N sweeps")
    parser.add_argument("--alerts", action="store_true",
                        help="list the alert deliveries (sent and failed) instead of the sweeps")  # fmt: skip
    parser.set_defaults(handler=run)


def _alerts(args: argparse.Namespace) -> int:
    rows = list_deliveries(args.db)
    if args.limit is not None:
        rows = rows[-args.limit :] if args.limit > 0 else []
    if args.json:
        print_data(json.dumps({"alerts": [r.to_dict() for r in rows]}, indent=2, ensure_ascii=True) + "\n")
    else:
        print_data(to_text([deliveries_table(rows)]))
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    if args.alerts:
        return _alerts(args)
    rows = list_sweeps(args.db, args.limit)
    if args.json:
        print_data(json.dumps({"sweeps": [r.to_dict() for r in rows]}, indent=2, ensure_ascii=True) + "\n")
    else:
        print_data(to_text([sweeps_table(rows)]))
    return EXIT_OK

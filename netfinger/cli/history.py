"""``netfinger history --db DB [--json] [--limit N]``: list the recorded sweeps."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from netfinger.cli import EXIT_OK
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
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from netfinger.history.render import sweeps_table, to_text  # rich: only when run

    rows = list_sweeps(args.db, args.limit)
    if args.json:
        print_data(json.dumps({"sweeps": [r.to_dict() for r in rows]}, indent=2, ensure_ascii=True) + "\n")
    else:
        print_data(to_text([sweeps_table(rows)]))
    return EXIT_OK

"""``netfinger report REPORT [--format F] [--why] [-o FILE]``: render a saved report again."""

from __future__ import annotations

import argparse
from pathlib import Path

from netfinger.cli import EXIT_OK
from netfinger.history.refs import REF_HELP, load_ref
from netfinger.report import RENDERERS
from netfinger.report.output import Destination, chatter, write_destination


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "report",
        help="render a saved report (table, JSON, CSV or HTML)",
        description="Render a saved report (a --json file or a recorded sweep): table, JSON, CSV or HTML.",
    )
    parser.add_argument("report", metavar="REPORT", help=REF_HELP)
    parser.add_argument(
        "--format", choices=tuple(RENDERERS), default="table", help="output format (default: table)"
    )
    parser.add_argument("--why", action="store_true", help="show the evidence behind each verdict")
    parser.add_argument("-o", "--output", metavar="FILE", default="-", help="write to FILE instead of stdout")
    parser.add_argument("--db", metavar="DB", type=Path, help="sweep history, for REPORT given as an id")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    report, _label = load_ref(args.report, args.db)
    write_destination(Destination(args.format, args.output), report, args.why)
    if args.output != "-":
        chatter(args, f"wrote {args.format} report to {args.output}")
    return EXIT_OK

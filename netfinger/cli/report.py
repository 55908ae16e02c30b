"""``netfinger report REPORT [--format F] [--why] [-o FILE]``: render a saved report again."""

from __future__ import annotations

import argparse
import dataclasses

from netfinger.cli import EXIT_OK
from netfinger.cli.output import Destination, chatter, render_options, write_destination
from netfinger.history.names import DB_HELP, REF_HELP
from netfinger.report import RENDERERS


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "report",
        help="render a saved report (table, JSON, CSV, HTML, OCSF or ECS)",
        description="Render a saved report (a --json file or a recorded sweep): table, JSON, CSV, HTML, "
        "or the SIEM formats OCSF and ECS (JSON lines).",
    )
    parser.add_argument("report", metavar="REPORT", help=REF_HELP)
    parser.add_argument(
        "--format", choices=tuple(RENDERERS), default="table", help="output format (default: table)"
    )
    parser.add_argument("--why", action="store_true", help="show the evidence behind each verdict")
    parser.add_argument("-o", "--output", metavar="FILE", default="-", help="write to FILE instead of stdout")
    parser.add_argument("--db", metavar="DB", help=f"{DB_HELP}, for REPORT given as an id")
    parser.add_argument("--site", metavar="NAME", help="the site whose sweeps 'last'/'last~N' count "
                        "(default: the only one); for a report file, the site the SIEM exports name")
    parser.add_argument("--sensor", metavar="NAME", help="the sensor the SIEM exports name "
                        "(default: the recorded one, else the report's scanner host)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress messages")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from netfinger.history.refs import resolve_ref  # SQLAlchemy: only when run

    found = resolve_ref(args.report, args.db, args.site)
    to_stdout = args.output == "-"
    options = dataclasses.replace(
        render_options(args, to_stdout=to_stdout),
        site=found.site or args.site or "default",
        sensor=args.sensor or found.sensor or "",
    )
    write_destination(Destination(args.format, args.output), found.report, options)
    if not to_stdout:
        chatter(args, f"wrote {args.format} report to {args.output}")
    return EXIT_OK

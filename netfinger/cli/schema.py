"""``netfinger schema [--alert]``: print the JSON Schema (draft 2020-12) of the report ``--json`` writes,
or of the body an ``--alert http(s)://`` webhook receives."""

from __future__ import annotations

import argparse

from netfinger.alert.schema import alert_schema_text
from netfinger.cli import EXIT_OK
from netfinger.cli.output import print_data
from netfinger.report.schema import schema_text


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "schema",
        help="print the JSON Schema of reports",
        description="Print the JSON Schema (draft 2020-12) of the report that --json writes.",
    )
    parser.add_argument("--alert", action="store_true",
                        help="the schema of the body an --alert http(s):// webhook gets")  # fmt: skip
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    print_data((alert_schema_text() if args.alert else schema_text()) + "\n")
    return EXIT_OK

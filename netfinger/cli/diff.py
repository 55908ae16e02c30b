"""``netfinger diff OLD NEW [--db DB] [--site NAME] [--json]``: new, gone and changed devices.

OLD and NEW are report files or, with ``--db``, sweep ids, ``last`` or ``last~N``.
"""

from __future__ import annotations

import argparse
import json

from netfinger.cli import EXIT_MATCHED, EXIT_OK
from netfinger.cli.output import print_data
from netfinger.history.names import DB_HELP, REF_HELP


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "diff",
        help="compare two reports or sweeps",
        description="List devices that are new, gone or changed between two reports. OLD and NEW are report "
        "files or, with --db, sweep ids, 'last' or 'last~N'.",
    )
    parser.add_argument("old", metavar="OLD", help=REF_HELP)
    parser.add_argument("new", metavar="NEW", help=REF_HELP)
    parser.add_argument("--db", metavar="DB", help=f"{DB_HELP}, for OLD/NEW given as ids")
    parser.add_argument("--site", metavar="NAME",
                        help="the site whose sweeps 'last'/'last~N' count (default: the only one)")
    parser.add_argument(
        "--json", action="store_true", help='print {"new": [...], "gone": [...], "changed": [...]}'
    )
    parser.add_argument(
        "--fail-on-change", action="store_true", help="exit 1 when any device is new, gone or changed"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from netfinger.history.diff import diff_reports  # SQLAlchemy and rich: only when run
    from netfinger.history.refs import load_ref
    from netfinger.history.render import diff_view, to_text

    old, old_label = load_ref(args.old, args.db, args.site)
    new, new_label = load_ref(args.new, args.db, args.site)
    diff = diff_reports(old, new)
    if args.json:
        data = {"old": old_label, "new_report": new_label, **diff.to_dict()}
        print_data(json.dumps(data, indent=2, ensure_ascii=True) + "\n")
    else:
        print_data(to_text(diff_view(diff, old_label, new_label)))
    return EXIT_MATCHED if args.fail_on_change and not diff.empty else EXIT_OK

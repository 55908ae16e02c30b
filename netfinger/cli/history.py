"""``netfinger history --db DB [--site NAME] [--json] [--limit N] [--alerts]``: list the recorded
sweeps (or the alert deliveries); ``netfinger history prune --db DB --keep N | --older-than DAYS``:
delete old ones."""

from __future__ import annotations

import argparse
import json

from netfinger.cli import EXIT_OK
from netfinger.cli.output import print_data
from netfinger.errors import UsageError
from netfinger.history.names import DB_HELP

TABLE_ROWS = 50


def _count(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def _days(text: str) -> float:
    value = float(text)
    if not value >= 0:  # also refuses nan
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "history",
        help="list (or prune) recorded sweeps",
        description="List the sweeps recorded with --history: id, site, sensor, start, end, targets and "
        "counts. 'netfinger history prune' deletes old sweeps.",
    )
    parser.add_argument("--db", metavar="DB", help=DB_HELP)
    parser.add_argument("--site", metavar="NAME", help="only the sweeps of this site")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--limit", metavar="N", type=_count, default=None,
                        help=f"only the newest N sweeps (default: all with --json, the newest {TABLE_ROWS} "
                        "in the table; 0 = all)")  # fmt: skip
    parser.add_argument("--alerts", action="store_true",
                        help="list the alert deliveries (sent and failed) instead of the sweeps")  # fmt: skip
    parser.set_defaults(handler=run)
    sub = parser.add_subparsers(dest="history_command", metavar="COMMAND")
    prune = sub.add_parser(
        "prune",
        help="delete old sweeps",
        description="Delete sweeps and their host rows in one transaction: keep the newest N of each site "
        "(of --site only, when given), or drop those that started more than DAYS days ago.",
    )
    prune.add_argument("--db", metavar="DB", default=argparse.SUPPRESS, help=DB_HELP)
    prune.add_argument("--site", metavar="NAME", default=argparse.SUPPRESS, help="prune this site only")
    how = prune.add_mutually_exclusive_group(required=True)
    how.add_argument("--keep", metavar="N", type=_count, help="keep the newest N sweeps per site")
    how.add_argument("--older-than", metavar="DAYS", type=_days,
                     help="delete sweeps that started more than DAYS days ago")  # fmt: skip
    prune.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                       help='print {"deleted": [ids]}')  # fmt: skip
    prune.set_defaults(handler=run_prune)


def _db(args: argparse.Namespace) -> str:
    if not args.db:
        raise UsageError("which history? add --db HISTORY.sqlite (or a postgresql:// URL)")
    return str(args.db)


def _alerts(args: argparse.Namespace) -> int:
    from netfinger.history.alerts import list_deliveries  # SQLAlchemy and rich: only when run
    from netfinger.history.render import deliveries_table, to_text

    rows = list_deliveries(_db(args), site=args.site)
    if args.limit:  # None or 0: all
        rows = rows[-args.limit :]
    if args.json:
        print_data(json.dumps({"alerts": [r.to_dict() for r in rows]}, indent=2, ensure_ascii=True) + "\n")
    else:
        print_data(to_text([deliveries_table(rows)]))
    return EXIT_OK


def run(args: argparse.Namespace) -> int:
    from netfinger.history.render import sweeps_table, to_text  # SQLAlchemy and rich: only when run
    from netfinger.history.store import list_sweeps

    if args.alerts:
        return _alerts(args)
    limit = None if args.limit == 0 else args.limit
    if args.json:
        rows = list_sweeps(_db(args), limit, args.site)
        print_data(json.dumps({"sweeps": [r.to_dict() for r in rows]}, indent=2, ensure_ascii=True) + "\n")
        return EXIT_OK
    if args.limit is None:  # a terminal table of a thousand nights helps nobody: the newest ones
        rows = list_sweeps(_db(args), TABLE_ROWS + 1, args.site)
        more = len(rows) > TABLE_ROWS
        rows = rows[1:] if more else rows
    else:
        rows, more = list_sweeps(_db(args), limit, args.site), False
    note = f"the newest {TABLE_ROWS} sweeps; --limit N (0 = all) or --json for more" if more else None
    print_data(to_text([sweeps_table(rows, caption=note)]))
    return EXIT_OK


def run_prune(args: argparse.Namespace) -> int:
    from netfinger.history.database import locate  # SQLAlchemy: only when run
    from netfinger.history.prune import prune_sweeps

    db = _db(args)
    deleted = prune_sweeps(db, keep=args.keep, older_than_days=args.older_than, site=args.site)
    if getattr(args, "json", False):
        print_data(json.dumps({"deleted": deleted}, ensure_ascii=True) + "\n")
    else:
        print_data(f"deleted {len(deleted)} sweep(s) from {locate(db).label}\n")
    return EXIT_OK

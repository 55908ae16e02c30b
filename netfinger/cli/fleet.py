"""``netfinger fleet``: HQ's side of a fleet of site sensors (ingest, sweep, schedule, status,
report, diff). Parsing only; the work is in ``netfinger.fleet``."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from netfinger.cli import EXIT_FAILURE, EXIT_MATCHED, EXIT_OK
from netfinger.errors import UsageError
from netfinger.fleet.config import BROKER_ENV, DB_ENV, FLEET_ENV, broker_url, check_site, db_url

DESCRIPTION = f"""\
HQ's commands for a fleet: one sensor per site ('netfinger sensor --site NAME') on a Redis broker,
results stored centrally (PostgreSQL). Broker: --broker or ${BROKER_ENV}; database: --db or ${DB_ENV};
the sites and their schedules: --fleet FILE or ${FLEET_ENV} (see docs/fleet.md)."""
REPORT_FORMATS = ("table", "json", "html", "ocsf", "ecs")  # spelled out: the renderers load when used


def _common(p: argparse.ArgumentParser, broker: bool = False, db: bool = False, sites: bool = False) -> None:
    if broker:
        p.add_argument("--broker", metavar="URL", help=f"Redis broker URL (default ${BROKER_ENV})")
    if db:
        p.add_argument("--db", metavar="URL",
                       help=f"the store: postgresql://... or a SQLite path (default ${DB_ENV})")
    if sites:
        p.add_argument("--site", action="append", default=[], metavar="NAME", type=check_site,
                       help="a site (repeatable; default: every site of the fleet file)")
        p.add_argument("--fleet", metavar="FILE", help=f"fleet file listing the sites (default ${FLEET_ENV})")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("fleet", help="HQ: ingest, sweep, schedule, status and report of a fleet",
                                   description=DESCRIPTION,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="fleet_command", metavar="ACTION")
    parser.set_defaults(handler=lambda _a: (parser.print_help(sys.stderr), 2)[1])

    p = sub.add_parser("ingest", help="worker storing the sites' results (one transaction per sweep)")
    _common(p, broker=True, db=True, sites=True)
    p.add_argument("--processes", type=int, default=min(os.cpu_count() or 1, 4), metavar="N",
                   help="results validated and stored at once, one per process (default: the CPU count, "
                        "at most 4)")
    p.set_defaults(handler=_ingest)

    p = sub.add_parser("sweep", help="ask sites to sweep now")
    _common(p, broker=True, db=True, sites=True)
    p.add_argument("--wait", action="store_true",
                   help="wait until every site's result is stored or its failure reported (exit 3 if "
                        "any site failed or is late)")
    p.add_argument("--timeout", type=float, default=600.0, metavar="S", help="--wait at most S seconds (600)")
    p.add_argument("--listen", type=_positive, metavar="S",
                   help="a passive listen of S seconds on each site's interface instead of a scan "
                        "(the sensor sends nothing)")
    p.add_argument("--iface", metavar="IF", help="with --listen: the interface each sensor listens on "
                   "(default: the sensor's --listen-iface, else the one facing its targets)")
    p.add_argument("--scan-timeout", type=_positive, default=2.0, metavar="S",
                   help="the scan's listen window (2)")
    p.add_argument("--probes", metavar="LIST", help="comma-separated probes (default: the scan's defaults)")
    p.add_argument("--time-limit", type=_positive, metavar="S",
                   help="the order fails (and is reported back as failed) if it runs longer than S "
                        "seconds (default: the sensor's --time-limit for a scan, the duration + 60 s "
                        "for a listen)")
    p.set_defaults(handler=_sweep)

    p = sub.add_parser("schedule", help="Celery beat: sweep each site on its cron (fleet file)")
    _common(p, broker=True)
    p.add_argument("--fleet", metavar="FILE", help=f"fleet file with each site's cron (default ${FLEET_ENV})")
    p.add_argument("--state", metavar="DIR", default=".", help="where beat keeps its schedule state (.)")
    p.set_defaults(handler=_schedule)

    p = sub.add_parser("status", help="sites, sensors online, last sweep, banned and vulnerable counts")
    _common(p, db=True, sites=True)
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_status)

    p = sub.add_parser("report", help="the latest sweep of every site; --format html is the dashboard")
    _common(p, db=True, sites=True)
    p.add_argument("--format", choices=REPORT_FORMATS, default="table", help="output format (table)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default stdout)")
    p.add_argument("--trend", type=int, default=30, metavar="N", help="sweeps per site in the trends (30)")
    p.set_defaults(handler=_report)

    p = sub.add_parser("diff", help="what changed at a site between two sweeps (default last~1 last)")
    _common(p, db=True)
    p.add_argument("site", type=check_site, help="the site")
    p.add_argument("old", nargs="?", default="last~1", help="sweep id, last or last~N (last~1)")
    p.add_argument("new", nargs="?", default="last", help="sweep id, last or last~N (last)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_diff)


def _sites(args: argparse.Namespace, required: bool = True) -> list[str]:
    from netfinger.fleet.schedule import load_fleet_file

    if args.site:
        return list(dict.fromkeys(args.site))
    path = args.fleet or os.environ.get(FLEET_ENV)
    if path:
        return [e.name for e in load_fleet_file(Path(path))]
    if required:
        raise UsageError(f"which sites? give --site NAME (repeatable) or --fleet FILE (or set {FLEET_ENV})")
    return []


def _logging() -> None:
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="netfinger fleet: %(message)s")


def _ingest(args: argparse.Namespace) -> int:
    from netfinger.fleet.ingest import IngestConfig, run_ingest
    from netfinger.fleet.schedule import load_fleet_file

    _logging()
    path = args.fleet or os.environ.get(FLEET_ENV)
    alerts = {e.name: list(e.alert) for e in load_fleet_file(Path(path)) if e.alert} if path else {}
    if not 1 <= args.processes <= 64:
        raise UsageError("--processes: give 1 to 64")
    return run_ingest(IngestConfig(broker_url(args.broker), db_url(args.db), tuple(_sites(args)),
                                   alerts=alerts, processes=args.processes))


def _positive(text: str) -> float:
    value = float(text)
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return value


def _order_spec(args: argparse.Namespace) -> Any:
    from netfinger.fleet.messages import MAX_DURATION
    from netfinger.fleet.sweep import OrderSpec

    if args.iface and not args.listen:
        raise UsageError("--iface applies to --listen orders only")
    if args.listen and args.listen > MAX_DURATION:
        raise UsageError(f"--listen {args.listen:g}: at most {MAX_DURATION:g} seconds")
    probes = tuple(p.strip() for p in (args.probes or "").split(",") if p.strip())
    return OrderSpec("listen" if args.listen else "scan", args.scan_timeout, args.listen or 60.0, probes,
                     args.time_limit or 0.0, args.iface or "")  # fmt: skip


def _sweep(args: argparse.Namespace) -> int:
    from netfinger.fleet.app import make_app
    from netfinger.fleet.messages import inert
    from netfinger.fleet.sweep import dispatch, wait

    sites = _sites(args)
    db = db_url(args.db) if args.wait else ""
    spec = _order_spec(args)
    app = make_app(broker_url(args.broker))
    started = time.monotonic()  # "stored after" counts from the orders' dispatch
    orders = dispatch(app, sites, spec)
    for o in orders:
        print(f"netfinger: {o.site}: {spec.kind} ordered ({o.uid})", file=sys.stderr)
    if not args.wait:
        return EXIT_OK
    bad = 0
    for a in wait(db, orders, args.timeout, started):
        if a.failure is not None:
            bad += 1
            f = a.failure
            print(f"{a.order.site}: FAILED after {a.seconds:.1f}s ({inert(f.sensor)}, {f.seconds:.1f}s into "
                  f"the {f.kind}): {inert(f.reason)}")  # fmt: skip
        elif a.sweep_id is None:
            bad += 1
            print(f"{a.order.site}: not back within {args.timeout:.0f}s (is its sensor up? "
                  "netfinger fleet status)")  # fmt: skip
        else:
            took = "" if a.sensor_seconds is None else f" ({spec.kind} {a.sensor_seconds:.1f}s at the sensor)"
            print(f"{a.order.site}: sweep {a.sweep_id} stored after {a.seconds:.1f}s{took}: {a.hosts} hosts, "
                  f"{a.banned} banned, {a.vulnerable} vulnerable")  # fmt: skip
    return EXIT_FAILURE if bad else EXIT_OK


def _schedule(args: argparse.Namespace) -> int:
    from netfinger.fleet.app import make_app
    from netfinger.fleet.schedule import load_fleet_file, run_beat

    _logging()
    path = args.fleet or os.environ.get(FLEET_ENV)
    if not path:
        raise UsageError(f"give --fleet FILE (or set {FLEET_ENV}) with each site's cron")
    return run_beat(make_app(broker_url(args.broker)), load_fleet_file(Path(path)), Path(args.state))


def _status(args: argparse.Namespace) -> int:
    from netfinger.cli.output import print_data
    from netfinger.fleet import status as fleet_status

    rows = fleet_status.fleet_status(db_url(args.db), _sites(args, required=False))
    if args.json:
        print_data(json.dumps([r.to_dict() for r in rows], indent=1) + "\n")
        return EXIT_OK
    print_data(fleet_status.render_table(rows))
    return EXIT_OK


def _report(args: argparse.Namespace) -> int:
    from netfinger.cli.output import print_data
    from netfinger.fleet.dashboard import render_dashboard
    from netfinger.fleet.views import fleet_views
    from netfinger.report import RENDERERS, RenderOptions
    from netfinger.report.atomic import atomic_write_text

    views = fleet_views(db_url(args.db), _sites(args, required=False) or None, trend=max(args.trend, 2))
    if args.format == "html":
        text = render_dashboard(views)
    elif args.format == "json":
        text = json.dumps({"sites": [{"site": v.site, "sweep": v.last.to_dict() if v.last else None,
                                      "new_since_last": v.new_since_last,
                                      "gone_since_last": v.gone_since_last,
                                      "report": v.latest.to_dict() if v.latest else None} for v in views]},
                          indent=1) + "\n"  # fmt: skip
    else:
        parts = []
        for v in views:
            if v.latest is None or v.last is None:
                continue
            options = RenderOptions(site=v.site, sensor=v.last.sensor)
            if args.format == "table":
                parts.append(f"== {v.site}: sweep {v.last.id}, {v.last.ended} ({v.last.sensor})\n")
            parts.append(RENDERERS[args.format].render(v.latest, options))
        text = "".join(parts)
    if args.output:
        atomic_write_text(Path(args.output), text)
    else:
        print_data(text)
    return EXIT_OK


def _diff(args: argparse.Namespace) -> int:
    from netfinger.cli.output import print_data
    from netfinger.history.diff import diff_reports
    from netfinger.history.refs import load_ref
    from netfinger.history.render import diff_view, to_text

    db = db_url(args.db)
    old, old_label = load_ref(args.old, db, args.site)
    new, new_label = load_ref(args.new, db, args.site)
    diff = diff_reports(old, new)
    if args.json:
        data = {"site": args.site, "old": old_label, "new_report": new_label, **diff.to_dict()}
        print_data(json.dumps(data, indent=2, ensure_ascii=True) + "\n")
    else:
        print_data(to_text(diff_view(diff, f"{args.site} {old_label}", f"{args.site} {new_label}")))
    return EXIT_OK if diff.empty else EXIT_MATCHED

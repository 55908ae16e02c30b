"""``netfinger sensor``: a site's sensor, a Celery worker on that site's queue only."""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from pathlib import Path
from typing import Any

from netfinger.fleet.config import BROKER_ENV, broker_url, check_site

# Spelled out (netfinger.fleet.sensor has the same names): parsing the command line loads no Celery.
DIR_ENV = "NETFINGER_SENSOR_DIR"
TARGETS_ENV = "NETFINGER_SENSOR_TARGETS"

DESCRIPTION = f"""\
Run this site's sensor: a Celery worker that consumes only the queue netfinger.site.SITE on the
broker, runs the scan (or listen) orders HQ sends there against this host's own networks, keeps
every result in a local outbox (SQLite) and sends it back through the broker, resending what could
not be delivered when the broker is back. It needs no database credentials.

The broker URL (--broker or {BROKER_ENV}) carries the site's own Redis user and password:
redis://SITE:PASSWORD@HQ:6379/0, or rediss://... for TLS (CA file in NETFINGER_BROKER_CA).
Targets: --targets, else {TARGETS_ENV}, else this host's subnets except the broker link's.
An order that cannot be carried out (the scan fails, a bad interface, the time limit is hit) is
reported back to HQ as failed, with the reason; a sensor that dies mid-order reports nothing and the
order is given out again. Stop with Ctrl-C or SIGTERM: the order in progress is finished and
acknowledged first."""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("sensor", help="run a site's sensor (Celery worker on the site's queue)",
                              description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--site", required=True, help="this sensor's site (its queue is netfinger.site.SITE)")
    p.add_argument("--broker", metavar="URL", help=f"Redis broker URL (default ${BROKER_ENV})")
    p.add_argument("--targets", metavar="CIDR[,CIDR]", help="networks this sensor may scan")
    p.add_argument("--name", help="this sensor's name in reports (default SITE@HOSTNAME)")
    p.add_argument("--dir", metavar="DIR", help=f"outbox and local history (default ${DIR_ENV}, else "
                   "~/.local/state/netfinger/sensor-SITE)")
    p.add_argument("--heartbeat", type=float, default=10.0, metavar="S",
                   help="seconds between heartbeats to HQ (default 10)")
    p.add_argument("--time-limit", type=float, default=3600.0, metavar="S",
                   help="a scan order that runs longer is stopped and reported failed, unless the order "
                        "sets its own limit (default 3600; keep it below NETFINGER_VISIBILITY_TIMEOUT)")
    p.add_argument("--listen-iface", metavar="IF", default="",
                   help="where listen orders listen, e.g. a SPAN port (default: the interface facing "
                        "the targets)")
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    from netfinger.fleet.sensor import SensorConfig, default_directory, run_sensor, sensor_targets

    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="netfinger sensor: %(message)s")
    site = check_site(args.site)
    broker = broker_url(args.broker)
    cfg = SensorConfig(
        site=site, broker=broker, name=args.name or f"{site}@{socket.gethostname()}",
        targets=sensor_targets(args.targets, broker),
        directory=default_directory(site) if args.dir is None else Path(args.dir),
        heartbeat=max(args.heartbeat, 1.0), time_limit=max(args.time_limit, 1.0),
        listen_iface=args.listen_iface,
    )  # fmt: skip
    return run_sensor(cfg)

"""The ``--alert`` options of scan and match (and listen), and what happens after the sweep is recorded.

Only parsing and reporting here; :func:`netfinger.alert.alert_sweep` does the work. The transports
(httpx, smtplib, email) and the alert core are imported only when ``--alert`` is given, so a scan
without alerts starts no slower.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from netfinger.alert.deliver import DEFAULT_ATTEMPTS, DEFAULT_TIMEOUT, RetryPolicy
from netfinger.alert.interface import DEFAULT_TRIGGERS, TRIGGERS
from netfinger.cli import EXIT_FAILURE
from netfinger.cli.output import chatter, write_outputs
from netfinger.errors import UsageError
from netfinger.history.names import DEFAULT_SITE
from netfinger.report.model import Report

if TYPE_CHECKING:
    from netfinger.alert.interface import Transport
    from netfinger.alert.sweep import AlertConfig

ALERT_HELP = (
    "after the sweep is recorded in --history, send what changed since the previous sweep to URL "
    "(repeatable): http(s)://... (JSON POST), smtp://[user@]host[:port]?to=ADDR (mail with the HTML "
    "report), syslog://host[:514] or syslog+tcp://host[:514] (RFC 5424). Write secrets as ${NAME}, "
    "taken from the environment or --alert-secret-file; see docs/alerts.md"
)


def _triggers(text: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(t.strip() for t in text.split(",") if t.strip()))
    unknown = [n for n in names if n not in TRIGGERS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown trigger(s) {','.join(unknown) or '(none)'}; choose from {','.join(TRIGGERS)}"
        )
    return names


def _retries(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from exc
    if not 0 <= value <= 10:
        raise argparse.ArgumentTypeError("must be 0-10")
    return value


def add_alert_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("alerts (need --history)")
    group.add_argument("--alert", metavar="URL", action="append", default=[], help=ALERT_HELP)
    group.add_argument(
        "--alert-on", metavar="LIST", type=_triggers, default=DEFAULT_TRIGGERS,
        help=f"what triggers an alert, comma-separated from {','.join(TRIGGERS)} "
        f"(default {','.join(DEFAULT_TRIGGERS)})",
    )  # fmt: skip
    group.add_argument("--alert-secret-file", metavar="FILE", type=Path,
                       help="NAME=value lines (chmod 600) for ${NAME} in --alert URLs, "
                       "NETFINGER_SMTP_PASSWORD and NETFINGER_WEBHOOK_TOKEN")  # fmt: skip
    group.add_argument("--alert-retries", metavar="N", type=_retries, default=DEFAULT_ATTEMPTS - 1,
                       help=f"retries per destination after a failed send, with back-off "
                       f"(default {DEFAULT_ATTEMPTS - 1})")  # fmt: skip


def alert_config_from_args(args: argparse.Namespace) -> AlertConfig | None:
    """The alert configuration, checked before any scanning starts; None without ``--alert``."""
    urls: list[str] = list(getattr(args, "alert", None) or [])
    if not urls:
        return None
    if not getattr(args, "history", None):
        raise UsageError("--alert needs --history DB: alerts say what changed since the previous sweep")
    from netfinger.alert.registry import parse_alert_url
    from netfinger.alert.secrets import Secrets, load_secret_file
    from netfinger.alert.sweep import AlertConfig

    secret_file: Path | None = getattr(args, "alert_secret_file", None)
    secrets = Secrets(load_secret_file(secret_file) if secret_file else None)
    targets: tuple[Transport, ...] = tuple(parse_alert_url(u, secrets) for u in urls)
    policy = RetryPolicy(attempts=int(args.alert_retries) + 1, timeout=DEFAULT_TIMEOUT)
    site = str(getattr(args, "site", None) or DEFAULT_SITE)
    return AlertConfig(targets=targets, triggers=tuple(args.alert_on), policy=policy, site=site)


def send_alerts(args: argparse.Namespace, report: Report, sweep_id: int, config: AlertConfig) -> bool:
    """Alert for the recorded sweep; report on stderr. False when any delivery failed."""
    from netfinger.alert.sweep import alert_sweep
    from netfinger.history.database import locate

    outcome = asyncio.run(alert_sweep(str(args.history), sweep_id, report, config))
    history = locate(args.history).label
    if outcome.previous_id is None:
        chatter(
            args, f"no earlier sweep of site {config.site} in {history}: alerts start with the next sweep"
        )
        return True
    if outcome.changes is not None and outcome.changes.empty:
        chatter(args, f"nothing to alert since sweep {outcome.previous_id}")
        return True
    hosts = len(outcome.changes.hosts) if outcome.changes is not None else 0
    for target in outcome.already_sent:
        chatter(args, f"sweep {sweep_id} was recorded before; its alert already reached {target}")
    for d in outcome.deliveries:
        if d.ok:
            chatter(args, f"alert ({hosts} host(s)) sent to {d.target}")
        else:
            print(f"netfinger: alert to {d.target} FAILED after {d.attempts} attempt(s): {d.error} "
                  f"(recorded in {history}; 'netfinger history --db {history} --alerts' lists it)",
                  file=sys.stderr)  # fmt: skip
    return not outcome.failed


def write_outputs_and_alert(args: argparse.Namespace, report: Report, config: AlertConfig | None) -> int:
    """``write_outputs``, then the alerts for the sweep it recorded. Exit 3 when an alert failed."""
    recorded: list[int] = []
    code = write_outputs(args, report, on_recorded=recorded.append)
    if config is None or not recorded:
        return code
    return code if send_alerts(args, report, recorded[0], config) else EXIT_FAILURE


__all__ = ["add_alert_arguments", "alert_config_from_args", "write_outputs_and_alert"]

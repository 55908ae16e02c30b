"""``netfinger match REPORT.json``: re-classify a saved report's evidence with the current signatures."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from netfinger.cli.alerting import add_alert_arguments, alert_config_from_args, write_outputs_and_alert
from netfinger.cli.output import add_output_arguments
from netfinger.errors import UsageError
from netfinger.match import default_matcher, signatures_version
from netfinger.report.model import HostReport, Report


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("match", help="re-classify a saved JSON report with current signatures")
    parser.add_argument("report", metavar="REPORT.json", help="a report written by 'netfinger scan --json'")
    add_output_arguments(parser)
    add_alert_arguments(parser)
    parser.set_defaults(handler=_run)


def load_report(path: Path) -> Report:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise UsageError(f"{path} is not a netfinger JSON report")
    try:
        return Report.from_dict(data)
    except (ValueError, KeyError, TypeError) as exc:
        raise UsageError(f"{path}: {exc}") from exc


def rematch(report: Report) -> Report:
    """A copy of ``report`` whose verdicts come from the current signatures."""
    matcher = default_matcher()
    hosts = [HostReport(evidence=h.evidence, verdict=matcher.classify(h.evidence)) for h in report.hosts]
    report.scan.signatures_version = signatures_version()
    return Report(scan=report.scan, hosts=hosts)


def _run(args: argparse.Namespace) -> int:
    alerts = alert_config_from_args(args)
    report = rematch(load_report(Path(args.report)))
    return write_outputs_and_alert(args, report, alerts)

"""Where a finished report goes: the output options shared by ``scan`` and ``match``, and the writer.

``add_output_arguments`` adds ``--json/--csv/--html/--ocsf/--ecs FILE`` ('-' = stdout), ``--format``
(what goes to stdout, default a table), ``--why``, ``--history DB``, ``--site``/``--sensor``,
``--fail-on banned|suspect|vulnerable`` and ``--quiet``. ``write_outputs`` writes them all (files atomically),
records the sweep, and returns the process exit code. This is CLI orchestration: ``report/`` only
renders, ``history/`` only stores.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from netfinger.cli import EXIT_MATCHED, EXIT_OK
from netfinger.errors import NetfingerError, UsageError
from netfinger.history.names import DB_HELP, DEFAULT_SITE, check_site
from netfinger.report import RENDERERS, RenderOptions
from netfinger.report.atomic import atomic_write_chunks
from netfinger.report.model import Report

FILE_OPTIONS = ("json", "csv", "html", "ocsf", "ecs")
FAIL_ON = ("banned", "suspect", "vulnerable")
STDOUT = "-"


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("output")
    group.add_argument("--json", metavar="FILE", help="write the JSON report to FILE ('-' for stdout)")
    group.add_argument("--csv", metavar="FILE", help="write one CSV row per host to FILE ('-' for stdout)")
    group.add_argument("--html", metavar="FILE", help="write a self-contained HTML report to FILE")
    group.add_argument("--ocsf", metavar="FILE",
                       help="write OCSF 1.x JSON lines (device inventory, vulnerability findings) to FILE")
    group.add_argument("--ecs", metavar="FILE", help="write Elastic Common Schema NDJSON for _bulk to FILE")
    group.add_argument(
        "--format", choices=tuple(RENDERERS), default=None, help="what to print on stdout (default: table)"
    )
    group.add_argument("--why", action="store_true", help="show the evidence behind each verdict")
    group.add_argument("--history", metavar="DB",
                       help=f"record this sweep in the {DB_HELP}")
    group.add_argument("--site", metavar="NAME", default=DEFAULT_SITE, type=_site,
                       help="the site this sweep belongs to, in the history and the SIEM exports "
                       f"(default {DEFAULT_SITE!r})")
    group.add_argument("--sensor", metavar="NAME", default=None,
                       help="the sensor that ran the sweep (default: this host's name)")
    group.add_argument(
        "--fail-on", choices=FAIL_ON, action="append", default=[],
        help="exit 1 when any host is banned (confirmed), suspect (points at a regulated maker, not "
        "confirmed) or vulnerable; repeatable: --fail-on banned --fail-on suspect fails on either",
    )  # fmt: skip
    group.add_argument("-q", "--quiet", action="store_true", help="no table and no progress on the terminal")


def _site(text: str) -> str:
    try:
        return check_site(text)
    except UsageError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


@dataclass(frozen=True, slots=True)
class Destination:
    format: str
    target: str  # a path, or "-" for stdout


def plan_outputs(args: argparse.Namespace) -> list[Destination]:
    """Every (format, target) pair the options ask for; at most one of them goes to stdout."""
    plan = [Destination(f, str(getattr(args, f))) for f in FILE_OPTIONS if getattr(args, f, None)]
    to_stdout = [d for d in plan if d.target == STDOUT]
    explicit = getattr(args, "format", None)
    if len(to_stdout) > 1:
        raise UsageError("only one of --json/--csv/--html/--ocsf/--ecs can be '-' (stdout)")
    if to_stdout and explicit and explicit != to_stdout[0].format:
        raise UsageError(f"--{to_stdout[0].format} - and --format {explicit} both want stdout; pick one")
    if not to_stdout and (explicit or not getattr(args, "quiet", False)):
        plan.append(Destination(explicit or "table", STDOUT))
    return plan


def failed_checks(report: Report, fail_on: list[str]) -> list[str]:
    """The ``--fail-on`` conditions this report meets."""
    hits = {
        "banned": any(h.verdict.banned for h in report.hosts),
        "suspect": any(h.verdict.status == "suspect" for h in report.hosts),
        "vulnerable": any(h.verdict.vulnerabilities for h in report.hosts),
    }
    return [name for name in FAIL_ON if name in fail_on and hits[name]]


def render_options(args: argparse.Namespace, to_stdout: bool = False) -> RenderOptions:
    """How to render for these options: ``--why``, the site and sensor; terminal width on a tty."""
    why = bool(getattr(args, "why", False))
    site = str(getattr(args, "site", None) or DEFAULT_SITE)
    sensor = str(getattr(args, "sensor", None) or "")
    if to_stdout and sys.stdout.isatty():
        width = max(shutil.get_terminal_size((120, 40)).columns, 100)
        return RenderOptions(why=why, width=width, color="NO_COLOR" not in os.environ, site=site,
                             sensor=sensor)  # fmt: skip
    return RenderOptions(why=why, site=site, sensor=sensor)


def print_data(text: str | Iterable[str]) -> None:
    """Write data to stdout; a reader that went away (``| head``) is not an error."""
    try:
        for chunk in [text] if isinstance(text, str) else text:
            sys.stdout.write(chunk)
        sys.stdout.flush()
    except BrokenPipeError:
        # Point stdout at /dev/null so the interpreter's final flush does not fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def write_destination(dest: Destination, report: Report, options: RenderOptions) -> None:
    """Render ``report`` to its destination, streamed chunk by chunk (a file atomically)."""
    chunks = RENDERERS[dest.format].stream(report, options)
    if dest.target == STDOUT:
        print_data(chunks)
        return
    try:
        atomic_write_chunks(Path(dest.target), chunks)
    except OSError as exc:
        raise NetfingerError(f"cannot write {dest.format} report to {dest.target}: {exc}") from exc


def chatter(args: argparse.Namespace, message: str) -> None:
    """Progress for humans: stderr, and not at all with --quiet."""
    if not getattr(args, "quiet", False):
        print(f"netfinger: {message}", file=sys.stderr)


def write_outputs(
    args: argparse.Namespace, report: Report, on_recorded: Callable[[int], None] | None = None
) -> int:
    """Write every requested output; return the process exit code (0, or 1 when --fail-on matched).

    ``on_recorded`` is called with the sweep id once the report is recorded in ``--history``."""
    plan = plan_outputs(args)
    for dest in plan:
        if dest.target != STDOUT:
            write_destination(dest, report, render_options(args))
            chatter(args, f"wrote {dest.format} report to {dest.target}")
    history = getattr(args, "history", None)
    if history:
        from netfinger.history.database import locate  # SQLAlchemy: only when recording
        from netfinger.history.store import store_sweep

        site = str(getattr(args, "site", None) or DEFAULT_SITE)
        done = store_sweep(history, report, site=site, sensor=getattr(args, "sensor", None))
        verb = "recorded" if done.created else "already had this report as"
        chatter(args, f"{verb} sweep {done.id} (site {site}) in {locate(history).label}")
        if on_recorded is not None:
            on_recorded(done.id)
    for dest in plan:
        if dest.target == STDOUT:
            write_destination(dest, report, render_options(args, to_stdout=True))
    failed = failed_checks(report, list(getattr(args, "fail_on", None) or []))
    if failed:
        chatter(args, f"--fail-on matched: {', '.join(failed)}")
        return EXIT_MATCHED
    return EXIT_OK

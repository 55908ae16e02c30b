"""Command-line entry point. Each subcommand lives in its own module with a ``register`` function.

Exit codes: 0 done (nothing matched ``--fail-on``); 1 ``--fail-on`` matched; 2 usage error;
3 runtime failure.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from netfinger import __version__
from netfinger.errors import NetfingerError, UsageError

EXIT_OK = 0
EXIT_MATCHED = 1
EXIT_USAGE = 2
EXIT_FAILURE = 3

# Subcommand modules, in the order --help lists them. Each defines register(subparsers).
COMMANDS = ("scan", "listen", "match", "report", "history", "diff", "signatures", "schema", "lab",
            "sensor", "fleet")

EPILOG = """\
exit codes:
  0  done, and nothing matched --fail-on
  1  --fail-on banned|suspect|vulnerable matched
  2  usage error
  3  runtime failure (or an --alert that could not be delivered)

Scan only networks you are authorised to scan. netfinger never logs in with guessed
passwords and never changes a device."""


Handler = Callable[[argparse.Namespace], int]


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command-line parser; with ``only``, just that command's (start-up: each command module
    imports its own dependencies, and a scan need not import the fleet's or the lab's)."""
    parser = argparse.ArgumentParser(
        prog="netfinger",
        description="Find Hikvision and Dahua equipment on a network, under its own name or rebranded, "
        "and flag banned makers and known backdoors.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"netfinger {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in (only,) if only in COMMANDS else COMMANDS:
        try:
            module = importlib.import_module(f"netfinger.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"netfinger.cli.{name}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    first = words[0] if words and not words[0].startswith("-") else None
    parser = build_parser(first)
    args = parser.parse_args(argv)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        return handler(args)
    except UsageError as exc:
        print(f"netfinger: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except NetfingerError as exc:
        print(f"netfinger: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print("netfinger: interrupted", file=sys.stderr)
        return EXIT_FAILURE

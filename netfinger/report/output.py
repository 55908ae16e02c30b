"""Where a finished report goes: the CLI's output options and writers.

Interim: only ``--json FILE`` (issue 3). The report issue (5) adds the other formats, history and
``--fail-on`` behind these same two functions.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

from netfinger.report.model import Report


def add_output_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", metavar="FILE", help="write the JSON report to FILE ('-' for stdout)")


def write_outputs(args: argparse.Namespace, report: Report) -> int:
    """Write every requested output; return the process exit code."""
    text = json.dumps(report.to_dict(), indent=2, ensure_ascii=False)
    target = getattr(args, "json", None)
    if target == "-":
        print(text)
    elif target:
        path = Path(target)
        fd, tmp = tempfile.mkstemp(dir=path.parent or Path("."), prefix=f".{path.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
        os.replace(tmp, path)
    return 0

"""The scan: targets, the evidence store, rate limiting, progress, and ``run_scan`` (the library entry).

``run_scan`` (the core and every probe) is imported on first use, so the CLI can read the defaults in
``scan.config`` for ``--help`` without loading the scanner.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from netfinger.scan.config import ScanConfig

if TYPE_CHECKING:
    from netfinger.scan.core import run_scan


def __getattr__(name: str) -> Any:
    if name == "run_scan":
        from netfinger.scan.core import run_scan

        return run_scan
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ScanConfig", "run_scan"]

"""The scan: targets, the evidence store, rate limiting, progress, and ``run_scan`` (the library entry)."""

from __future__ import annotations

from netfinger.scan.config import ScanConfig
from netfinger.scan.core import run_scan

__all__ = ["ScanConfig", "run_scan"]

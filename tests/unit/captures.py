"""Access to tests/captures/ for the scanner's parser tests."""

from __future__ import annotations

from pathlib import Path

CAPTURES = Path(__file__).resolve().parent.parent / "captures"


def capture(relpath: str) -> bytes:
    return (CAPTURES / relpath).read_bytes()

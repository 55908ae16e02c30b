"""The accuracy report: look-alikes never banned, the default site fully banned, moves explained."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from accuracy import main  # type: ignore[import-not-found]


def test_accuracy_report_against_this_commit(tmp_path: Path) -> None:
    out = tmp_path / "accuracy.md"
    assert main(["--baseline", "HEAD", "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "| banned (false positive) | 0 of " in text
    assert "| suspect | 0 of " in text
    site = next(line for line in text.splitlines() if line.startswith("| lab default site"))
    assert "| 100.0 % | 0 | 0 |" in site
    # Against its own expectations every case banned at HEAD is still banned: nothing moved.
    row = next(line for line in text.splitlines() if line.startswith("| match cases banned at `HEAD`"))
    kept, total = row.split("|")[2].strip().split(" of ")
    assert kept == total and int(total) > 100

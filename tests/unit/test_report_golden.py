"""Golden files: the table (plain and --why) at 120 columns and the CSV, byte for byte.

After an intended change, rerun with NETFINGER_UPDATE_GOLDEN=1 and review the diff of tests/golden/.
"""

from __future__ import annotations

import os
from pathlib import Path

from netfinger.history.diff import diff_reports
from netfinger.history.render import diff_view, to_text
from netfinger.report.csv_format import CsvRenderer
from netfinger.report.interface import RenderOptions
from netfinger.report.samples import sample_report, tiers_report
from netfinger.report.table import TableRenderer

GOLDEN = Path(__file__).resolve().parent.parent / "golden"


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("NETFINGER_UPDATE_GOLDEN") == "1":
        path.write_bytes(text.encode("utf-8"))
    expected = path.read_bytes().decode("utf-8")
    assert text == expected, f"{name} differs; rerun with NETFINGER_UPDATE_GOLDEN=1 and review"


def test_table_golden() -> None:
    check_golden("table.txt", TableRenderer().render(tiers_report(), RenderOptions(width=120)))


def test_table_why_golden() -> None:
    check_golden("table_why.txt", TableRenderer().render(tiers_report(), RenderOptions(why=True, width=120)))


def test_csv_golden() -> None:
    check_golden("report.csv", CsvRenderer().render(tiers_report(), RenderOptions()))


def test_diff_golden() -> None:
    old = sample_report()
    new = sample_report()
    new.hosts = [h for h in new.hosts if h.evidence.ip != "192.168.50.7"]  # the Axis camera is gone
    check_golden("diff.txt", to_text(diff_view(diff_reports(old, new), "sweep 1", "sweep 2")))

"""CSV: one row per host, formula cells neutralised, quoting that survives a round trip."""

from __future__ import annotations

import csv
import io

import pytest

from netfinger.report.csv_format import COLUMNS, CsvRenderer, neutralise
from netfinger.report.interface import RenderOptions
from netfinger.report.samples import HOSTILE_BRAND, HOSTILE_MODEL, tiers_report


def _rows() -> list[dict[str, str]]:
    text = CsvRenderer().render(tiers_report(), RenderOptions())
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("  =cmd", "'  =cmd"),
        ("\t=1", "'\\t=1"),
        ("\r=1", "'\\r=1"),
        ("DS-2CD2142FWD-I", "DS-2CD2142FWD-I"),
        ("192.168.50.21", "192.168.50.21"),
        ("", ""),
    ],
)
def test_neutralise(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


def test_one_row_per_host_in_report_order() -> None:
    rows = _rows()
    ips = ["192.168.50.21", "192.168.50.34", "192.168.50.40", "192.168.50.7", "192.168.50.66"]
    assert [r["ip"] for r in rows] == ips
    assert list(rows[0]) == list(COLUMNS)
    assert rows[0]["vulnerabilities"] == "CVE-2017-7921 [KEV, backdoor]"
    assert rows[0]["banned_by"] == "NDAA §889; FCC Covered List"
    assert rows[1]["kev"] == "yes"
    assert [r["status"] for r in rows] == ["banned", "banned", "suspect", "clear", "clear"]
    assert rows[2]["banned"] == "no" and rows[2]["banned_by"] == ""
    assert "DHIP did not answer" in rows[2]["to_confirm"]
    assert rows[0]["to_confirm"] == ""


def test_hostile_host_cells_are_inert() -> None:
    hostile = _rows()[4]
    assert hostile["brand"] == "'" + HOSTILE_BRAND  # quotes and commas survive, formula neutralised
    assert hostile["manufacturer"].startswith("'@")
    assert hostile["device_type"] == "'-2+3"
    assert hostile["model"] == HOSTILE_MODEL.replace("\x1b", "\\x1b")
    for row in _rows():
        for value in row.values():
            assert not value.lstrip(" ").startswith(("=", "+", "-", "@", "\t", "\r"))
            assert value.isprintable()


def test_hosts_heard_outside_the_targets_and_their_ipv6_addresses_have_columns() -> None:
    report = tiers_report()
    heard = report.hosts[0].evidence
    heard.outside_targets = True
    heard.ipv6 = ["fe80::4647:ccff:fe37:ce81%eth0"]
    text = CsvRenderer().render(report, RenderOptions())
    rows = {r["ip"]: r for r in csv.DictReader(io.StringIO(text, newline=""))}
    assert (rows[heard.ip or ""]["outside_targets"], rows[heard.ip or ""]["ipv6"]) == (
        "yes", "fe80::4647:ccff:fe37:ce81%eth0")
    assert {r["outside_targets"] for ip, r in rows.items() if ip != heard.ip} == {"no"}

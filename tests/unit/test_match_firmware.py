"""Firmware strings normalised per maker, and range decisions."""

from __future__ import annotations

from datetime import date

import pytest

from netfinger.match import firmware as fw
from netfinger.match.model import FirmwareRange
from netfinger.match.vulns import firmware_verdict


@pytest.mark.parametrize(
    ("raw", "build", "version", "built", "display"),
    [
        ("V5.4.5 build 170124", None, (5, 4, 5), date(2017, 1, 24), "V5.4.5 build 170124"),
        ("V5.5.6build 180326", None, (5, 5, 6), date(2018, 3, 26), "V5.5.6 build 180326"),
        ("V5.6.1", "build 190603", (5, 6, 1), date(2019, 6, 3), "V5.6.1 build 190603"),
        ("V4.30.210 Build201224", None, (4, 30, 210), date(2020, 12, 24), "V4.30.210 build 201224"),
        ("V4.21.005 build 191213", None, (4, 21, 5), date(2019, 12, 13), "V4.21.005 build 191213"),
        ("V5.0, build 191213", None, (5, 0), date(2019, 12, 13), "V5.0 build 191213"),
    ],
)
def test_hikvision(raw: str, build: str | None, version: tuple[int, ...], built: date, display: str) -> None:
    got = fw.parse(raw, "Hikvision", build)
    assert got.family == fw.HIK
    assert got.version == version
    assert got.build == built
    assert got.display == display


@pytest.mark.parametrize(
    ("raw", "version", "oem", "built", "code"),
    [
        ("2.800.0000000.13.R", (2, 800, 13), "0000000", None, None),
        ("V4.000.00AC002.0.R.220902", (4, 0, 0), "00AC002", date(2022, 9, 2), "00AC"),
        ("2.420.Dahua 00.14.R, build: 2016-06-18", (2, 420, 14), "Dahua 00", date(2016, 6, 18), "Dahu"),
        ("2.811.0000013.0.R, Build Date 2023-12-20", (2, 811, 0), "0000013", date(2023, 12, 20), None),
        ("version=2.800.0000016.0.R,build:2020-06-05", (2, 800, 0), "0000016", date(2020, 6, 5), None),
        ("2.400.0.8", (2, 400, 8), "0", None, None),
    ],
)
def test_dahua(raw: str, version: tuple[int, ...], oem: str, built: date | None, code: str | None) -> None:
    got = fw.parse(raw, "Dahua")
    assert got.family == fw.DAHUA
    assert got.version == version
    assert got.oem == oem
    assert got.build == built
    assert got.oem_code == code
    assert not got.display.startswith("version=")


def test_unknown_shape_is_kept_raw() -> None:
    got = fw.parse("  firmware 7 ", "Dahua")
    assert got.family == fw.OTHER
    assert got.display == "firmware 7"
    assert fw.parse("V5.4.5 build 170124", "Axis").display == "V5.4.5 build 170124"
    assert fw.parse("V5.4.5 build 170124", "Axis").family == fw.OTHER


def test_dahua_below_only_when_comparable() -> None:
    fixed = fw.parse("2.800.0000000.29.R.210630", "Dahua")
    assert fw.dahua_below(fw.parse("2.800.0000000.13.R", "Dahua"), fixed) is True
    assert fw.dahua_below(fw.parse("2.800.0000000.30.R", "Dahua"), fixed) is False
    assert fw.dahua_below(fw.parse("2.622.0000000.9.R", "Dahua"), fixed) is True
    assert fw.dahua_below(fw.parse("2.800.00AC003.0.R", "Dahua"), fixed) is None


def test_hikvision_inclusive_range() -> None:
    rng = FirmwareRange(first="V5.2.0 build 140721", last="V5.4.0 build 160530")
    assert firmware_verdict(fw.parse("V5.4.0 build 160530", "Hikvision"), rng) is True
    assert firmware_verdict(fw.parse("V5.2.0 build 140721", "Hikvision"), rng) is True
    assert firmware_verdict(fw.parse("V5.4.5 build 170123", "Hikvision"), rng) is False
    assert firmware_verdict(fw.parse("V5.1.6 build 140412", "Hikvision"), rng) is False
    assert firmware_verdict(fw.parse("V5.3.0", "Hikvision"), rng) is True
    assert firmware_verdict(fw.parse("V5.4.0", "Hikvision"), rng) is None


def test_build_date_cut() -> None:
    rng = FirmwareRange(built_before=date(2021, 6, 25))
    assert firmware_verdict(fw.parse("V5.5.82 build 200313", "Hikvision"), rng) is True
    assert firmware_verdict(fw.parse("V5.5.800 build 210628", "Hikvision"), rng) is False
    assert firmware_verdict(fw.parse("V5.5.82", "Hikvision"), rng) is None


def test_dahua_without_date_uses_version_only_against_fixed() -> None:
    with_fixed = FirmwareRange(before="2.800.0000000.29.R.210630")
    date_only = FirmwareRange(built_before=date(2021, 6, 1))
    assert firmware_verdict(fw.parse("2.800.0000000.13.R", "Dahua"), with_fixed) is True
    assert firmware_verdict(fw.parse("2.800.0000000.13.R", "Dahua"), date_only) is None
    assert firmware_verdict(fw.parse("2.800.0000000.13.R, build: 2021-08-01", "Dahua"), with_fixed) is False
    assert firmware_verdict(fw.parse("2.800.00AC003.0.R", "Dahua"), with_fixed) is None

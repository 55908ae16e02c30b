"""Firmware strings, normalised per maker so that version ranges and build dates compare correctly.

Hikvision: ``V5.4.5 build 170124``, SADP's ``V5.5.6build 180326``, ISAPI ``V5.6.1`` + ``build 190603``,
NVR ``V4.30.210 Build201224``. Dahua: ``2.800.0000000.13.R``, ``V4.000.00AC002.0.R.220902``,
``2.420.Dahua 00.14.R, build: 2016-06-18``, ``2.811.0000013.0.R, Build Date 2023-12-20``,
``version=2.800.0000016.0.R,build:2020-06-05``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

HIK = "hikvision"
DAHUA = "dahua"
OTHER = "other"

_HIK_RE = re.compile(r"^V?(?P<ver>\d+(?:\.\d+){1,3})\s*,?\s*(?:build\s*:?\s*(?P<build>\d{6}))?\s*$", re.I)
_HIK_BUILD_RE = re.compile(r"^(?:build\s*:?\s*)?(?P<build>\d{6})$", re.I)
_DAHUA_RE = re.compile(
    r"^(?:version=)?V?(?P<major>\d+)\.(?P<minor>\d{3})\.(?P<oem>[0-9A-Za-z ]{1,12}?)\.(?P<rev>\d+)"
    r"(?:\.(?P<tag>[A-Z]))?(?:\.(?P<yymmdd>\d{6}))?(?P<rest>.*)$"
)
_DAHUA_DATE_RE = re.compile(r"(?:build|buildDate|Build Date)\s*[:=]?\s*(?P<date>\d{4}-\d{2}-\d{2})", re.I)


@dataclass(frozen=True, slots=True)
class Firmware:
    """A parsed firmware string. ``version`` compares as a tuple; ``build`` is the build date if known."""

    raw: str
    family: str
    version: tuple[int, ...] = ()
    build: date | None = None
    oem: str | None = None  # Dahua 3rd field, e.g. "0000000", "00AC002", "Dahua 00"
    version_text: str = ""  # the version digits as sent ("4.21.005"), for display

    @property
    def display(self) -> str:
        if self.family == HIK and self.version:
            text = "V" + (self.version_text or ".".join(str(p) for p in self.version))
            return f"{text} build {self.build:%y%m%d}" if self.build else text
        return self.raw

    @property
    def oem_code(self) -> str | None:
        """The OEM part of a Dahua OEM field ("00AC002" -> "00AC"), None for generic builds."""
        if self.oem is None or self.oem.isdigit():
            return None
        compact = self.oem.replace(" ", "")
        return compact[:4] if len(compact) >= 4 else compact


def _yymmdd(text: str) -> date | None:
    try:
        return date(2000 + int(text[:2]), int(text[2:4]), int(text[4:6]))
    except ValueError:
        return None


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_hikvision(raw: str, build: str | None = None) -> Firmware | None:
    text = raw.strip()
    found = _HIK_RE.match(text)
    if found is None:
        return None
    version = tuple(int(p) for p in found.group("ver").split("."))
    stamp = found.group("build")
    if stamp is None and build:
        extra = _HIK_BUILD_RE.match(build.strip())
        stamp = extra.group("build") if extra else None
    shown = text if build is None else f"{text} {build.strip()}"
    built = _yymmdd(stamp) if stamp else None
    return Firmware(shown, HIK, version, built, version_text=found.group("ver"))


def parse_dahua(raw: str, build: str | None = None) -> Firmware | None:
    text = raw.strip()
    found = _DAHUA_RE.match(text)
    if found is None:
        return None
    oem = found.group("oem").strip()
    version = (int(found.group("major")), int(found.group("minor")))
    built: date | None = None
    if found.group("yymmdd"):
        built = _yymmdd(found.group("yymmdd"))
    dated = _DAHUA_DATE_RE.search(found.group("rest") + " " + (build or ""))
    if dated:
        built = _iso(dated.group("date")) or built
    elif build and re.fullmatch(r"\d{4}-\d{2}-\d{2}", build.strip()):
        built = _iso(build.strip())
    clean = text.removeprefix("version=")
    return Firmware(clean, DAHUA, (*version, int(found.group("rev"))), built, oem)


@lru_cache(maxsize=4096)
def parse(raw: str, maker: str | None, build: str | None = None) -> Firmware:
    """Parse ``raw`` the way ``maker`` writes firmware; other makers and unknown shapes keep the text."""
    parser = {"Hikvision": parse_hikvision, "Dahua": parse_dahua}.get(maker or "")
    parsed = parser(raw, build) if parser else None
    return parsed or Firmware(raw.strip(), OTHER)


def hik_key(fw: Firmware) -> tuple[tuple[int, ...], date]:
    """Order key for Hikvision ranges: version, then build date (unknown build sorts first)."""
    return fw.version, fw.build or date.min


def dahua_below(fw: Firmware, fixed: Firmware) -> bool | None:
    """True/False when ``fw`` is decidably older/not older than ``fixed`` by version alone, else None.

    Dahua versions are ``major.minor.<OEM field>.rev``; the revision compares only within the same
    major.minor and when both OEM fields are the same generic numeric code.
    """
    if fw.family != DAHUA or fixed.family != DAHUA or len(fw.version) < 3 or len(fixed.version) < 3:
        return None
    if fw.version[:2] != fixed.version[:2]:
        return fw.version[:2] < fixed.version[:2]
    if fw.oem is None or fixed.oem is None or not (fw.oem.isdigit() and fixed.oem.isdigit()):
        return None
    return (int(fw.oem), fw.version[2]) < (int(fixed.oem), fixed.version[2])

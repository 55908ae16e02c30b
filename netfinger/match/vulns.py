"""Decide which known vulnerabilities apply, from the model family and the firmware (passive only).

``basis: firmware`` entries are claimed only when the firmware can be placed in the affected range;
``basis: model`` entries (no version data published) become notes, never findings; ``opt-in check``
entries are never decided passively. A Dahua firmware without a build date is not held against a
date-based range unless its version is itself below the fixed version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from netfinger.match import firmware as fw
from netfinger.match.interface import VulnFinding
from netfinger.match.model import Affected, FirmwareRange, Vulnerability


@dataclass(frozen=True, slots=True)
class Device:
    maker: str
    brand: str | None
    model: str | None
    firmware: fw.Firmware | None
    fields: frozenset[str]


@lru_cache(maxsize=1024)
def _model_re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _bound(text: str, maker: str) -> fw.Firmware:
    return fw.parse(text, maker)


def _hik_in_range(got: fw.Firmware, rng: FirmwareRange) -> bool | None:
    if not got.version:
        return None
    key = fw.hik_key(got)
    if rng.before is not None:
        fixed = _bound(rng.before, "Hikvision")
        if got.build is None and got.version[: len(fixed.version)] == fixed.version:
            return None
        return key < fw.hik_key(fixed)
    if rng.first is not None and rng.last is not None:
        lo, hi = _bound(rng.first, "Hikvision"), _bound(rng.last, "Hikvision")
        if got.build is None and got.version in (lo.version, hi.version):
            return None
        return fw.hik_key(lo) <= key <= fw.hik_key(hi)
    if rng.built_before is not None:
        return None if got.build is None else got.build < rng.built_before
    return None


def _dahua_in_range(got: fw.Firmware, rng: FirmwareRange) -> bool | None:
    if rng.version_prefix is not None:
        return got.raw.lstrip("Vv").startswith(rng.version_prefix)
    fixed = _bound(rng.before, "Dahua") if rng.before else None
    cut = rng.built_before or (fixed.build if fixed else None)
    if got.build is not None and cut is not None:
        return got.build < cut
    return fw.dahua_below(got, fixed) if fixed is not None else None


def firmware_verdict(got: fw.Firmware | None, rng: FirmwareRange | None) -> bool | None:
    """True in range, False outside, None when the firmware cannot be placed."""
    if rng is None:
        return None
    if got is None or got.family == fw.OTHER:
        return None
    return _hik_in_range(got, rng) if got.family == fw.HIK else _dahua_in_range(got, rng)


def _describe(rng: FirmwareRange) -> str:
    if rng.version_prefix:
        return f"version {rng.version_prefix}*"
    if rng.first and rng.last:
        return f"[{rng.first}, {rng.last}]"
    parts = []
    if rng.before:
        parts.append(f"before {rng.before}")
    if rng.built_before:
        parts.append(f"built before {rng.built_before.isoformat()}")
    return " / ".join(parts)


def _family(vuln: Vulnerability, model: str) -> Affected | None:
    for item in vuln.affected:
        if _model_re(item.model).search(model):
            return item
    return None


def decide(vulns: tuple[Vulnerability, ...], dev: Device) -> tuple[list[VulnFinding], list[str]]:
    """Findings that apply to ``dev`` and notes for the ones that might (no version data)."""
    findings: list[VulnFinding] = []
    notes: list[str] = []
    unchecked: list[str] = []
    for vuln in vulns:
        if vuln.maker != dev.maker or not dev.model or (vuln.brands and dev.brand not in vuln.brands):
            continue
        if any(f not in dev.fields for f in vuln.requires_fields):
            continue
        family = _family(vuln, dev.model)
        if family is None or vuln.basis == "opt-in check":
            continue
        if vuln.basis == "model":
            notes.append(f"{vuln.id} may apply: model {dev.model} is in {family.family}; no version data")
            continue
        if dev.firmware is None:
            unchecked.append(vuln.id)
            continue
        verdict = firmware_verdict(dev.firmware, family.firmware)
        shown = dev.firmware.display
        if verdict is None:
            notes.append(f"{vuln.id}: {dev.model} is in {family.family}; firmware {shown} cannot be placed")
            continue
        if verdict:
            rng = _describe(family.firmware) if family.firmware else ""
            findings.append(
                VulnFinding(
                    id=vuln.id,
                    kev=vuln.kev,
                    backdoor=vuln.backdoor,
                    basis=f"model {dev.model} in {family.family}; firmware {shown} {rng}".strip(),
                    fixed_in=vuln.fixed_in,
                    title=vuln.title,
                )
            )
    if unchecked:
        notes.append(f"firmware unknown: cannot check {', '.join(unchecked)} for model {dev.model}")
    return findings, notes

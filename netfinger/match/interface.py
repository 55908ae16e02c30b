"""The matcher seam: host evidence in, a verdict out. No I/O here."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any

from netfinger.evidence import HostEvidence


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """A rule that fired, the evidence it fired on, and the rule's strength (strong/corroborating/weak)."""

    rule: str
    field: str
    value: str
    strength: str = ""  # empty when read from a report that predates tiers

    def to_dict(self) -> dict[str, Any]:
        out = {"rule": self.rule, "field": self.field, "value": self.value}
        if self.strength:
            out["strength"] = self.strength
        return out


@dataclass(frozen=True, slots=True)
class Suspect:
    """Why a host attributed to a regulated maker is not confirmed, and what would settle it."""

    covered_by: tuple[str, ...]  # the regulations that cover the maker it points at
    signals: tuple[EvidenceRef, ...]  # what points at that maker
    settle: tuple[str, ...]  # what would settle it ("open the web UI", "run with --credentials" ...)

    def to_dict(self) -> dict[str, Any]:
        return {
            "covered_by": list(self.covered_by),
            "signals": [s.to_dict() for s in self.signals],
            "settle": list(self.settle),
        }


@dataclass(frozen=True, slots=True)
class VulnFinding:
    id: str
    kev: bool = False
    backdoor: bool = False
    basis: str = ""  # why we think it applies: "firmware V5.4.0 build 160401 in [..]"
    fixed_in: str | None = None
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kev": self.kev,
            "backdoor": self.backdoor,
            "basis": self.basis,
            "fixed_in": self.fixed_in,
            "title": self.title,
        }


@dataclass(frozen=True)
class Verdict:
    """Who made this host, what label it carries, its tier, and whether it is banned or vulnerable.

    ``status`` is ``banned``, ``suspect``, ``clear`` or ``unknown`` (:mod:`netfinger.match.tiers`);
    ``banned`` is true exactly when ``status`` is ``banned``.
    """

    manufacturer: str | None = None  # "Hikvision", "Dahua", another maker's name, or None
    brand: str | None = None
    model: str | None = None
    firmware: str | None = None
    device_type: str | None = None
    banned: bool = False
    banned_by: tuple[str, ...] = ()
    confidence: float = 0.0
    vulnerabilities: tuple[VulnFinding, ...] = ()
    evidence: tuple[EvidenceRef, ...] = ()
    notes: tuple[str, ...] = field(default=())
    status: str = "unknown"
    suspect: Suspect | None = None


class Matcher(abc.ABC):
    @abc.abstractmethod
    def classify(self, host: HostEvidence) -> Verdict:
        """Return the verdict for one host."""

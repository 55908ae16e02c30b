"""The matcher seam: host evidence in, a verdict out. No I/O here."""

from __future__ import annotations

import abc
from dataclasses import dataclass, field
from typing import Any

from netfinger.evidence import HostEvidence


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    """A rule that fired and the evidence it fired on."""

    rule: str
    field: str
    value: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "field": self.field, "value": self.value}


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
    """Who made this host, what label it carries, and whether it is banned or vulnerable."""

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


class Matcher(abc.ABC):
    @abc.abstractmethod
    def classify(self, host: HostEvidence) -> Verdict:
        """Return the verdict for one host."""

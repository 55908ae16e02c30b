"""The report: what a scan found, as data. Renderers in this package turn it into text."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from netfinger.evidence import HostEvidence
from netfinger.match.interface import EvidenceRef, Suspect, Verdict, VulnFinding

SCHEMA_ID = "netfinger.report/2"
# Reports this version reads: /1 predates the verdict tiers (its hosts' status is derived on reading).
READABLE_SCHEMAS = ("netfinger.report/1", SCHEMA_ID)
STATUSES = ("banned", "suspect", "clear", "unknown")


def _ref(data: dict[str, Any]) -> EvidenceRef:
    strength = str(data.get("strength", ""))
    return EvidenceRef(str(data["rule"]), str(data["field"]), str(data["value"]), strength)


def _status(data: dict[str, Any]) -> str:
    """The host's tier as written, or (a /1 report) what its verdict implies: banned, clear or unknown."""
    status = data.get("status")
    if status in STATUSES:
        return str(status)
    if data.get("banned"):
        return "banned"
    return "clear" if data.get("manufacturer") else "unknown"


def _suspect(data: Any) -> Suspect | None:
    if not isinstance(data, dict):
        return None
    return Suspect(
        covered_by=tuple(str(r) for r in data.get("covered_by", [])),
        signals=tuple(_ref(s) for s in data.get("signals", [])),
        settle=tuple(str(s) for s in data.get("settle", [])),
    )


@dataclass
class ScanInfo:
    start: str = ""  # ISO 8601 UTC
    end: str = ""
    targets: list[str] = field(default_factory=list)
    probes: dict[str, str] = field(
        default_factory=dict
    )  # probe -> "completed" | "failed: why" | "skipped: why"
    netfinger_version: str = ""
    signatures_version: str = ""
    scanner_host: str = ""
    interrupted: bool = False
    mode: str = "active"  # "active" (scan: probes sent) or "passive" (listen: nothing sent)

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "start": self.start,
            "end": self.end,
            "targets": list(self.targets),
            "probes": dict(self.probes),
            "netfinger_version": self.netfinger_version,
            "signatures_version": self.signatures_version,
            "scanner_host": self.scanner_host,
            "interrupted": self.interrupted,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ScanInfo:
        return cls(
            start=str(data.get("start", "")),
            end=str(data.get("end", "")),
            targets=[str(t) for t in data.get("targets", [])],
            probes={str(k): str(v) for k, v in dict(data.get("probes", {})).items()},
            netfinger_version=str(data.get("netfinger_version", "")),
            signatures_version=str(data.get("signatures_version", "")),
            scanner_host=str(data.get("scanner_host", "")),
            interrupted=bool(data.get("interrupted", False)),
            mode=str(data.get("mode", "active")),
        )


@dataclass(frozen=True)
class Presence:
    """When a listener heard a host (ISO 8601 UTC) and which kinds of traffic it sent (passive reports)."""

    first_seen: str
    last_seen: str
    signals: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"first_seen": self.first_seen, "last_seen": self.last_seen, "signals": list(self.signals)}


@dataclass
class HostReport:
    evidence: HostEvidence
    verdict: Verdict = field(default_factory=Verdict)
    presence: Presence | None = None

    def to_dict(self) -> dict[str, Any]:
        v = self.verdict
        ev = self.evidence.to_dict()
        seen = self.presence.to_dict() if self.presence else {}
        return {
            "ip": self.evidence.ip,
            "mac": self.evidence.mac,
            "manufacturer": v.manufacturer,
            "brand": v.brand,
            "model": v.model,
            "firmware": v.firmware,
            "device_type": v.device_type,
            "banned": v.banned,
            "banned_by": list(v.banned_by),
            "status": v.status,
            "suspect": v.suspect.to_dict() if v.suspect else None,
            "confidence": round(v.confidence, 3),
            "vulnerabilities": [f.to_dict() for f in v.vulnerabilities],
            "evidence": [e.to_dict() for e in v.evidence],
            "notes": list(v.notes),
            "protocols": ev["protocols"],
            "anomalies": ev["anomalies"],
            "observations": ev["observations"],
            "raw": ev["raw"],
            **self.evidence.link_fields(),
            **seen,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HostReport:
        evidence = HostEvidence.from_dict(data)
        verdict = Verdict(
            manufacturer=data.get("manufacturer"),
            brand=data.get("brand"),
            model=data.get("model"),
            firmware=data.get("firmware"),
            device_type=data.get("device_type"),
            banned=bool(data.get("banned", False)),
            banned_by=tuple(data.get("banned_by", [])),
            confidence=float(data.get("confidence", 0.0)),
            vulnerabilities=tuple(
                VulnFinding(
                    id=str(f["id"]),
                    kev=bool(f.get("kev", False)),
                    backdoor=bool(f.get("backdoor", False)),
                    basis=str(f.get("basis", "")),
                    fixed_in=f.get("fixed_in"),
                    title=str(f.get("title", "")),
                )
                for f in data.get("vulnerabilities", [])
            ),
            evidence=tuple(_ref(e) for e in data.get("evidence", [])),
            notes=tuple(str(n) for n in data.get("notes", [])),
            status=_status(data),
            suspect=_suspect(data.get("suspect")),
        )
        presence = None
        if "first_seen" in data:
            presence = Presence(str(data["first_seen"]), str(data.get("last_seen", "")),
                                tuple(str(s) for s in data.get("signals", [])))
        return cls(evidence=evidence, verdict=verdict, presence=presence)


@dataclass
class Report:
    scan: ScanInfo
    hosts: list[HostReport] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        by_maker: dict[str, int] = {}
        by_brand: dict[str, int] = {}
        for h in self.hosts:
            if h.verdict.manufacturer:
                by_maker[h.verdict.manufacturer] = by_maker.get(h.verdict.manufacturer, 0) + 1
            if h.verdict.brand:
                by_brand[h.verdict.brand] = by_brand.get(h.verdict.brand, 0) + 1
        return {
            "hosts": len(self.hosts),
            "banned": sum(1 for h in self.hosts if h.verdict.banned),
            "suspect": sum(1 for h in self.hosts if h.verdict.status == "suspect"),
            "vulnerable": sum(1 for h in self.hosts if h.verdict.vulnerabilities),
            "by_manufacturer": dict(sorted(by_maker.items())),
            "by_brand": dict(sorted(by_brand.items())),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA_ID,
            "scan": self.scan.to_dict(),
            "summary": self.summary(),
            "hosts": [h.to_dict() for h in self.hosts],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        if data.get("schema") not in READABLE_SCHEMAS:
            raise ValueError(
                f"not a netfinger report (schema {data.get('schema')!r}, expected {SCHEMA_ID!r})"
            )
        return cls(
            scan=ScanInfo.from_dict(dict(data.get("scan", {}))),
            hosts=[HostReport.from_dict(h) for h in data.get("hosts", [])],
        )

"""The signature-driven matcher: every rule against every observation, scored per maker."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from netfinger.evidence import HostEvidence
from netfinger.match import identity, regulation, tiers, trust, vulns
from netfinger.match import oui as oui_lookup
from netfinger.match.brandrules import slug
from netfinger.match.interface import EvidenceRef, Matcher, Suspect, Verdict
from netfinger.match.model import CORROBORATING, Rule, Signatures
from netfinger.match.rules import RuleIndex
from netfinger.match.scoring import (
    Hit,
    OuiLookup,
    collect_hits,
    compile_forms,
    derived_observations,
    maker_scores,
    name_scope_observations,
    ranked,
)

MIN_MAKER_SCORE = 0.3
OUI_FIELD = "mac.oui_org"
CONFLICT = 0.5
LOW_CONFIDENCE = 0.5


class SignatureMatcher(Matcher):
    """Classify hosts with a loaded :class:`Signatures` set."""

    def __init__(self, signatures: Signatures, oui: OuiLookup | None = oui_lookup.organisation) -> None:
        self.signatures = signatures
        self.index = RuleIndex(signatures.rules)
        self._oui = oui
        self._forms = compile_forms(signatures.name_forms)

    def hits(self, host: HostEvidence, distrust: dict[str, str] | None = None) -> list[Hit]:
        seen = [*host.observations, *derived_observations(host, self._oui)]
        observations = trust.trusted(seen, distrust or {})
        return collect_hits([*observations, *name_scope_observations(observations, self._forms)], self.index)

    def classify(self, host: HostEvidence) -> Verdict:
        distrust = trust.distrusted(host)
        hits = self.hits(host, distrust)
        scores = maker_scores(hits)
        order = ranked(tiers.nameable(scores, hits))
        ignored = [f"ignored {proto} evidence: {why}" for proto, why in sorted(distrust.items())]
        if not order or order[0][1] < MIN_MAKER_SCORE:
            notes = (*ignored, *_weak_note(order), *tiers.weak_only_notes(scores, hits))
            return Verdict(evidence=_refs(hits, None), notes=notes)
        maker, score = order[0]
        verdict = self._verdict(host, hits, maker, score, order)
        return replace(verdict, notes=(*ignored, *verdict.notes)) if ignored else verdict

    def _verdict(
        self, host: HostEvidence, hits: list[Hit], maker: str, score: float, order: list[tuple[str, float]]
    ) -> Verdict:
        sigs = self.signatures
        found_fw = identity.pick_firmware(hits, maker)
        firmware = found_fw[0] if found_fw else None
        oem_hits = _oem_code_hits(sigs, maker, found_fw[0].oem_code, found_fw[1]) if found_fw else []
        brand_hits = hits + oem_hits
        brand = self._brand(brand_hits, maker)
        model = identity.pick_model(hits, maker)
        device = vulns.Device(maker, brand, model, firmware, _field_keys(host))
        findings, vuln_notes = vulns.decide(sigs.vulnerabilities, device)
        covered_by = regulation.covering(sigs.regulations, maker)
        supporting = [h for h in hits if h.rule.vendor == maker]
        status = tiers.status_for(maker, bool(covered_by), supporting)
        suspect = self._suspect(host, maker, covered_by, supporting) if status == tiers.SUSPECT else None
        tier_notes = [tiers.shortfall(supporting, maker)] if suspect else []
        banned_by = covered_by if status == tiers.BANNED else ()
        return Verdict(
            manufacturer=maker,
            brand=brand,
            model=model,
            firmware=firmware.display if firmware else None,
            device_type=identity.pick_device_type(hits, maker, sigs.model_fields),
            banned=status == tiers.BANNED,
            banned_by=banned_by,
            confidence=round(score, 4),
            vulnerabilities=tuple(findings),
            evidence=_refs(brand_hits, maker),
            notes=tuple(_notes(hits, maker, score, order) + tier_notes + vuln_notes),
            status=status,
            suspect=suspect,
        )

    def _suspect(
        self, host: HostEvidence, maker: str, covered_by: tuple[str, ...], supporting: list[Hit]
    ) -> Suspect:
        fields = [o.field for o in host.observations]
        hints = tiers.settle_hints(self.signatures.confirm.get(maker, ()), fields)
        return Suspect(covered_by=covered_by, signals=_refs(supporting, maker), settle=hints)

    def _brand(self, hits: list[Hit], maker: str) -> str | None:
        sigs = self.signatures
        own = sigs.maker_brand.get(maker, maker)
        has_oem = any(m.maker == maker for b in sigs.brands for m in b.makers if b.name != own)
        return identity.pick_brand(identity.brand_scores(hits, maker, sigs), own, has_oem)


def _field_keys(host: HostEvidence) -> frozenset[str]:
    """``field`` and ``field=value`` for every observation (what a vulnerability may require)."""
    fields = {o.field for o in host.observations}
    return frozenset(fields | {f"{o.field}={o.value}" for o in host.observations})


def _notes(hits: list[Hit], maker: str, score: float, order: list[tuple[str, float]]) -> list[str]:
    notes: list[str] = []
    supporting = [h for h in hits if h.rule.vendor == maker]
    if supporting and all(h.field == OUI_FIELD for h in supporting):
        notes.append(f"OUI only: the MAC's registrant points at {maker}; no protocol confirmed it")
    elif score < LOW_CONFIDENCE:
        notes.append(f"low confidence ({score:.2f}): few or weak signals point at {maker}")
    notes.extend(f"conflicting evidence: {other} scored {s:.2f}" for other, s in order[1:] if s >= CONFLICT)
    return notes


def _oem_code_hits(sigs: Signatures, maker: str, code: str | None, source: Hit) -> list[Hit]:
    """Brand evidence from a Dahua firmware OEM code (e.g. 00AC = Amcrest), as synthetic hits."""
    if not code:
        return []
    out: list[Hit] = []
    for brand in sigs.brands:
        if code in brand.oem_codes and any(m.maker == maker for m in brand.makers):
            rule = _oem_rule(brand.name, maker, code)
            out.append(Hit(rule, source.field, source.value, source.extracted))
    return out


def _oem_rule(brand: str, maker: str, code: str) -> Rule:
    return Rule(
        id=f"brand.{slug(brand)}.oem-code",
        field="firmware.oem_code",
        match="equals",
        vendor=maker,
        certainty=0.75,
        strength=CORROBORATING,
        independence="firmware",
        values=(code,),
        brand=brand,
        note=f"firmware OEM code {code}",
        origin="brands.yaml",
    )


def _refs(hits: Sequence[Hit], maker: str | None) -> tuple[EvidenceRef, ...]:
    """Rules that fired: those for the chosen maker first (strongest first), then the rest."""
    seen: set[tuple[str, str, str]] = set()
    ordered = sorted(hits, key=lambda h: (h.rule.vendor != maker, -h.rule.certainty, h.rule.id))
    out: list[EvidenceRef] = []
    for hit in ordered:
        key = (hit.rule.id, hit.field, hit.value)
        if key not in seen:
            seen.add(key)
            out.append(EvidenceRef(hit.rule.id, hit.field, hit.value, hit.rule.strength))
    return tuple(out)


def _weak_note(order: list[tuple[str, float]]) -> tuple[str, ...]:
    if not order:
        return ()
    maker, score = order[0]
    return (f"weak evidence for {maker} ({score:.2f}), below the naming threshold",)

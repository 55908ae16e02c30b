"""Evaluate every rule against every observation and combine the hits per candidate maker.

Scored, not first-hit: each rule counts once per host (its best hit), and a maker's score is
``1 - Π(1 - certainty)`` over the distinct rules pointing at it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from netfinger.evidence import HostEvidence, Observation, normalise_mac
from netfinger.match.model import ANY_VENDOR, NameForm, Rule
from netfinger.match.rules import Extracted, RuleIndex

OuiLookup = Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class Hit:
    """One rule that fired on one observed value."""

    rule: Rule
    field: str
    value: str
    extracted: Extracted

    def get(self, key: str) -> str | None:
        return self.extracted.get(key)


def derived_observations(host: HostEvidence, oui: OuiLookup | None) -> list[Observation]:
    """MAC facts a saved report may lack: the registry organisation and the locally-administered bit."""
    fields = {o.field for o in host.observations}
    mac = host.mac or host.first("mac.address") or host.first("arp.mac") or host.first("dhip.mac")
    norm = normalise_mac(mac) if mac else None
    if norm is None:
        return []
    out: list[Observation] = []
    local = bool(int(norm[:2], 16) & 0x02)
    if "mac.locally_administered" not in fields and local:
        out.append(Observation("mac.locally_administered", "true", source="derived"))
    if "mac.oui_org" not in fields and not local and oui is not None:
        org = oui(norm)
        if org:
            out.append(Observation("mac.oui_org", org, source="derived"))
    return out


NAME_SCOPE_FIELD = "wsd.scope.name"


NameForms = dict[str, tuple[re.Pattern[str], ...]]  # field -> the patterns that read a name from it


def compile_forms(forms: Sequence[NameForm]) -> NameForms:
    out: dict[str, list[re.Pattern[str]]] = {}
    for form in forms:
        out.setdefault(form.field, []).append(re.compile(form.pattern))
    return {fld: tuple(patterns) for fld, patterns in out.items()}


def name_scope_observations(observations: Sequence[Observation], forms: NameForms) -> list[Observation]:
    """A maker named in another scope form (``type/manufacturer/X``, ``mfr/X``, ``hardware/X``), read
    as a name scope so the name rules see it; at most one derived observation per distinct name."""
    seen: set[str] | None = None
    out: list[Observation] = []
    for obs in [o for o in observations if o.field in forms]:
        for pattern in forms[obs.field]:
            found = pattern.match(obs.value)
            name = unquote(found.group("name")).strip() if found else ""
            if not name:
                continue
            if seen is None:
                seen = {o.value for o in observations if o.field == NAME_SCOPE_FIELD}
            if name not in seen:
                seen.add(name)
                out.append(Observation(NAME_SCOPE_FIELD, name, source=f"derived:{obs.field}"))
    return out


def collect_hits(observations: Iterable[Observation], index: RuleIndex) -> list[Hit]:
    hits: list[Hit] = []
    for obs in observations:
        for rule, extracted in index.evaluate(obs.field, obs.value):
            hits.append(Hit(rule, obs.field, obs.value, extracted))
    return hits


def best_per_rule(hits: Iterable[Hit]) -> dict[str, Hit]:
    """The strongest hit of each rule id (a rule counts once however often it fires)."""
    best: dict[str, Hit] = {}
    for hit in hits:
        have = best.get(hit.rule.id)
        if have is None or hit.rule.certainty > have.rule.certainty:
            best[hit.rule.id] = hit
    return best


def combine(certainties: Iterable[float]) -> float:
    miss = 1.0
    for c in certainties:
        miss *= 1.0 - max(0.0, min(1.0, c))
    return 1.0 - miss


def maker_scores(hits: Iterable[Hit]) -> dict[str, float]:
    per_maker: dict[str, list[float]] = {}
    for hit in best_per_rule(hits).values():
        if hit.rule.vendor != ANY_VENDOR:
            per_maker.setdefault(hit.rule.vendor, []).append(hit.rule.certainty)
    return {maker: combine(values) for maker, values in per_maker.items()}


def ranked(scores: dict[str, float]) -> list[tuple[str, float]]:
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))

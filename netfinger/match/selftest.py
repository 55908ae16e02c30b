"""The signature self-test, generated from the data (run by ``netfinger signatures test`` and pytest).

Checks: schema; fields in :mod:`netfinger.fields`; controlled vocabularies; every example matches its
rule and extracts exactly what it claims; no counterexample matches; no example of one maker is
claimed by another maker's rule on the same field at equal or higher certainty; brand model examples
match their brand; vulnerability model regexes compile and firmware bounds parse; the verdict tiers
(:mod:`netfinger.match.selftest_tiers`): each rule alone gives the tier its strength implies, and one
independence group never confirms twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from netfinger.fields import is_known_field
from netfinger.match import firmware as fw
from netfinger.match.loader import Documents, build_signatures, read_documents, schema_problems
from netfinger.match.model import ANY_VENDOR, Rule, Signatures
from netfinger.match.rules import CompiledRule
from netfinger.match.selftest_tiers import tier_problems


@dataclass
class SelfTestResult:
    failures: list[str] = field(default_factory=list)
    checks: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures


def example_problems(rule: Rule) -> Iterator[str]:
    """Examples that fail to match or extract the wrong thing, and counterexamples that match."""
    try:
        compiled = CompiledRule(rule)
    except re.error as exc:
        yield f"{rule.id}: pattern does not compile: {exc}"
        return
    for example in rule.examples:
        got = compiled.test(example.value)
        if got is None:
            yield f"{rule.id} [{rule.field}]: example {example.value!r} does not match"
        elif tuple(sorted(got.values)) != example.extract:
            yield (
                f"{rule.id} [{rule.field}]: example {example.value!r} extracts {got.as_dict()},"
                f" expected {dict(example.extract)}"
            )
    for counter in rule.counterexamples:
        if compiled.test(counter) is not None:
            yield f"{rule.id} [{rule.field}]: counterexample {counter!r} matches"
    if not rule.counterexamples and rule.match != "present":
        yield f"{rule.id}: needs at least one counterexample"


def _brand_of(rule: Rule) -> str | None:
    return rule.id.split(".")[1] if rule.origin == "brands.yaml" and rule.id.startswith("brand.") else None


def collision_problems(rules: tuple[Rule, ...]) -> Iterator[str]:
    """An example of maker A claimed by a rule of maker B (same field) at equal or higher certainty."""
    by_field: dict[str, list[tuple[Rule, CompiledRule]]] = {}
    for rule in rules:
        if rule.vendor != ANY_VENDOR:
            by_field.setdefault(rule.field, []).append((rule, CompiledRule(rule)))
    for group in by_field.values():
        for rule, _ in group:
            for other, compiled in group:
                if other.vendor == rule.vendor or other.certainty < rule.certainty:
                    continue
                if _brand_of(rule) is not None and _brand_of(rule) == _brand_of(other):
                    continue  # one brand tied to two makers on purpose (e.g. Annke)
                for example in rule.examples:
                    if compiled.test(example.value) is not None:
                        yield (
                            f"{rule.id} [{rule.field}]: example {example.value!r} ({rule.vendor})"
                            " is claimed by "
                            f"{other.id} ({other.vendor}, certainty {other.certainty} >= {rule.certainty})"
                        )


def vocabulary_problems(sigs: Signatures) -> Iterator[str]:
    vocab = sigs.vocabulary
    for rule in sigs.rules:
        if not is_known_field(rule.field):
            yield f"{rule.id}: field {rule.field!r} is not in netfinger/fields.py"
        if rule.vendor != ANY_VENDOR and rule.vendor not in vocab.makers:
            yield f"{rule.id}: vendor {rule.vendor!r} is not in vocabulary.yaml makers"
        if rule.brand is not None and rule.brand not in vocab.brands:
            yield f"{rule.id}: brand {rule.brand!r} is not a known brand"
        if rule.device_type is not None and rule.device_type not in vocab.device_types:
            yield f"{rule.id}: device_type {rule.device_type!r} is not in vocabulary.yaml"
    for brand in sigs.brands:
        for maker in brand.makers:
            if maker.maker not in vocab.makers or maker.relation not in vocab.relations:
                yield f"brand {brand.name}: unknown maker/relation {maker.maker!r}/{maker.relation!r}"
    for fld in (*sigs.name_fields, *sigs.model_fields):
        if not is_known_field(fld):
            yield f"vocabulary.yaml: field {fld!r} is not in netfinger/fields.py"
    for reg in sigs.regulations:
        yield from (f"regulation {reg.id}: unknown maker {m!r}" for m in reg.makers if m not in vocab.makers)
        unknown = [b for b in reg.subsidiaries if b not in vocab.brands]
        yield from (f"regulation {reg.id}: unknown brand {b!r}" for b in unknown)


def brand_problems(sigs: Signatures) -> Iterator[str]:
    seen: set[str] = set()
    for brand in sigs.brands:
        if brand.name in seen:
            yield f"brand {brand.name}: listed twice"
        seen.add(brand.name)
        if brand.models and not brand.model_examples:
            yield f"brand {brand.name}: models need model_examples"
        patterns = [re.compile(m) for m in brand.models]
        for example in brand.model_examples:
            if not any(p.match(example) for p in patterns):
                yield f"brand {brand.name}: model example {example!r} matches none of its models"


def vulnerability_problems(sigs: Signatures) -> Iterator[str]:
    vocab = sigs.vocabulary
    for vuln in sigs.vulnerabilities:
        if vuln.maker not in vocab.makers:
            yield f"{vuln.id}: unknown maker {vuln.maker!r}"
        yield from (f"{vuln.id}: unknown brand {b!r}" for b in vuln.brands if b not in vocab.brands)
        for item in vuln.affected:
            try:
                re.compile(item.model)
            except re.error as exc:
                yield f"{vuln.id} {item.family}: model regex does not compile: {exc}"
            rng = item.firmware
            bounds = [b for b in (rng.first, rng.last, rng.before) if b] if rng else []
            for bound in bounds:
                if fw.parse(bound, vuln.maker).family == fw.OTHER:
                    yield f"{vuln.id} {item.family}: firmware bound {bound!r} does not parse as {vuln.maker}"
        if vuln.basis == "firmware" and any(a.firmware is None for a in vuln.affected):
            yield f"{vuln.id}: basis firmware needs a firmware range on every affected family"


def run_selftest(documents: Documents | None = None) -> SelfTestResult:
    docs = documents or read_documents(use_cache=False)
    result = SelfTestResult()
    result.failures.extend(schema_problems(docs))
    if result.failures:
        return result
    sigs = build_signatures(docs)
    for rule in sigs.rules:
        result.checks += len(rule.examples) + len(rule.counterexamples)
        result.failures.extend(example_problems(rule))
    result.failures.extend(collision_problems(sigs.rules))
    result.failures.extend(vocabulary_problems(sigs))
    result.failures.extend(brand_problems(sigs))
    result.failures.extend(vulnerability_problems(sigs))
    tier_checks, tier_failures = tier_problems(sigs)
    result.checks += tier_checks
    result.failures.extend(tier_failures)
    ids = [(r.id, r.field) for r in sigs.rules]
    if len(ids) != len(set(ids)):
        result.failures.append("duplicate rule id on the same field")
    return result

"""Self-test of the verdict tiers, generated from the data (part of ``netfinger signatures test``).

* Every rule, firing alone (a host with one observation: the rule's first example, matched by a
  matcher that holds only that rule), must give the tier its vendor, certainty and strength imply:
  ``unknown`` below the naming threshold, for ``any`` or a weak rule, ``clear`` for a maker no
  regulation covers, else ``banned`` if strong and ``suspect`` otherwise.
* Two corroborating rules of one independence group (same maker) firing together must not confirm:
  they are one fact. Two of different groups on different values must confirm (``banned``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import replace

from netfinger.evidence import HostEvidence, Observation
from netfinger.match import regulation, tiers
from netfinger.match.engine import MIN_MAKER_SCORE, SignatureMatcher
from netfinger.match.model import ANY_VENDOR, CORROBORATING, STRONG, WEAK, Rule, Signatures
from netfinger.match.rules import fold
from netfinger.match.scoring import combine


def implied_tier(rule: Rule, sigs: Signatures) -> str:
    """The tier a host gets when only ``rule`` fires, by the rule's data alone."""
    if rule.vendor == ANY_VENDOR or rule.certainty < MIN_MAKER_SCORE or rule.strength == WEAK:
        return tiers.UNKNOWN
    if not regulation.covering(sigs.regulations, rule.vendor):
        return tiers.CLEAR
    return tiers.BANNED if rule.strength == STRONG else tiers.SUSPECT


def tier_alone(sigs: Signatures, rules: tuple[Rule, ...]) -> str:
    """The tier the real matcher gives a host on which exactly ``rules`` fire (their first examples)."""
    matcher = SignatureMatcher(replace(sigs, rules=rules), oui=None)
    observations = [Observation(r.field, r.examples[0].value) for r in rules if r.examples]
    return matcher.classify(HostEvidence(ip="192.0.2.1", observations=observations)).status


def single_rule_problems(sigs: Signatures) -> Iterator[str]:
    for rule in sigs.rules:
        if not rule.examples:
            continue
        want, got = implied_tier(rule, sigs), tier_alone(sigs, (rule,))
        if got != want:
            yield (
                f"{rule.id} [{rule.field}]: firing alone gives {got}; strength {rule.strength}, "
                f"certainty {rule.certainty} and vendor {rule.vendor} imply {want}"
            )
        if rule.strength == STRONG and rule.vendor != ANY_VENDOR and rule.certainty < MIN_MAKER_SCORE:
            yield f"{rule.id}: strong but certainty {rule.certainty} < {MIN_MAKER_SCORE} names no maker"


def _corroborating_by_maker(sigs: Signatures) -> dict[str, dict[str, list[Rule]]]:
    """Covered maker -> independence group -> its corroborating rules (one per id, with an example)."""
    out: dict[str, dict[str, list[Rule]]] = {}
    seen: set[str] = set()
    for rule in sigs.rules:
        covered = rule.vendor != ANY_VENDOR and regulation.covering(sigs.regulations, rule.vendor)
        if rule.strength != CORROBORATING or not covered or not rule.examples or rule.id in seen:
            continue
        seen.add(rule.id)
        out.setdefault(rule.vendor, {}).setdefault(rule.group, []).append(rule)
    return out


def _pair_problem(sigs: Signatures, a: Rule, b: Rule, want: str) -> str | None:
    if a.field == b.field or fold(a.examples[0].value) == fold(b.examples[0].value):
        return None  # one observation cannot carry both examples; not a pair of facts
    if combine((a.certainty, b.certainty)) < MIN_MAKER_SCORE:
        return None
    got = tier_alone(sigs, (a, b))
    if got == want:
        return None
    same = a.group == b.group
    why = f"one independence group ({a.group}) counted twice" if same else "independent signals not counted"
    return f"{a.id} + {b.id} ({a.vendor}): {got}, expected {want}: {why}"


def pair_problems(sigs: Signatures) -> Iterator[str]:
    for groups in _corroborating_by_maker(sigs).values():
        names = sorted(groups)
        for group in names:
            members = groups[group]
            for a, b in itertools.pairwise(members):
                problem = _pair_problem(sigs, a, b, tiers.SUSPECT)
                if problem:
                    yield problem
        for first, second in itertools.pairwise(names):
            problem = _pair_problem(sigs, groups[first][0], groups[second][0], tiers.BANNED)
            if problem:
                yield problem


def tier_problems(sigs: Signatures) -> tuple[int, list[str]]:
    """(number of generated tier cases, failures)."""
    problems = [*single_rule_problems(sigs), *pair_problems(sigs)]
    groups = _corroborating_by_maker(sigs)
    pairs = sum(max(len(g) - 1, 0) for m in groups.values() for g in m.values())
    pairs += sum(max(len(m) - 1, 0) for m in groups.values())
    return len(sigs.rules) + pairs, problems

"""The verdict tier of a host: ``banned``, ``suspect``, ``clear`` or ``unknown``.

Attribution (who made it) is scored in :mod:`netfinger.match.scoring`; whether that attribution is
*confirmed* comes from the data: each rule's ``strength`` and ``independence`` group.

* ``unknown``: no maker reached the naming threshold with a non-weak signal (weak hits add to a
  maker's score, but never name one on their own).
* ``clear``: the maker is one no regulation covers.
* ``banned``: a covered maker, confirmed by one ``strong`` hit, or by two ``corroborating`` hits of
  different independence groups on different values (the same string seen on two fields is one fact).
* ``suspect``: a covered maker, named (at least one corroborating hit) but not confirmed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from netfinger.match.model import CORROBORATING, STRONG, WEAK, ConfirmHint
from netfinger.match.rules import fold
from netfinger.match.scoring import Hit, best_per_rule

BANNED = "banned"
SUSPECT = "suspect"
CLEAR = "clear"
UNKNOWN = "unknown"
STATUSES = (BANNED, SUSPECT, CLEAR, UNKNOWN)
FALLBACK_HINT = "read the maker and model on the device's label or in its web UI"


def _rank(hit: Hit) -> tuple[float, str, str]:
    """Strongest first, then by rule id and field (a stable order for the same evidence)."""
    return (-hit.rule.certainty, hit.rule.id, hit.field)


def nameable(scores: dict[str, float], hits: Iterable[Hit]) -> dict[str, float]:
    """The scores of makers some non-weak hit supports: weak hits add to a maker's score, never name it."""
    named = {h.rule.vendor for h in hits if h.rule.strength != WEAK}
    return {maker: score for maker, score in scores.items() if maker in named}


def weak_only_notes(scores: dict[str, float], hits: Sequence[Hit]) -> list[str]:
    """A note per maker that only weak hints point at (strongest first)."""
    named = nameable(scores, hits)
    weak = sorted(((m, s) for m, s in scores.items() if m not in named), key=lambda kv: (-kv[1], kv[0]))
    return [f"only weak hints point at {maker} ({score:.2f}): none names a maker" for maker, score in weak]


def confirming(supporting: Iterable[Hit]) -> tuple[Hit, ...]:
    """The hits that confirm a maker (one strong, or an independent corroborating pair); () if none."""
    best = best_per_rule(supporting).values()
    strong = [h for h in best if h.rule.strength == STRONG]
    if strong:
        return (min(strong, key=_rank),)
    corroborating = sorted((h for h in best if h.rule.strength == CORROBORATING), key=_rank)
    for i, first in enumerate(corroborating):
        for second in corroborating[i + 1 :]:
            if first.rule.group != second.rule.group and fold(first.value) != fold(second.value):
                return (first, second)
    return ()


def status_for(maker: str | None, covered: bool, supporting: Sequence[Hit]) -> str:
    """The tier of a host attributed to ``maker`` (None: unattributed) by the ``supporting`` hits."""
    if maker is None:
        return UNKNOWN
    if not covered:
        return CLEAR
    return BANNED if confirming(supporting) else SUSPECT


def shortfall(supporting: Sequence[Hit], maker: str) -> str:
    """Why a suspect is not confirmed, in one line."""
    best = best_per_rule(supporting).values()
    groups = sorted({h.rule.group for h in best if h.rule.strength == CORROBORATING})
    return (
        f"suspect: one independent corroborating signal ({', '.join(groups)}) and no strong one point at "
        f"{maker}; confirming needs a strong signal or a second independent one"
    )


def settle_hints(hints: tuple[ConfirmHint, ...], fields: Iterable[str]) -> tuple[str, ...]:
    """What would settle a suspect: each hint whose evidence is absent from the host's observed fields."""
    seen = tuple(fields)
    said = [h.say for h in hints if not any(f.startswith(h.absent) for f in seen)]
    return tuple(said) or (FALLBACK_HINT,)

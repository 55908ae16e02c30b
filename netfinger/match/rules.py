"""Rule evaluation: compiled tests over one evidence value, indexed by field, with a bounded cache."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from netfinger.match.model import Rule

CACHE_LIMIT = 200_000
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Case- and space-insensitive form used by ``iequals`` and ``oui_org``."""
    return _SPACES.sub(" ", text.strip()).casefold()


@dataclass(frozen=True, slots=True)
class Extracted:
    """What one rule pulled out of one value (empty when the rule extracts nothing)."""

    values: tuple[tuple[str, str], ...] = ()

    def get(self, key: str) -> str | None:
        for name, value in self.values:
            if name == key:
                return value
        return None

    def as_dict(self) -> dict[str, str]:
        return dict(self.values)


class CompiledRule:
    """A rule made ready to test values quickly (regexes compiled once)."""

    __slots__ = ("_folded", "_regex", "rule")

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self._regex = re.compile(rule.pattern) if rule.match == "regex" else None
        self._folded = frozenset(fold(v) for v in rule.values)

    def test(self, value: str) -> Extracted | None:
        """Return what the rule extracts from ``value`` when it matches, else None."""
        kind = self.rule.match
        if kind == "regex":
            assert self._regex is not None
            found = self._regex.search(value)
            if found is None:
                return None
            groups = found.groupdict()
            pairs = tuple(
                (key, groups[group].strip())
                for key, group in self.rule.extracts
                if groups.get(group) and groups[group].strip()
            )
            return Extracted(pairs)
        return Extracted() if self._simple(kind, value) else None

    def _simple(self, kind: str, value: str) -> bool:
        if kind == "equals":
            return value in self.rule.values
        if kind in ("iequals", "oui_org"):
            return fold(value) in self._folded
        if kind == "prefix":
            return value.startswith(self.rule.values)
        if kind == "contains":
            return any(v in value for v in self.rule.values)
        return kind == "present" and bool(value.strip())


class RuleIndex:
    """All rules by evidence field; ``evaluate`` answers from a cache for values seen before."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._by_field: dict[str, list[CompiledRule]] = {}
        for rule in rules:
            self._by_field.setdefault(rule.field, []).append(CompiledRule(rule))
        self._cache: dict[tuple[str, str], tuple[tuple[Rule, Extracted], ...]] = {}

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(self._by_field)

    def evaluate(self, field: str, value: str) -> tuple[tuple[Rule, Extracted], ...]:
        compiled = self._by_field.get(field)
        if not compiled:
            return ()
        key = (field, value)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        hits: list[tuple[Rule, Extracted]] = []
        for item in compiled:
            got = item.test(value)
            if got is not None:
                hits.append((item.rule, got))
        result = tuple(hits)
        if len(self._cache) >= CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = result
        return result

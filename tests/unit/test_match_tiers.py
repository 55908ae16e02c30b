"""Verdict tiers: strength and independence come from the data, the engine applies them, the self-test
catches data or engine that would let one fact confirm a regulated maker."""

from __future__ import annotations

from dataclasses import replace

import pytest

from netfinger.evidence import HostEvidence, Observation
from netfinger.match import default_matcher, default_signatures, scoring, tiers
from netfinger.match.loader import read_documents, schema_problems
from netfinger.match.model import CORROBORATING, STRONG, WEAK, Rule
from netfinger.match.selftest_tiers import pair_problems, single_rule_problems, tier_alone, tier_problems
from netfinger.report.samples import suspect_host


def _rule(rule_id: str) -> Rule:
    return next(r for r in default_signatures().rules if r.id == rule_id)


def _classify(*observations: tuple[str, str]):  # type: ignore[no-untyped-def]
    host = HostEvidence(ip="192.0.2.9", observations=[Observation(f, v) for f, v in observations])
    return default_matcher().classify(host)


def test_every_rule_declares_strength_and_group() -> None:
    for rule in default_signatures().rules:
        assert rule.strength in (STRONG, CORROBORATING, WEAK), rule.id
        assert rule.group, rule.id


def test_tier_selftest_passes_on_shipped_data() -> None:
    checks, problems = tier_problems(default_signatures())
    assert problems == []
    assert checks > len(default_signatures().rules)


def test_selftest_catches_an_engine_that_counts_one_group_twice(monkeypatch: pytest.MonkeyPatch) -> None:
    def any_two(supporting):  # type: ignore[no-untyped-def]
        best = list(scoring.best_per_rule(supporting).values())
        strong = [h for h in best if h.rule.strength == STRONG]
        return tuple(strong[:1]) or tuple(h for h in best if h.rule.strength == CORROBORATING)[1:2]

    monkeypatch.setattr(tiers, "confirming", any_two)
    problems = list(pair_problems(default_signatures()))
    assert any("counted twice" in p for p in problems)


def test_selftest_catches_a_rule_whose_tier_differs_from_its_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tiers, "confirming", lambda supporting: ())  # an engine that never confirms
    problems = list(single_rule_problems(default_signatures()))
    assert any(p.startswith("sadp.serial [sadp.DeviceSN]: firing alone gives suspect") for p in problems)


def test_selftest_catches_a_group_counted_twice() -> None:
    sigs = default_signatures()
    title, jsbase = _rule("http.dahua.title"), _rule("http.dahua.jsbase")
    assert title.group == jsbase.group == "http.webui"
    assert tier_alone(sigs, (title, jsbase)) == "suspect"
    # Put them in different groups: now they are independent and confirm.
    split = replace(sigs, rules=(*sigs.rules, replace(jsbase, id="x.jsbase", independence="x.other")))
    assert tier_alone(split, (title, replace(jsbase, id="x.jsbase", independence="x.other"))) == "banned"
    assert list(pair_problems(sigs)) == []


def test_selftest_reports_a_mismatch_between_data_and_engine() -> None:
    sigs = default_signatures()
    serial = _rule("sadp.serial")
    # A strong rule whose certainty cannot name the maker: it can never confirm; the self-test says so.
    broken = replace(sigs, rules=(replace(serial, certainty=0.1),))
    problems = list(single_rule_problems(broken))
    assert any("names no maker" in p for p in problems)


def test_strength_and_independence_are_required_by_the_schema() -> None:
    docs = read_documents()
    raw = docs.docs["rules/wsd.yaml"]["rules"][0]
    del raw["strength"]
    assert any("'strength' is a required property" in p for p in schema_problems(docs))


def test_one_weak_scope_gives_suspect_at_most() -> None:
    for field, value in (
        ("wsd.scope.location", "country/china"),
        ("wsd.scope.location", "city/hangzhou"),
        ("wsd.scope.type", "Network_Video_Transmitter"),
        ("onvif.Manufacturer", "General"),
        ("wsd.scope.name", "General"),
        ("http.header.server", "Webs"),
        ("mac.oui_org", "Lorex Technology Inc."),
    ):
        verdict = _classify((field, value))
        assert not verdict.banned, (field, value)
        assert verdict.status in ("suspect", "unknown"), (field, value, verdict.status)


def test_weak_signals_alone_name_no_maker() -> None:
    verdict = _classify(
        ("wsd.scope.location", "country/china"), ("wsd.scope.type", "Network_Video_Transmitter")
    )
    assert verdict.manufacturer is None and verdict.status == "unknown" and not verdict.banned
    assert any("only weak hints point at Dahua (0.51)" in n for n in verdict.notes)


def test_a_suspect_lists_its_signals_and_what_would_settle_it() -> None:
    verdict = _classify(("wsd.scope.location", "country/china"), ("onvif.Manufacturer", "IC Realtime"))
    assert verdict.manufacturer == "Dahua"
    assert verdict.status == "suspect" and not verdict.banned and verdict.banned_by == ()
    assert verdict.suspect is not None
    assert set(verdict.suspect.covered_by) >= {"ndaa-889", "fcc-covered-list"}
    strengths = {s.rule: s.strength for s in verdict.suspect.signals}
    assert strengths == {"brand.ic-realtime.name": "corroborating", "wsd.dahua.location": "weak"}
    assert any("DHIP did not answer" in hint for hint in verdict.suspect.settle)
    assert any("open the web UI" in hint for hint in verdict.suspect.settle)
    assert not any("--credentials" in hint for hint in verdict.suspect.settle)  # ONVIF already named it
    assert any(n.startswith("suspect: one independent corroborating signal (label)") for n in verdict.notes)


def test_same_string_on_two_fields_is_one_fact() -> None:
    one = _classify(("onvif.Manufacturer", "HIKVISION"))
    twice = _classify(("onvif.Manufacturer", "HIKVISION"), ("wsd.scope.name", "HIKVISION"))
    assert one.status == twice.status == "suspect"


def test_two_independent_corroborating_signals_confirm() -> None:
    verdict = _classify(("onvif.Manufacturer", "HIKVISION"), ("onvif.Model", "DS-2CD2143G0-I"))
    assert verdict.status == "banned" and verdict.banned
    assert verdict.suspect is None


def test_one_strong_signal_confirms_and_settle_hints_skip_what_was_seen() -> None:
    assert _classify(("sadp.DeviceSN", "DS-2CD2320D-I20180919AACHC52932642")).status == "banned"
    suspect = _classify(("http.header.server", "App-webs/"), ("sadp.CommandPort", "x"))
    assert suspect.status == "suspect" and suspect.suspect is not None
    assert not any("SADP did not answer" in h for h in suspect.suspect.settle)


def test_other_makers_are_clear_and_nothing_is_unknown() -> None:
    assert _classify(("onvif.Manufacturer", "AXIS")).status in ("clear", "unknown")
    assert _classify().status == "unknown"


def test_the_sample_suspect_is_what_the_matcher_says() -> None:
    sample = suspect_host()
    verdict = default_matcher().classify(sample.evidence)
    assert verdict.status == sample.verdict.status == "suspect"
    assert (verdict.manufacturer, verdict.brand) == (sample.verdict.manufacturer, sample.verdict.brand)
    assert verdict.suspect is not None and sample.verdict.suspect is not None
    assert verdict.suspect.signals == sample.verdict.suspect.signals
    assert verdict.suspect.settle == sample.verdict.suspect.settle
    assert verdict.notes == sample.verdict.notes

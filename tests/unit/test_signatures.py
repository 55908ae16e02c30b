"""The signature self-test as pytest cases generated from the data, plus coverage of the data itself."""

from __future__ import annotations

from typing import Any

import pytest

from netfinger.fields import is_known_field
from netfinger.match import default_signatures
from netfinger.match.loader import read_documents, schema_problems
from netfinger.match.model import Example, Rule
from netfinger.match.selftest import (
    brand_problems,
    collision_problems,
    example_problems,
    run_selftest,
    vocabulary_problems,
    vulnerability_problems,
)


def _rules() -> list[Any]:
    return [pytest.param(r, id=f"{r.id}@{r.field}") for r in default_signatures().rules]


@pytest.mark.parametrize("rule", _rules())
def test_rule_examples_and_counterexamples(rule: Rule) -> None:
    assert list(example_problems(rule)) == []
    assert is_known_field(rule.field)


def test_schema_valid() -> None:
    assert schema_problems(read_documents()) == []


def test_no_cross_maker_collisions() -> None:
    assert list(collision_problems(default_signatures().rules)) == []


def test_vocabularies_brands_and_vulnerabilities() -> None:
    sigs = default_signatures()
    assert list(vocabulary_problems(sigs)) == []
    assert list(brand_problems(sigs)) == []
    assert list(vulnerability_problems(sigs)) == []


def test_selftest_passes() -> None:
    result = run_selftest()
    assert result.ok, result.failures[:10]
    assert result.checks > 1000


def test_selftest_catches_a_wrong_extraction_and_a_matching_counterexample() -> None:
    bad = Rule(
        id="test.bad",
        field="http.header.server",
        match="regex",
        vendor="Hikvision",
        certainty=0.5,
        pattern=r"^(?P<model>App)-webs/$",
        extracts=(("model", "model"),),
        examples=(Example("App-webs/", (("model", "Wrong"),)),),
        counterexamples=("App-webs/",),
    )
    problems = list(example_problems(bad))
    assert any("extracts" in p for p in problems)
    assert any("counterexample" in p for p in problems)


def test_selftest_catches_a_collision() -> None:
    hik = Rule("t.hik", "http.title", "equals", "Hikvision", 0.5, values=("X",), examples=(Example("X"),))
    dahua = Rule("t.dahua", "http.title", "equals", "Dahua", 0.6, values=("X",), examples=(Example("X"),))
    assert len(list(collision_problems((hik, dahua)))) == 1


def test_data_coverage() -> None:
    sigs = default_signatures()
    assert len(sigs.brands) >= 30
    assert all(b.primary_maker in ("Hikvision", "Dahua") for b in sigs.brands)
    vulns = {v.id: v for v in sigs.vulnerabilities}
    assert len(vulns) >= 12
    for cve in ("CVE-2017-7921", "CVE-2021-36260", "CVE-2017-14953", "CVE-2013-6117", "CVE-2017-7925",
                "CVE-2017-7927", "CVE-2021-33044", "CVE-2021-33045", "CVE-2022-30563", "CVE-2025-31700",
                "CVE-2025-31701", "CVE-2020-5735"):
        assert cve in vulns
    assert "CVE-2017-7923" in vulns["CVE-2017-7921"].aliases
    assert vulns["CVE-2021-36260"].kev and vulns["CVE-2021-36260"].kev_date_added is not None
    assert {r.id for r in sigs.regulations} == {"ndaa-889", "fcc-covered-list", "commerce-entity-list"}
    fcc = next(r for r in sigs.regulations if r.id == "fcc-covered-list")
    assert any("Hikvision" in entity for entity, _ in fcc.added)


def test_brand_rules_skip_the_other_makers_native_fields() -> None:
    """A label made by both makers (Annke) counts for Dahua only in DHIP/magicBox, for Hikvision only in
    SADP/ISAPI; a former OEM's name and OUI stay below the naming threshold together."""
    rules = [r for r in default_signatures().rules if r.origin == "brands.yaml"]
    annke = {(r.vendor, r.field) for r in rules if r.id.startswith("brand.annke.name")}
    assert ("Dahua", "dhip.Vendor") in annke and ("Hikvision", "dhip.Vendor") not in annke
    assert ("Hikvision", "http.isapi.manufacturer") in annke
    assert ("Dahua", "http.isapi.manufacturer") not in annke
    assert ("Hikvision", "onvif.Manufacturer") in annke and ("Dahua", "onvif.Manufacturer") in annke
    swann = {r.id: r.certainty for r in rules if r.id.startswith("brand.swann.")}
    assert 1 - (1 - swann["brand.swann.name"]) * (1 - swann["brand.swann.oui"]) < 0.3

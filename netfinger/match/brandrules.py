"""Rules generated from ``brands.yaml``: brand names, model shapes and OUI organisations.

Each brand yields, per maker it is tied to, a name rule per name field, a model rule per model field
and an OUI rule. The certainty a rule lends to the maker depends on the relation: a maker's own name
or a subsidiary's is strong, a current OEM's weaker, a former OEM's weak: below the naming threshold alone,
so a label that was (or is partly) sourced elsewhere never names a maker by itself (the protocol
shape decides).
Their strength and independence group (what a hit can confirm, see :mod:`netfinger.match.tiers`) come
from vocabulary.yaml ``generated_rules``, by kind and relation.
Examples and counterexamples are generated too, so the self-test covers these rules like the others.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from netfinger.match.model import Brand, BrandMaker, Example, GeneratedKind, Rule

NAME_CERTAINTY = {
    "maker": 0.85, "subsidiary": 0.85, "sub-brand": 0.8, "JV": 0.8, "OEM": 0.7, "former OEM": 0.25,
}
MODEL_CERTAINTY = {
    "maker": 0.6, "subsidiary": 0.6, "sub-brand": 0.6, "JV": 0.6, "OEM": 0.5, "former OEM": 0.2,
}
OUI_CERTAINTY = {
    "maker": 0.4, "subsidiary": 0.4, "sub-brand": 0.35, "JV": 0.4, "OEM": 0.3, "former OEM": 0.05,
}
SCOPE_NAME_FIELD = "wsd.scope.name"
# Fields only one maker's firmware fills (its own discovery/API); other makers' names and model shapes
# are not looked for there, so a Dahua-shaped string in SADP cannot count for Dahua and vice versa, and
# a label made by both (Annke) counts only for the maker whose protocol carried it.
NATIVE_FIELDS = {
    "sadp.": "Hikvision", "http.isapi.": "Hikvision", "dhip.": "Dahua", "http.magicbox.": "Dahua",
}
OUI_FIELD = "mac.oui_org"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def rule_id(brand: Brand, maker: BrandMaker, kind: str) -> str:
    """``brand.<brand>.<kind>``, plus ``.<maker>`` for a brand tied to several makers.

    One id per brand and kind across all fields: the same claim seen on two fields counts once.
    """
    base = f"brand.{slug(brand.name)}.{kind}"
    return base if len(brand.makers) == 1 else f"{base}.{slug(maker.maker)}"


def name_pattern(names: tuple[str, ...], with_model: bool) -> str:
    """Whole value equal to one of ``names`` (any case); for ONVIF name scopes also ``<name> <model>``."""
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    tail = r"(?:\s+(?P<model>\S.*))?" if with_model else ""
    return rf"(?i)^\s*(?:{alternatives}){tail}\s*$"


def _native_maker(fld: str, default: str) -> str:
    return next((m for p, m in NATIVE_FIELDS.items() if fld.startswith(p)), default)


def _name_rules(
    brand: Brand, maker: BrandMaker, fields: tuple[str, ...], kind: GeneratedKind
) -> Iterator[Rule]:
    for fld in fields:
        if _native_maker(fld, maker.maker) != maker.maker:
            continue
        with_model = fld == SCOPE_NAME_FIELD
        examples = [Example(n) for n in brand.names]
        if with_model and brand.model_examples:
            model = brand.model_examples[0]
            examples.append(Example(f"{brand.names[0]} {model}", (("model", model),)))
        yield Rule(
            id=rule_id(brand, maker, "name"),
            field=fld,
            match="regex",
            vendor=maker.maker,
            certainty=NAME_CERTAINTY[maker.relation],
            strength=kind.strength_for(maker.relation),
            independence=kind.independence,
            pattern=name_pattern(brand.names, with_model),
            brand=brand.name,
            extracts=(("model", "model"),) if with_model else (),
            examples=tuple(examples),
            counterexamples=tuple(f"{n}x" for n in brand.names if not (with_model and " " in n))
            + tuple(f"Not {n}" for n in brand.names),
            note=f"{brand.name} name ({maker.relation} of {maker.maker})",
            origin="brands.yaml",
        )


def _model_rules(
    brand: Brand, maker: BrandMaker, fields: tuple[str, ...], kind: GeneratedKind
) -> Iterator[Rule]:
    pattern = "^(?:" + "|".join(f"(?:{m})" for m in brand.models) + ")"
    for fld in fields:
        if _native_maker(fld, maker.maker) != maker.maker:
            continue
        yield Rule(
            id=rule_id(brand, maker, "model"),
            field=fld,
            match="regex",
            vendor=maker.maker,
            certainty=MODEL_CERTAINTY[maker.relation],
            strength=kind.strength_for(maker.relation),
            independence=kind.independence,
            pattern=pattern,
            brand=brand.name,
            examples=tuple(Example(m) for m in brand.model_examples),
            counterexamples=("IP_Camera", "General", "unknown"),
            note=f"{brand.name} model shape ({maker.relation} of {maker.maker})",
            origin="brands.yaml",
        )


def _oui_rule(brand: Brand, maker: BrandMaker, kind: GeneratedKind) -> Rule:
    return Rule(
        id=rule_id(brand, maker, "oui"),
        field=OUI_FIELD,
        match="oui_org",
        vendor=maker.maker,
        certainty=OUI_CERTAINTY[maker.relation],
        strength=kind.strength_for(maker.relation),
        independence=kind.independence,
        values=brand.oui_orgs,
        brand=None if maker.relation == "maker" else brand.name,
        examples=tuple(Example(o) for o in brand.oui_orgs),
        counterexamples=tuple(f"{o} Holdings" for o in brand.oui_orgs),
        note=f"OUI registered to {brand.name} ({maker.relation} of {maker.maker}); alone only a weak hint",
        origin="brands.yaml",
    )


def generate_rules(
    brands: tuple[Brand, ...],
    name_fields: tuple[str, ...],
    model_fields: tuple[str, ...],
    kinds: dict[str, GeneratedKind],
) -> list[Rule]:
    out: list[Rule] = []
    for brand in brands:
        for maker in brand.makers:
            if brand.names:
                out.extend(_name_rules(brand, maker, name_fields, kinds["name"]))
            if brand.models:
                out.extend(_model_rules(brand, maker, model_fields, kinds["model"]))
            if brand.oui_orgs:
                out.append(_oui_rule(brand, maker, kinds["oui"]))
    return out

"""Turn schema-valid YAML mappings into the typed records of :mod:`netfinger.match.model`."""

from __future__ import annotations

from datetime import date
from typing import Any

from netfinger.match.model import (
    Affected,
    Brand,
    BrandMaker,
    ConfirmHint,
    Example,
    FirmwareRange,
    GeneratedKind,
    Regulation,
    Rule,
    Vulnerability,
)


def _strs(raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, str):
        return (raw,)
    return tuple(str(v) for v in raw)


def _date(raw: Any) -> date | None:
    if raw is None:
        return None
    if isinstance(raw, date):
        return raw
    return date.fromisoformat(str(raw))


def build_rules(raw: dict[str, Any], origin: str) -> list[Rule]:
    """One rule per field: a YAML rule may name several fields that carry the same kind of value."""
    return [build_rule(raw, origin, fld) for fld in _strs(raw["field"])]


def build_rule(raw: dict[str, Any], origin: str, fld: str) -> Rule:
    examples = tuple(
        Example(str(e["value"]), tuple(sorted((str(k), str(v)) for k, v in (e.get("extract") or {}).items())))
        for e in raw["examples"]
    )
    return Rule(
        id=str(raw["id"]),
        field=fld,
        match=str(raw["match"]),
        vendor=str(raw["vendor"]),
        certainty=float(raw["certainty"]),
        strength=str(raw["strength"]),
        independence=str(raw["independence"]),
        values=_strs(raw.get("value")),
        pattern=str(raw.get("pattern", "")),
        brand=raw.get("brand"),
        white_label=bool(raw.get("white_label", False)),
        device_type=raw.get("device_type"),
        extracts=tuple((str(k), str(v)) for k, v in (raw.get("extracts") or {}).items()),
        examples=examples,
        counterexamples=_strs(raw.get("counterexamples")),
        note=str(raw.get("note", "")),
        origin=origin,
    )


def build_brand(raw: dict[str, Any]) -> Brand:
    return Brand(
        name=str(raw["name"]),
        makers=tuple(BrandMaker(str(m["maker"]), str(m["relation"])) for m in raw["makers"]),
        names=_strs(raw.get("names")),
        models=_strs(raw.get("models")),
        model_examples=_strs(raw.get("model_examples")),
        oem_codes=_strs(raw.get("oem_codes")),
        oui_orgs=_strs(raw.get("oui_orgs")),
        sources=_strs(raw.get("sources")),
        note=str(raw.get("note", "")),
    )


def _range(raw: dict[str, Any] | None) -> FirmwareRange | None:
    if not raw:
        return None
    return FirmwareRange(
        first=raw.get("first"),
        last=raw.get("last"),
        before=raw.get("before"),
        built_before=_date(raw.get("built_before")),
        version_prefix=raw.get("version_prefix"),
    )


def build_vulnerability(raw: dict[str, Any]) -> Vulnerability:
    kev = raw["kev"]
    return Vulnerability(
        id=str(raw["id"]),
        title=str(raw["title"]),
        maker=str(raw["maker"]),
        basis=str(raw["basis"]),
        affected=tuple(
            Affected(str(a["family"]), str(a["model"]), _range(a.get("firmware"))) for a in raw["affected"]
        ),
        kev=bool(kev["listed"]),
        kev_date_added=_date(kev.get("date_added")),
        backdoor=bool(raw["backdoor"]),
        fixed_in=raw.get("fixed_in"),
        cvss=float(raw["cvss"]) if raw.get("cvss") is not None else None,
        brands=_strs(raw.get("brands")),
        requires_fields=_strs(raw.get("requires_fields")),
        references=_strs(raw.get("references")),
        note=str(raw.get("note", "")),
        aliases=_strs(raw.get("aliases")),
    )


def build_regulation(raw: dict[str, Any]) -> Regulation:
    added = tuple(
        (str(e["entity"]), d) for e in raw.get("entities") or [] if (d := _date(e.get("added"))) is not None
    )
    return Regulation(
        id=str(raw["id"]),
        name=str(raw["name"]),
        makers=_strs(raw.get("makers")),
        subsidiaries=_strs(raw.get("subsidiaries")),
        effective=_date(raw.get("effective")),
        added=added,
        scope=str(raw.get("scope", "")),
        references=_strs(raw.get("references")),
    )


def build_generated(raw: dict[str, Any]) -> dict[str, GeneratedKind]:
    """vocabulary.yaml ``generated_rules``: kind (name, model, oui) -> strength by relation and group."""
    return {
        str(kind): GeneratedKind(
            independence=str(spec["independence"]),
            strength=tuple((str(rel), str(s)) for rel, s in spec["strength"].items()),
        )
        for kind, spec in raw.items()
    }


def build_confirm(makers: dict[str, Any]) -> dict[str, tuple[ConfirmHint, ...]]:
    """vocabulary.yaml ``makers.<maker>.confirm``: what would settle a suspect verdict for that maker."""
    return {
        str(maker): tuple(ConfirmHint(str(h["absent"]), str(h["say"])) for h in spec["confirm"])
        for maker, spec in makers.items()
        if spec.get("confirm")
    }

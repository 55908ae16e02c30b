"""Pick model, firmware, brand and device type for the chosen maker from the hits that support it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from netfinger.match import firmware as fw
from netfinger.match.model import ANY_VENDOR, Signatures
from netfinger.match.scoring import Hit, combine

WHITE_LABEL = "(white label)"
OWN_SHAPE = "(own model shape)"


def supports(hit: Hit, maker: str) -> bool:
    return hit.rule.vendor in (maker, ANY_VENDOR)


def _vote(pairs: Iterable[tuple[str, float]]) -> str | None:
    """The value with the highest combined weight; ties go to the strongest single source."""
    weights: dict[str, list[float]] = {}
    for value, weight in pairs:
        weights.setdefault(value, []).append(weight)
    if not weights:
        return None
    return max(weights, key=lambda v: (combine(weights[v]), max(weights[v])))


def pick_model(hits: Sequence[Hit], maker: str) -> str | None:
    return _vote((m, h.rule.certainty) for h in hits if supports(h, maker) and (m := h.get("model")))


def pick_firmware(hits: Sequence[Hit], maker: str) -> tuple[fw.Firmware, Hit] | None:
    """The firmware from the most certain source; a separately reported build date is joined to it
    (ISAPI ``firmwareReleasedDate``, old magicBox ``BuildDate``)."""
    builds = [b for h in hits if supports(h, maker) and (b := h.get("firmware_build"))]
    best: tuple[float, int, fw.Firmware, Hit] | None = None
    for hit in hits:
        raw = hit.get("firmware")
        if not raw or not supports(hit, maker):
            continue
        parsed = fw.parse(raw, maker)
        if parsed.family != fw.OTHER and parsed.build is None and builds:
            parsed = fw.parse(raw, maker, builds[0])
        rank = (hit.rule.certainty, int(parsed.build is not None))
        if best is None or rank > best[:2]:
            best = (*rank, parsed, hit)
    return (best[2], best[3]) if best else None


def pick_device_type(hits: Sequence[Hit], maker: str, model_fields: tuple[str, ...]) -> str | None:
    """What the model string says it is; failing that, the strongest protocol hint."""
    best: tuple[bool, float, str] | None = None
    for hit in hits:
        kind = hit.rule.device_type or hit.get("device_type")
        if not kind or not supports(hit, maker):
            continue
        rank = (hit.field in model_fields, hit.rule.certainty, kind)
        if best is None or rank[:2] > best[:2]:
            best = rank
    return best[2] if best else None


def brand_scores(hits: Sequence[Hit], maker: str, sigs: Signatures) -> dict[str, float]:
    """Combined certainty per brand label tied to ``maker``.

    Pseudo labels: ``WHITE_LABEL`` for white-label firmware, ``OWN_SHAPE`` for the maker's own brand
    inferred only from the shape of a model number (weaker than the device naming itself).
    """
    own = sigs.maker_brand.get(maker, maker)
    allowed = {b.name for b in sigs.brands if any(m.maker == maker for m in b.makers)} | {own}
    per: dict[str, list[float]] = {}
    for hit in hits:
        if hit.rule.vendor != maker:
            continue
        label = WHITE_LABEL if hit.rule.white_label else hit.rule.brand or hit.get("brand")
        if label == own and hit.field in sigs.model_fields:
            label = OWN_SHAPE
        if label and (label in allowed or label in (WHITE_LABEL, OWN_SHAPE)):
            per.setdefault(label, []).append(hit.rule.certainty)
    return {label: combine(v) for label, v in per.items()}


def pick_brand(scores: dict[str, float], own: str, has_oem_brands: bool) -> str | None:
    """The label on the box.

    An OEM/sub-brand label beats white label; white label beats the maker's name unless the device
    names its maker more strongly; a model number shaped like the maker's own is the weakest hint.
    A maker without OEM labels (Axis, HP ...) is its own brand.
    """
    oem = {b: s for b, s in scores.items() if b not in (own, WHITE_LABEL, OWN_SHAPE)}
    if oem:
        return max(oem, key=lambda b: (oem[b], b))
    white = scores.get(WHITE_LABEL)
    if white is not None and white >= scores.get(own, 0.0):
        return None
    if own in scores or OWN_SHAPE in scores or not has_oem_brands:
        return own
    return None

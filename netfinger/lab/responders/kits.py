"""Shared section data ("kits") so profiles of one firmware family do not repeat the same routes.

A section may say ``kit: hikvision-ipc``; the responder then uses the mapping in
``kits/<protocol>-<kit>.yaml`` with the profile's own keys merged over it (mappings merge key by key,
everything else is replaced). Kits are data: adding a firmware family needs no code. Kit values are
templates like any profile value, filled with the device's ``vars`` at reply time.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from netfinger.lab.responders.base import ProfileError

KIT_DIR = Path(__file__).parent / "kits"


@functools.cache
def _load_kit(proto: str, name: str) -> dict[str, Any]:
    if not name.replace("-", "").replace("_", "").isalnum():
        raise ProfileError(f"kit name {name!r} may only hold letters, digits, '-' and '_'")
    path = KIT_DIR / f"{proto}-{name}.yaml"
    if not path.is_file():
        raise ProfileError(f"no kit {name!r} for {proto} (expected {path.name})")
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    if not isinstance(data, dict):
        raise ProfileError(f"{path.name}: a kit must be a mapping")
    if "kit" in data:
        base = _load_kit(proto, str(data["kit"]))
        data = merge(base, {k: v for k, v in data.items() if k != "kit"})
    return dict(data)


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Merge ``over`` onto ``base``: nested mappings key by key, other values replaced."""
    out = dict(base)
    for key, val in over.items():
        if isinstance(val, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], val)
        else:
            out[key] = val
    return out


def resolve(proto: str, section: Any, where: str = "") -> dict[str, Any]:
    """The effective section: its kit (if any) with the section's own keys merged over it."""
    if not isinstance(section, dict):
        raise ProfileError(f"{where or proto}: expected a mapping")
    kit = section.get("kit")
    if kit is None:
        return section
    if not isinstance(kit, str):
        raise ProfileError(f"{where or proto}.kit: expected a kit name")
    try:
        base = _load_kit(proto, kit)
    except ProfileError as exc:
        raise ProfileError(f"{where or proto}.kit: {exc}") from exc
    return merge(base, {k: v for k, v in section.items() if k != "kit"})

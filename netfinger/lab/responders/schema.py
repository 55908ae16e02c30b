"""Small validators shared by the responders' ``validate`` methods.

Each helper raises :class:`ProfileError` naming ``where`` plus the offending key, so a profile author
sees e.g. ``hik.yaml: http.ports[0].routes[2].status: expected an integer``.
"""

from __future__ import annotations

from typing import Any

from netfinger.lab.responders.base import ProfileError

Pairs = list[tuple[str, str]]


def mapping(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProfileError(f"{where}: expected a mapping")
    return value


def only_keys(section: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(str(k) for k in section if k not in allowed)
    if unknown:
        raise ProfileError(f"{where}.{unknown[0]}: unknown key (allowed: {', '.join(sorted(allowed))})")


def opt_str(section: dict[str, Any], key: str, where: str) -> None:
    val = section.get(key)
    if val is not None and not isinstance(val, str):
        raise ProfileError(f"{where}.{key}: expected a string")


def opt_bool(section: dict[str, Any], key: str, where: str) -> None:
    val = section.get(key)
    if val is not None and not isinstance(val, bool):
        raise ProfileError(f"{where}.{key}: expected true or false")


def opt_int(section: dict[str, Any], key: str, where: str, lo: int = 0, hi: int = 65535) -> None:
    val = section.get(key)
    if val is None:
        return
    if isinstance(val, bool) or not isinstance(val, int) or not lo <= val <= hi:
        raise ProfileError(f"{where}.{key}: expected an integer in {lo}..{hi}")


def port(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise ProfileError(f"{where}: expected a port number 1..65535")
    return value


def str_list(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"{where}: expected a list of strings")
    return value


def pairs(value: Any, where: str) -> Pairs:
    """Ordered name/value pairs, written as ``[[Name, value], ...]`` or ``[{Name: value}, ...]``.

    Values may be strings, numbers or booleans (rendered as YAML wrote them: true -> ``true``).
    """
    if value is None:
        return []
    if not isinstance(value, list):
        raise ProfileError(f"{where}: expected a list of [name, value] pairs")
    out: Pairs = []
    for i, item in enumerate(value):
        if isinstance(item, list | tuple) and len(item) == 2:
            name, val = item
        elif isinstance(item, dict) and len(item) == 1:
            name, val = next(iter(item.items()))
        else:
            raise ProfileError(f"{where}[{i}]: expected [name, value] or {{name: value}}")
        if not isinstance(name, str) or not name:
            raise ProfileError(f"{where}[{i}]: the name must be a non-empty string")
        out.append((name, scalar_text(val, f"{where}[{i}]")))
    return out


def scalar_text(val: Any, where: str) -> str:
    if isinstance(val, bool):
        return "true" if val else "false"
    if val is None:
        return ""
    if isinstance(val, int | float | str):
        return str(val)
    raise ProfileError(f"{where}: expected a scalar value")

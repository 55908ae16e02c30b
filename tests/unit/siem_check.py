"""Validators for the SIEM exports, against the published field sets kept in ``fixtures/siem/``:
OCSF 1.8.0 (ocsf/ocsf-schema tag 1.8.0) and ECS 9.4.0 (elastic/ecs tag v9.4.0). Each returns the
list of problems found in one event; an empty list means the event conforms."""

from __future__ import annotations

import ipaddress
import json
import re
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

SIEM = Path(__file__).parent / "fixtures" / "siem"
_MAC_OCSF = re.compile(r"^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$")
_MAC_ECS = re.compile(r"^[0-9A-F]{2}(-[0-9A-F]{2}){5}$")


@cache
def ocsf_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SIEM / "ocsf-1.8.0-subset.json").read_text(encoding="utf-8"))
    return data


@cache
def ecs_fields() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SIEM / "ecs-9.4.0-fields.json").read_text(encoding="utf-8"))
    return data


def _is_ip(value: object) -> bool:
    try:
        ipaddress.ip_address(str(value))
    except ValueError:
        return False
    return isinstance(value, str)


def _scalar_ok(kind: str, value: object) -> bool:
    if kind in ("integer_t", "long_t", "timestamp_t", "port_t"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float_t":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean_t":
        return isinstance(value, bool)
    if kind == "ip_t":
        return _is_ip(value)
    if kind == "mac_t":
        return isinstance(value, str) and bool(_MAC_OCSF.match(value))
    return isinstance(value, str)  # string_t and its string-based kinds


def _check_value(path: str, spec: dict[str, Any], value: object, problems: list[str]) -> None:
    items = value if spec["array"] else [value]
    if spec["array"] and not isinstance(value, list):
        problems.append(f"{path}: expected an array")
        return
    for item in items:  # type: ignore[union-attr]
        kind = spec["type"]
        if kind in ocsf_schema()["objects"]:
            if isinstance(item, dict):
                problems += check_ocsf_object(path, kind, item)
            else:
                problems.append(f"{path}: expected a {kind} object")
        elif kind == "object" or kind is None:
            if not isinstance(item, dict):
                problems.append(f"{path}: expected an object")
        elif not _scalar_ok(kind, item):
            problems.append(f"{path}: {item!r} is not a {kind}")
        if "enum" in spec and item not in spec["enum"]:
            problems.append(f"{path}: {item!r} is not one of {spec['enum']}")


def _check_attributes(path: str, spec: dict[str, Any], data: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    attrs = spec["attributes"]
    problems += [f"{path}.{k}: required, missing" for k, a in attrs.items()
                 if a["requirement"] == "required" and k not in data]  # fmt: skip
    for key, value in data.items():
        if key not in attrs:
            problems.append(f"{path}.{key}: not an attribute here")
            continue
        _check_value(f"{path}.{key}", attrs[key], value, problems)
    for rule, names in spec.get("constraints", {}).items():
        present = [n for n in names if n in data]
        if rule == "just_one" and len(present) != 1:
            problems.append(f"{path}: just one of {names} expected, found {present}")
        if rule == "at_least_one" and not present:
            problems.append(f"{path}: at least one of {names} expected")
    return problems


def check_ocsf_object(path: str, name: str, data: dict[str, Any]) -> list[str]:
    return _check_attributes(path, ocsf_schema()["objects"][name], data)


def check_ocsf_event(event: dict[str, Any]) -> list[str]:
    cls = ocsf_schema()["classes"].get(str(event.get("class_uid")))
    if cls is None:
        return [f"class_uid {event.get('class_uid')!r} is not in the checked subset"]
    problems = _check_attributes(cls["name"], cls, event)
    if event.get("category_uid") != cls["category_uid"]:
        problems.append(f"category_uid {event.get('category_uid')} != {cls['category_uid']}")
    if event.get("type_uid") != event.get("class_uid", 0) * 100 + event.get("activity_id", 0):
        problems.append("type_uid is not class_uid * 100 + activity_id")
    return problems


def _flatten(prefix: str, value: object, out: dict[str, object]) -> None:
    if isinstance(value, dict) and not prefix.endswith("labels"):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}" if prefix else key, item, out)
    else:
        out[prefix] = value


def _ecs_scalar_ok(kind: str, value: object) -> bool:
    if kind in ("keyword", "constant_keyword", "wildcard", "match_only_text", "text"):
        return isinstance(value, str)
    if kind == "date":
        try:
            datetime.fromisoformat(str(value))
        except ValueError:
            return False
        return isinstance(value, str)
    if kind == "ip":
        return _is_ip(value)
    if kind in ("long", "integer"):
        return isinstance(value, int) and not isinstance(value, bool)
    if kind in ("float", "scaled_float"):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "boolean":
        return isinstance(value, bool)
    return False


def check_ecs_doc(doc: dict[str, Any]) -> list[str]:
    spec = ecs_fields()
    fields, allowed = spec["fields"], spec["allowed_values"]
    flat: dict[str, object] = {}
    _flatten("", doc, flat)
    problems: list[str] = []
    for name, value in flat.items():
        field = fields.get(name)
        if field is None:
            problems.append(f"{name}: not an ECS {spec['version']} field")
            continue
        if field["type"] == "object":  # labels: a map of keyword values
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                problems.append(f"{name}: expected an object of strings")
            continue
        items = value if isinstance(value, list) else [value]
        kind = field["type"]
        problems += [f"{name}: {v!r} is not a {kind}" for v in items if not _ecs_scalar_ok(kind, v)]
        problems += [f"{name}: {v!r} is not an allowed value" for v in items if name in allowed
                     and v not in allowed[name]]  # fmt: skip
        if name.endswith(".mac"):
            problems += [f"{name}: {v!r} is not AA-BB-CC-DD-EE-FF" for v in items
                         if not _MAC_ECS.match(str(v))]  # fmt: skip
    return problems

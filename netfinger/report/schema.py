"""The JSON Schema of a report (``schema.json``, draft 2020-12) and validation against it."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from netfinger.errors import UsageError

if TYPE_CHECKING:
    import jsonschema


@cache
def report_schema() -> dict[str, Any]:
    text = resources.files("netfinger.report").joinpath("schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def schema_text() -> str:
    return json.dumps(report_schema(), indent=2)


@cache
def _validator() -> jsonschema.Draft202012Validator:
    import jsonschema  # on first validation only: it takes a tenth of a second to import

    return jsonschema.Draft202012Validator(report_schema())


def schema_errors(data: object, limit: int = 5) -> list[str]:
    """Up to ``limit`` readable schema violations of ``data``; empty when it is a valid report."""
    out = []
    for error in _validator().iter_errors(data):
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        out.append(f"{where}: {error.message[:200]}")
        if len(out) >= limit:
            break
    return out


def validate_report(data: object, origin: str = "report") -> None:
    """Raise :class:`UsageError` naming the first violations when ``data`` is not a valid report."""
    errors = schema_errors(data)
    if errors:
        raise UsageError(f"{origin} is not a valid netfinger report: " + "; ".join(errors))

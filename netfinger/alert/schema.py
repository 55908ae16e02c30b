"""The JSON Schema (draft 2020-12) of the webhook body, ``netfinger.alert/1`` (``alert-schema.json``)."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def alert_schema() -> dict[str, Any]:
    text = resources.files("netfinger.alert").joinpath("alert-schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def alert_schema_text() -> str:
    return json.dumps(alert_schema(), indent=2)

"""JSON renderer: the report contract (``schema.json``), ASCII-only so no byte of it can act on a terminal.

The text is exactly ``json.dumps(report.to_dict(), indent=2, ensure_ascii=True)``, built one host at a
time: with ``indent`` set, ``json`` encodes in pure Python and keeps every small piece of the whole
document until the end, which at 1,000 hosts (~20 MB of JSON) cost over 100 MB of memory. JSON strings
never hold a raw newline, so indenting a host's own text by its nesting depth gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from netfinger.report.interface import Renderer, RenderOptions
from netfinger.report.model import Report

INDENT = "  "


def _nested(value: Any, depth: int) -> str:
    """``value`` as indented JSON, for a place ``depth`` levels deep in the document."""
    # ensure_ascii escapes C0/C1 controls, DEL and bidi overrides as \uXXXX.
    return json.dumps(value, indent=2, ensure_ascii=True).replace("\n", "\n" + INDENT * depth)


def render_report(report: Report) -> str:
    top = dataclasses.replace(report, hosts=[]).to_dict()
    if "summary" in top:
        top["summary"] = report.summary()
    parts: list[str] = []
    for key, value in top.items():
        if key == "hosts" and report.hosts:
            hosts = ",\n".join(INDENT * 2 + _nested(h.to_dict(), 2) for h in report.hosts)
            parts.append(f"{INDENT}{json.dumps(key)}: [\n{hosts}\n{INDENT}]")
        else:
            parts.append(f"{INDENT}{json.dumps(key)}: {_nested(value, 1)}")
    return "{\n" + ",\n".join(parts) + "\n}\n" if parts else "{}\n"


class JsonRenderer(Renderer):
    name = "json"

    def render(self, report: Report, options: RenderOptions) -> str:
        return render_report(report)

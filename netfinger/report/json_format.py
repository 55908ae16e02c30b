"""JSON renderer: the report contract (``schema.json``), ASCII-only so no byte of it can act on a terminal."""

from __future__ import annotations

import json

from netfinger.report.interface import Renderer, RenderOptions
from netfinger.report.model import Report


class JsonRenderer(Renderer):
    name = "json"

    def render(self, report: Report, options: RenderOptions) -> str:
        # ensure_ascii escapes C0/C1 controls, DEL and bidi overrides as \uXXXX.
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=True) + "\n"

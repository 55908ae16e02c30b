"""Reports: the model (``model``), the renderer seam (``interface``) and one renderer per format.

``RENDERERS`` maps every ``--format`` choice to its renderer; a test keeps the two in step. A renderer's
module is imported when that format is first asked for: the table renderer pulls in rich, and a scan
that writes only JSON (or ``--help``) should not pay for it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from netfinger.report.interface import Renderer, RenderOptions

# --format name -> (module, class) of its renderer
_RENDERER_CLASSES: dict[str, tuple[str, str]] = {
    "table": ("netfinger.report.table", "TableRenderer"),
    "json": ("netfinger.report.json_format", "JsonRenderer"),
    "csv": ("netfinger.report.csv_format", "CsvRenderer"),
    "html": ("netfinger.report.html_page", "HtmlRenderer"),
    "ocsf": ("netfinger.report.ocsf", "OcsfRenderer"),
    "ecs": ("netfinger.report.ecs", "EcsRenderer"),
}


class _Registry(Mapping[str, Renderer]):
    """The renderers by name; each one built on first lookup."""

    def __init__(self) -> None:
        self._built: dict[str, Renderer] = {}

    def __getitem__(self, name: str) -> Renderer:
        if name not in self._built:
            module, cls = _RENDERER_CLASSES[name]
            self._built[name] = getattr(importlib.import_module(module), cls)()
        return self._built[name]

    def __iter__(self) -> Iterator[str]:
        return iter(_RENDERER_CLASSES)

    def __len__(self) -> int:
        return len(_RENDERER_CLASSES)


RENDERERS: Mapping[str, Renderer] = _Registry()

__all__ = ["RENDERERS", "RenderOptions", "Renderer"]

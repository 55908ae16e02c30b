"""Reports: the model (``model``), the renderer seam (``interface``) and one renderer per format.

``RENDERERS`` maps every ``--format`` choice to its renderer; a test keeps the two in step.
"""

from __future__ import annotations

from netfinger.report.csv_format import CsvRenderer
from netfinger.report.ecs import EcsRenderer
from netfinger.report.html_page import HtmlRenderer
from netfinger.report.interface import Renderer, RenderOptions
from netfinger.report.json_format import JsonRenderer
from netfinger.report.ocsf import OcsfRenderer
from netfinger.report.table import TableRenderer

RENDERERS: dict[str, Renderer] = {
    r.name: r
    for r in (TableRenderer(), JsonRenderer(), CsvRenderer(), HtmlRenderer(), OcsfRenderer(), EcsRenderer())
}

__all__ = ["RENDERERS", "RenderOptions", "Renderer"]

"""The renderer seam: a report in, text out. Renderers do no I/O; the CLI decides where text goes."""

from __future__ import annotations

import abc
from dataclasses import dataclass

from netfinger.report.model import Report


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How to render. ``why`` adds each host's evidence; ``width``/``color`` only affect the table."""

    why: bool = False
    width: int = 120
    color: bool = False


class Renderer(abc.ABC):
    """One output format. ``name`` is the value users pass to ``--format``."""

    name: str = ""

    @abc.abstractmethod
    def render(self, report: Report, options: RenderOptions) -> str:
        """Return the whole rendered report as text."""

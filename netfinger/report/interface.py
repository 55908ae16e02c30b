"""The renderer seam: a report in, text out. Renderers do no I/O; the CLI decides where text goes."""

from __future__ import annotations

import abc
from collections.abc import Iterator
from dataclasses import dataclass

from netfinger.report.model import Report


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """How to render. ``why`` adds each host's evidence; ``width``/``color`` only affect the table;
    ``site``/``sensor`` name where the sweep ran (the SIEM exports carry them)."""

    why: bool = False
    width: int = 120
    color: bool = False
    site: str = "default"
    sensor: str = ""


class Renderer(abc.ABC):
    """One output format. ``name`` is the value users pass to ``--format``."""

    name: str = ""

    @abc.abstractmethod
    def render(self, report: Report, options: RenderOptions) -> str:
        """Return the whole rendered report as text."""

    def stream(self, report: Report, options: RenderOptions) -> Iterator[str]:
        """The rendered report in chunks; formats written line by line override it to stay small."""
        yield self.render(report, options)

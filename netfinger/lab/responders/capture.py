"""Request values a hostile responder copies into its reply (a WS-Discovery MessageID, an RTSP CSeq).

A ``capture`` mapping names template variables and the regular expression (one group) that finds
each in the first bytes of the request, read as Latin-1; a value that is not found is ''.
"""

from __future__ import annotations

import re
from typing import Any

from netfinger.lab.responders.base import ProfileError

SCAN_BYTES = 8192
MAX_VALUE = 256


def validate_regex(value: Any, where: str, groups: int | None = None) -> re.Pattern[str]:
    if not isinstance(value, str):
        raise ProfileError(f"{where}: expected a regular expression string")
    try:
        pattern = re.compile(value, re.DOTALL)
    except re.error as exc:
        raise ProfileError(f"{where}: bad regular expression ({exc})") from exc
    if groups is not None and pattern.groups != groups:
        raise ProfileError(f"{where}: expected exactly {groups} group(s)")
    return pattern


def validate(value: Any, where: str) -> None:
    if not isinstance(value, dict):
        raise ProfileError(f"{where}: expected a mapping of variable name to regular expression")
    for name, regex in value.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ProfileError(f"{where}.{name}: variable names are identifiers")
        validate_regex(regex, f"{where}.{name}", groups=1)


def request_text(data: bytes) -> str:
    return data[:SCAN_BYTES].decode("latin-1")


def values(spec: dict[str, str] | None, data: bytes) -> dict[str, str]:
    """The captured variables for one request."""
    text = request_text(data)
    out: dict[str, str] = {}
    for name, regex in (spec or {}).items():
        m = re.search(regex, text, re.DOTALL)
        out[name] = m.group(1)[:MAX_VALUE] if m else ""
    return out


def matches(regex: str | None, data: bytes) -> bool:
    """True when the request matches ``regex`` (no regex: every request)."""
    return regex is None or re.search(regex, request_text(data), re.DOTALL) is not None

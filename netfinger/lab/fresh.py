"""Fresh identities for devices cloned from a profile by ``--scale``: MAC, serial-like vars, uuid.

Pure functions over a seeded ``random.Random``, so a scaled lab is the same on every run.
"""

from __future__ import annotations

import random
import re
import string
import uuid

SERIAL_TOKENS = ("serial",)
SN_TOKEN = "sn"  # noqa: S105 - a var name token, not a secret
MIN_FRESH_CHARS = 4
UUID_RE = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")


def fresh_mac(template: str, rng: random.Random, used: set[str]) -> str:
    """A MAC with the template's first three octets (its OUI, or its locally administered prefix)."""
    oui = template.lower()[:8]
    for _ in range(10_000):
        mac = oui + "".join(f":{rng.randrange(256):02x}" for _ in range(3))
        if mac not in used:
            used.add(mac)
            return mac
    raise ValueError(f"no free MAC left under {oui}")


def is_serial_key(key: str) -> bool:
    """``serial``, ``SerialNo``, ``sn``, ``dev_sn`` ... but not ``snmp`` or ``dns``."""
    low = key.lower()
    if any(tok in low for tok in SERIAL_TOKENS):
        return True
    words = re.split(r"[^a-z0-9]+|(?<=[a-z])(?=[0-9])", re.sub(r"([a-z])([A-Z])", r"\1_\2", key).lower())
    return SN_TOKEN in words


def _same_class(ch: str, rng: random.Random) -> str:
    if ch.isdigit():
        return rng.choice(string.digits)
    if ch.isupper():
        return rng.choice(string.ascii_uppercase)
    if ch.islower():
        return rng.choice(string.ascii_lowercase)
    return ch


def _tail_length(value: str) -> int:
    """How many trailing characters to renew: the trailing digit run, at least MIN_FRESH_CHARS alnums."""
    digits = len(value) - len(value.rstrip(string.digits))
    alnum = len(value) - len(re.sub(r"[A-Za-z0-9]+$", "", value))
    return min(alnum, max(digits, MIN_FRESH_CHARS))


def fresh_serial(value: str, rng: random.Random, used: set[str]) -> str:
    """Same shape (digit for digit, letter case for letter case), new trailing characters."""
    keep = len(value) - _tail_length(value)
    if keep == len(value):
        return value
    for _ in range(1000):
        new = value[:keep] + "".join(_same_class(ch, rng) for ch in value[keep:])
        if new not in used and new != value:
            used.add(new)
            return new
    return value


def fresh_uuid(value: str, rng: random.Random) -> str:
    """Replace the uuid inside ``value`` (keeping prefix like ``uuid:`` and letter case) with a new one."""
    new = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    match = UUID_RE.search(value)
    if match is None:
        return new
    text = match.group(0)
    if text.upper() == text and text.lower() != text:
        new = new.upper()
    return value[: match.start()] + new + value[match.end() :]


def _mac_forms(mac: str) -> list[str]:
    hexmac = mac.replace(":", "")
    forms = [mac, mac.replace(":", "-"), hexmac]
    return [*forms, *(f.upper() for f in forms)]


def fresh_vars(
    values: dict[str, str], old_mac: str, new_mac: str, rng: random.Random, used: set[str]
) -> dict[str, str]:
    """Renew serial-like and uuid vars; carry the new MAC and serials into vars that embedded the old ones."""
    swaps: dict[str, str] = dict(zip(_mac_forms(old_mac), _mac_forms(new_mac), strict=True))
    out = dict(values)
    for key, value in values.items():
        if is_serial_key(key) and value:
            swaps[value] = fresh_serial(value, rng, used)
    for key, value in values.items():
        new = value
        for old, repl in sorted(swaps.items(), key=lambda kv: -len(kv[0])):
            if old:
                new = new.replace(old, repl)
        if key.lower() == "uuid" and new == value:
            new = fresh_uuid(value, rng)
        out[key] = new
    return out

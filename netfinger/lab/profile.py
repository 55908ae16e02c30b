"""One emulated device's profile: a small YAML file with its identity, ground truth and protocol sections.

Top-level keys: ``name``, ``mac``, ``ip`` (optional), ``description`` (optional), ``expect`` (ground
truth), ``vars`` (optional template variables) and one section per protocol, keyed by the responder's
name in ``netfinger.lab.responders.RESPONDERS``. Every error is a ``ProfileError`` naming the file
and the key.
"""

from __future__ import annotations

import importlib
import importlib.util
import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from netfinger.lab.responders.base import ProfileError, Responder

MAC_RE = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")
CVE_RE = re.compile(r"^CVE-\d{4}-\d{4,}$")
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
IDENTITY_KEYS = ("name", "mac", "ip", "description", "expect", "vars", "ipv6")
EXPECT_TEXT = ("manufacturer", "brand", "model", "firmware", "device_type")
EXPECT_KEYS = (*EXPECT_TEXT, "banned", "status", "cves", "role")
STATUSES = ("banned", "suspect", "clear", "unknown")
ROLES = ("device", "client")  # client: a PC, phone or VMS that netfinger must not report as a device
EXPECT_REQUIRED = ("manufacturer", "banned")

Registry = Mapping[str, Responder]


def responder_registry(extra: str | None = None) -> Registry:
    """The package's responders, plus those of ``extra`` (a .py file defining ``RESPONDERS``) if given.

    ``extra`` lets a test site use test-only responders; the emulator process loads the same file.
    """
    module = importlib.import_module("netfinger.lab.responders")
    registry: dict[str, Responder] = dict(getattr(module, "RESPONDERS", {}))
    if extra:
        spec = importlib.util.spec_from_file_location(f"netfinger_lab_extra_{abs(hash(extra))}", extra)
        if spec is None or spec.loader is None:
            raise ProfileError(f"{extra}: cannot load responders from this file")
        loaded = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loaded)
        registry.update(getattr(loaded, "RESPONDERS", {}))
    return registry


@dataclass(frozen=True)
class Expect:
    """What netfinger should conclude about the device: the lab's ground truth."""

    manufacturer: str | None
    banned: bool
    brand: str | None = None
    model: str | None = None
    firmware: str | None = None
    device_type: str | None = None
    cves: tuple[str, ...] = ()
    status: str | None = None  # the verdict tier; None when the profile does not say
    role: str = "device"  # "client": not a device (a tool PC, an app phone); never reported as one

    def to_dict(self) -> dict[str, Any]:
        status = {"status": self.status} if self.status else {}
        role = {"role": self.role} if self.role != "device" else {}
        return status | role | {
            "manufacturer": self.manufacturer,
            "brand": self.brand,
            "model": self.model,
            "firmware": self.firmware,
            "device_type": self.device_type,
            "banned": self.banned,
            "cves": list(self.cves),
        }


@dataclass(frozen=True)
class Profile:
    path: Path
    name: str
    mac: str
    expect: Expect
    ip: ipaddress.IPv4Address | None = None
    description: str = ""
    vars: dict[str, str] = field(default_factory=dict)
    sections: dict[str, Any] = field(default_factory=dict)
    ipv6: bool = False  # an IPv6 link-local address (EUI-64) besides its IPv4 address

    @property
    def protocols(self) -> list[str]:
        return list(self.sections)


def _fail(where: str, message: str) -> ProfileError:
    return ProfileError(f"{where}: {message}")


def parse_mac(value: Any, where: str) -> str:
    if not isinstance(value, str) or not MAC_RE.match(value.lower()):
        raise _fail(where, f"must be a MAC address like aa:bb:cc:dd:ee:ff, not {value!r}")
    mac = value.lower()
    if int(mac[:2], 16) & 1:
        raise _fail(where, f"{mac} is a multicast MAC; a device needs a unicast one")
    return mac


def _optional_text(value: Any, where: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise _fail(where, f"must be a string or null, not {value!r}")
    return value


def parse_expect(raw: Any, where: str) -> Expect:
    if not isinstance(raw, dict):
        raise _fail(where, "must be a mapping with manufacturer, brand, model, firmware, banned, cves")
    for key in raw:
        if key not in EXPECT_KEYS:
            raise _fail(f"{where}.{key}", f"unknown key (known: {', '.join(EXPECT_KEYS)})")
    for key in EXPECT_REQUIRED:
        if key not in raw:
            raise _fail(f"{where}.{key}", "is required")
    text = {key: _optional_text(raw.get(key), f"{where}.{key}") for key in EXPECT_TEXT}
    banned = raw["banned"]
    if not isinstance(banned, bool):
        raise _fail(f"{where}.banned", f"must be true or false, not {banned!r}")
    cves = raw.get("cves") or []
    if not isinstance(cves, list):
        raise _fail(f"{where}.cves", "must be a list of CVE ids")
    for cve in cves:
        if not isinstance(cve, str) or not CVE_RE.match(cve):
            raise _fail(f"{where}.cves", f"{cve!r} is not a CVE id like CVE-2017-7921")
    status = raw.get("status")
    if status is not None and status not in STATUSES:
        raise _fail(f"{where}.status", f"must be one of {', '.join(STATUSES)}, not {status!r}")
    if status is not None and (status == "banned") != banned:
        raise _fail(f"{where}.status", f"status {status} contradicts banned: {str(banned).lower()}")
    role = raw.get("role", "device")
    if role not in ROLES:
        raise _fail(f"{where}.role", f"must be one of {', '.join(ROLES)}, not {role!r}")
    if role == "client" and banned:
        raise _fail(f"{where}.role", "a client (not a device) cannot be banned")
    return Expect(banned=banned, cves=tuple(cves), status=status, role=role, **text)


def parse_vars(raw: Any, where: str) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise _fail(where, "must be a mapping of name -> string")
    out: dict[str, str] = {}
    for key, value in raw.items():
        if not isinstance(key, str) or not VAR_RE.match(key):
            raise _fail(f"{where}.{key}", "variable names are letters, digits and _")
        if not isinstance(value, str):
            raise _fail(f"{where}.{key}", f"must be a string (quote it in YAML), not {value!r}")
        out[key] = value
    return out


def parse_ip(raw: Any, where: str) -> ipaddress.IPv4Address | None:
    if raw is None:
        return None
    try:
        return ipaddress.IPv4Address(str(raw))
    except ValueError:
        raise _fail(where, f"must be an IPv4 address, not {raw!r}") from None


def _validate_section(responder: Responder, section: Any, where: str) -> None:
    try:
        responder.validate(section, where=where)
    except ProfileError:
        raise
    except Exception as exc:  # a responder's own bug must still name the file and key
        raise _fail(where, f"invalid section ({type(exc).__name__}: {exc})") from exc


def profile_from_mapping(data: Any, path: Path, registry: Registry) -> Profile:
    """Validate a parsed profile document. ``path`` is only used in messages and kept for reloads."""
    where = path.name
    if not isinstance(data, dict):
        raise _fail(where, "a profile must be a YAML mapping")
    for key in data:
        if key not in IDENTITY_KEYS and key not in registry:
            known = ", ".join([*IDENTITY_KEYS, *sorted(registry)])
            raise _fail(f"{where}: {key}", f"unknown key (known: {known})")
    for key in ("name", "mac", "expect"):
        if key not in data:
            raise _fail(f"{where}: {key}", "is required")
    name = data["name"]
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise _fail(f"{where}: name", f"must be letters, digits, '.', '_' or '-', not {name!r}")
    description = _optional_text(data.get("description"), f"{where}: description") or ""
    sections: dict[str, Any] = {}
    for key, section in data.items():
        if key in registry:
            _validate_section(registry[key], section, f"{where}: {key}")
            sections[key] = section
    return Profile(
        path=path,
        name=name,
        mac=parse_mac(data["mac"], f"{where}: mac"),
        ip=parse_ip(data.get("ip"), f"{where}: ip"),
        description=description,
        expect=parse_expect(data["expect"], f"{where}: expect"),
        vars=parse_vars(data.get("vars"), f"{where}: vars"),
        sections=sections,
        ipv6=_optional_bool(data.get("ipv6"), f"{where}: ipv6"),
    )


def _optional_bool(value: Any, where: str) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _fail(where, f"must be true or false, not {value!r}")
    return value


def load_profile(path: Path, registry: Registry | None = None) -> Profile:
    """Read and validate one profile file."""
    reg = responder_registry() if registry is None else registry
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path.name, f"cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        raise _fail(path.name, f"not valid YAML: {exc}") from None
    return profile_from_mapping(data, path, reg)

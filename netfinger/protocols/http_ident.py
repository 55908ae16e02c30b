"""Vendor identification pages over HTTP (sans-I/O): Hikvision ISAPI, Dahua magicBox and RPC2_Login."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

from netfinger.protocols.mmh3 import favicon_hash
from netfinger.protocols.xmlsafe import local, namespace, parse_xml

HIK_LOGIN_PATH = "/doc/page/login.asp"
ISAPI_DEVICE_INFO = "/ISAPI/System/deviceInfo"
RPC2_LOGIN = "/RPC2_Login"
MAGICBOX_ACTIONS = ("getDeviceType", "getVendor", "getSoftwareVersion")
FAVICON = "/favicon.ico"
_KEY_RE = re.compile(r"^[A-Za-z][\w-]{0,47}$")


def magicbox_path(action: str) -> str:
    return f"/cgi-bin/magicBox.cgi?action={action}"


def build_rpc2_challenge() -> bytes:
    """First stage of the Dahua web login: asks for the challenge; the password field is empty."""
    doc = {
        "method": "global.login",
        "params": {"userName": "admin", "password": "", "clientType": "Web3.0", "loginType": "Direct"},
        "id": 1,
    }
    return json.dumps(doc, separators=(",", ":")).encode()


@dataclass
class IsapiInfo:
    valid: bool
    namespace: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)


def parse_isapi_device_info(data: bytes) -> IsapiInfo:
    root = parse_xml(data)
    if root is None or local(root.tag) != "DeviceInfo":
        return IsapiInfo(False)
    fields = []
    for elem in list(root)[:64]:
        name = local(elem.tag)
        value = (elem.text or "").strip()
        if _KEY_RE.match(name) and value and len(elem) == 0:
            fields.append((name, value))
    return IsapiInfo(True, namespace(root.tag), fields)


def parse_magicbox(data: bytes) -> list[tuple[str, str]]:
    """``key=value`` lines of a magicBox answer; [] when it is not that (HTML, error page)."""
    out: list[tuple[str, str]] = []
    for line in data[:8192].decode("utf-8", "replace").lstrip("\ufeff").splitlines()[:32]:
        key, sep, value = line.strip().partition("=")
        if not sep or not _KEY_RE.match(key):
            return out
        out.append((key, value.strip()))
    return out


def _flat(obj: dict[str, object], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in list(obj.items())[:32]:
        if not isinstance(key, str) or not _KEY_RE.match(key):
            continue
        if isinstance(value, dict):
            if not prefix:
                out.update(_flat(value, f"{key}_"))
        elif isinstance(value, bool):
            out[prefix + key] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            out[prefix + key] = str(value)
    return out


def parse_rpc2_challenge(data: bytes) -> dict[str, str]:
    """Fields of the RPC2_Login challenge: realm, random, encryption, mac, session, error_code, ...

    Returns {} unless the body is a JSON object with ``params`` or ``error``.
    """
    try:
        doc = json.loads(data[:65536].decode("utf-8", "replace").lstrip("\ufeff").strip("\x00\r\n\t "))
    except (ValueError, RecursionError):
        return {}
    if not isinstance(doc, dict) or not ({"params", "error"} & doc.keys()):
        return {}
    out: dict[str, str] = {}
    params = doc.get("params")
    if isinstance(params, dict):
        out.update(_flat(params))
    error = doc.get("error")
    if isinstance(error, dict):
        out.update({f"error_{k}": v for k, v in _flat(error).items()})
    for key in ("session", "result", "id"):
        value = doc.get(key)
        if isinstance(value, str | int | bool) and not isinstance(value, dict):
            out[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return out


def favicon_fingerprints(content: bytes) -> tuple[str, str]:
    """(md5 hex, Shodan mmh3 as a decimal string) of a favicon."""
    return hashlib.md5(content, usedforsecurity=False).hexdigest(), str(favicon_hash(content))

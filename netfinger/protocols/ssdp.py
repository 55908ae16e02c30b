"""SSDP / UPnP, client side: M-SEARCH, search responses / NOTIFYs, and the device description XML."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from netfinger.evidence import Observation, bounded
from netfinger.protocols.xmlsafe import child, find_first, local, parse_xml, text

SSDP_GROUP = "239.255.255.250"
SSDP_PORT = 1900
SEARCH_TARGETS = ("ssdp:all", "upnp:rootdevice")
MAX_HEADERS = 64
DESCRIPTION_FIELDS = (
    "manufacturer", "modelName", "modelNumber", "serialNumber", "UDN", "friendlyName", "deviceType",
    "manufacturerURL", "modelDescription", "modelURL", "presentationURL",
)
_HEADER_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


def build_msearch(search_target: str, mx: int = 1, host: str | None = None) -> bytes:
    """An M-SEARCH to the group, or with ``host`` a unicast one (UDA 1.1: HOST names the device)."""
    return (
        "M-SEARCH * HTTP/1.1\r\n"
        f"HOST: {host or SSDP_GROUP}:{SSDP_PORT}\r\n"
        'MAN: "ssdp:discover"\r\n'
        f"MX: {mx}\r\n"
        f"ST: {search_target}\r\n"
        "\r\n"
    ).encode()


@dataclass
class SsdpMessage:
    valid: bool
    kind: str = ""  # 'response' | 'notify'
    headers: list[tuple[str, str]] = field(default_factory=list)  # (lower-cased name, value)
    error: str = ""

    def get(self, name: str) -> str:
        for key, value in self.headers:
            if key == name:
                return value
        return ""


def parse_message(data: bytes) -> SsdpMessage:
    """Parse a search response or NOTIFY. M-SEARCH requests and garbage are invalid. Never raises."""
    textual = data[:16384].decode("utf-8", "replace")
    lines = textual.replace("\r\n", "\n").split("\n")
    start = lines[0].strip().upper() if lines else ""
    if start.startswith("HTTP/1.") and " 200" in start:
        kind = "response"
    elif start.startswith("NOTIFY "):
        kind = "notify"
    else:
        return SsdpMessage(False, error="not an SSDP response or NOTIFY")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        if not line.strip():
            break
        name, sep, value = line.partition(":")
        if sep and _HEADER_NAME.match(name.strip()) and len(headers) < MAX_HEADERS:
            headers.append((name.strip().lower(), value.strip()))
    return SsdpMessage(True, kind, headers)


def location_host(location: str) -> tuple[str, int] | None:
    """(host, port) of an http LOCATION URL, or None when it is not a plain http URL."""
    try:
        parts = urlsplit(location.strip())
        port = parts.port or 80
    except ValueError:
        return None
    if parts.scheme.lower() != "http" or not parts.hostname:
        return None
    return parts.hostname, port


def parse_description(data: bytes) -> dict[str, str]:
    """The interesting elements of the root ``device`` of a UPnP description, plus ``URLBase``.

    Embedded devices (``deviceList``) are not read: their manufacturer/model describe a function of
    the box (a bridge, a media server), not the box. Never raises.
    """
    root = parse_xml(data)
    if root is None or local(root.tag) != "root":
        return {}
    device = child(root, "device")
    if device is None:
        device = find_first(root, "device")
    if device is None:
        return {}
    out = {}
    for name in DESCRIPTION_FIELDS:
        value = text(child(device, name))
        if value:
            out[name] = value
    base = text(child(root, "URLBase"))
    if base:
        out["URLBase"] = base
    return out


def observations(msg: SsdpMessage, source: str) -> list[Observation]:
    return [
        Observation(f"ssdp.header.{name}", bounded(value), SSDP_PORT, source)
        for name, value in msg.headers
    ]


def description_observations(fields: dict[str, str], port: int, source: str) -> list[Observation]:
    return [Observation(f"upnp.{k}", bounded(v), port, source) for k, v in fields.items()]

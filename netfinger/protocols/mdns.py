"""mDNS / DNS-SD evidence (sans-I/O): the service types browsed, and resolved services as evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from netfinger.evidence import Observation, bounded

MDNS_PORT = 5353
SERVICE_TYPES = tuple(
    f"{name}._tcp.local."
    for name in (
        "_CGI", "_http", "_https", "_rtsp", "_onvif", "_device-info", "_axis-video", "_axis-nvr", "_ipp",
        "_printer", "_pdl-datastream", "_smb", "_afpovertls", "_hap", "_airplay", "_googlecast",
        "_workstation", "_ssh", "_sftp-ssh", "_raop", "_homekit", "_psia", "_nvr",
    )
)
MAX_TXT_KEYS = 32
_TXT_KEY_RE = re.compile(r"^[A-Za-z0-9][\w-]{0,47}$")


@dataclass
class ServiceRecord:
    service_type: str
    instance: str
    hostname: str = ""
    port: int | None = None
    addresses: list[str] = field(default_factory=list)
    txt: dict[str, str] = field(default_factory=dict)


def decode_txt(properties: dict[bytes, bytes | None]) -> dict[str, str]:
    """TXT key/values as text; keys that are not plain identifiers are dropped (they become field names)."""
    out: dict[str, str] = {}
    for raw_key, raw_value in list(properties.items())[:MAX_TXT_KEYS]:
        key = raw_key.decode("utf-8", "replace")
        if not _TXT_KEY_RE.match(key):
            continue
        out[key] = "" if raw_value is None else raw_value.decode("utf-8", "replace")
    return out


def instance_label(name: str, service_type: str) -> str:
    return name[: -len(service_type) - 1] if name.endswith("." + service_type) else name


def observations(rec: ServiceRecord) -> list[Observation]:
    source = f"mdns/{rec.service_type}"
    out = [
        Observation("mdns.service", bounded(rec.service_type), MDNS_PORT, source),
        Observation("mdns.instance", bounded(instance_label(rec.instance, rec.service_type)), rec.port,
                    source),
    ]
    if rec.hostname:
        out.append(Observation("mdns.hostname", bounded(rec.hostname), MDNS_PORT, source))
    for key, value in rec.txt.items():
        out.append(Observation(f"mdns.txt.{key.lower()}", bounded(value), rec.port, source))
    return out

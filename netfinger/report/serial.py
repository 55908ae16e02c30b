"""A host's serial number (first plausible field wins) and its identity key. Pure; no I/O.

Used for host identity across sweeps (MAC, then serial, then IP) and by the SIEM exports.
"""

from __future__ import annotations

import re

from netfinger.evidence import normalise_mac
from netfinger.report.model import HostReport

# Vendor-native fields first: the device's own discovery protocol states its serial most reliably.
SERIAL_FIELDS = (
    "sadp.DeviceSN",
    "dhip.SerialNo",
    "dhip.legacy.SerialNo",
    "onvif.SerialNumber",
    "upnp.serialNumber",
    "mdns.txt.serial",
)
MAX_SERIAL_CHARS = 64
# Placeholders some firmware sends instead of a serial: they identify nothing.
_PLACEHOLDER = re.compile(r"^(?:0+|1234567890?|x+|n/?a|none|null|unknown|serial(?:number)?)$", re.IGNORECASE)
_PRINTABLE = re.compile(r"^[\x21-\x7e]+$")


def serial_number(host: HostReport) -> str | None:
    """The first plausible serial the host reported, or None."""
    for name in SERIAL_FIELDS:
        for value in host.evidence.values(name):
            text = value.strip()
            if 3 <= len(text) <= MAX_SERIAL_CHARS and _PRINTABLE.match(text) and not _PLACEHOLDER.match(text):
                return text
    return None


def host_uid(host: HostReport) -> str:
    """A host's identity within one sweep's site: ``mac:…``, else ``serial:…``, else ``ip:…``."""
    mac = normalise_mac(host.evidence.mac) if host.evidence.mac else None
    if mac:
        return f"mac:{mac}"
    serial = serial_number(host)
    if serial:
        return f"serial:{serial}"
    return f"ip:{host.evidence.ip or ''}"

"""A host's serial number, from whichever protocol told it (first trusted field wins). Pure; no I/O.

Used for host identity across sweeps (MAC, then serial, then IP) and by the SIEM exports.
"""

from __future__ import annotations

import re

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

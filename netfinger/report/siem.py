"""What the SIEM exports (OCSF, ECS) share: timestamps, device kinds, the MAC vendor, one line per event.

Every line is ``json.dumps(..., ensure_ascii=True)``: no byte of device-supplied text can act on a
terminal or split a line. Empty values are left out rather than sent as ``null`` or ``""``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from netfinger.report.model import HostReport, ScanInfo

# netfinger device_type (signatures/vocabulary.yaml) -> (OCSF device type_id, label). OCSF 1.8
# device types: 7 IOT, 10 Switch, 12 Router, 99 Other; the label names the kind more closely.
DEVICE_KINDS: dict[str, tuple[int, str]] = {
    "camera": (7, "IP Camera"),
    "ptz": (7, "IP Camera"),
    "thermal": (7, "IP Camera"),
    "doorbell": (7, "Video Doorbell"),
    "intercom": (7, "Video Intercom"),
    "nvr": (7, "Network Video Recorder"),
    "dvr": (7, "Digital Video Recorder"),
    "access": (7, "Access Control"),
    "router": (12, "Router"),
    "switch": (10, "Switch"),
}
OTHER_KIND = 99
UNKNOWN_KIND = (0, "Unknown")


_ALIASES = {"ip_camera": "camera", "network_camera": "camera", "ptz_camera": "ptz", "recorder": "nvr"}


def device_kind(host: HostReport) -> tuple[int, str]:
    """The OCSF type_id and a label for the host's device type (free text is tolerated)."""
    kind = host.verdict.device_type
    if not kind:
        return UNKNOWN_KIND
    key = "_".join(kind.lower().split())
    known = DEVICE_KINDS.get(_ALIASES.get(key, key))
    return known if known else (OTHER_KIND, kind)


def scan_time(scan: ScanInfo) -> datetime | None:
    """When the sweep's results hold: its end (else its start); None when neither parses."""
    for text in (scan.end, scan.start):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            continue
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return None


def mac_vendor(host: HostReport) -> str | None:
    """The IEEE registry's name for the MAC's OUI, as the mac probe recorded it."""
    return host.evidence.first("mac.oui_org")


def pruned(value: Any) -> Any:
    """``value`` without empty strings, Nones, empty lists and empty objects, recursively."""
    if isinstance(value, dict):
        kept = {k: pruned(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [v for v in (pruned(x) for x in value) if v not in (None, "", [], {})]
    return value


def line(event: dict[str, Any]) -> str:
    return json.dumps(pruned(event), ensure_ascii=True, separators=(",", ":")) + "\n"

"""OCSF renderer: JSON lines, one event per line, for SIEMs that ingest OCSF 1.x (schema 1.8.0).

Per host one *Device Inventory Info* event (class 5001, category Discovery, activity Collect,
type_uid 500102); per vulnerability finding one *Vulnerability Finding* (class 2002, activity
Create, type_uid 200201) naming the same device. ``device.region`` is the site; the regulations
that ban the maker are ``device.groups``; KEV and backdoor flags are in ``finding_info.types`` and
``unmapped.netfinger``. Streamed host by host: an export never holds more than one host's text.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from typing import Any

from netfinger import __version__
from netfinger.match.interface import VulnFinding
from netfinger.report.interface import Renderer, RenderOptions
from netfinger.report.model import HostReport, Report
from netfinger.report.serial import host_uid, serial_number
from netfinger.report.siem import device_kind, line, mac_vendor, scan_time

OCSF_VERSION = "1.8.0"
INVENTORY = {"class_uid": 5001, "class_name": "Device Inventory Info", "category_uid": 5,
             "category_name": "Discovery", "activity_id": 2, "activity_name": "Collect", "type_uid": 500102,
             "type_name": "Device Inventory Info: Collect"}  # fmt: skip
FINDING = {"class_uid": 2002, "class_name": "Vulnerability Finding", "category_uid": 2,
           "category_name": "Findings", "activity_id": 1, "activity_name": "Create", "type_uid": 200201,
           "type_name": "Vulnerability Finding: Create"}  # fmt: skip
# OCSF severity_id: 1 Informational, 3 Medium, 4 High, 5 Critical.
_SEVERITY_NAMES = {1: "Informational", 3: "Medium", 4: "High", 5: "Critical"}
_EVENT_NS = uuid.UUID("5d0c6f1e-7a43-4c55-9a8e-6e6574666e67")


def _metadata(*parts: str) -> dict[str, Any]:
    return {
        "version": OCSF_VERSION,
        "product": {"name": "netfinger", "vendor_name": "netfinger", "version": __version__},
        "uid": str(uuid.uuid5(_EVENT_NS, "\n".join(parts))),  # the same sighting is the same event
        "log_name": "netfinger",
    }


def device(host: HostReport, site: str) -> dict[str, Any]:
    v, ev = host.verdict, host.evidence
    type_id, kind = device_kind(host)
    firmware = {"name": "firmware", "type_id": 99, "type": "Other", "version": v.firmware}
    return {
        "type_id": type_id, "type": kind, "uid": host_uid(host), "ip": ev.ip, "mac": ev.mac,
        "mac_vendor": mac_vendor(host), "vendor_name": v.manufacturer, "model": v.model,
        "hw_info": {"serial_number": serial_number(host), "vendor_name": v.manufacturer},
        "os": firmware if v.firmware else None, "region": site,
        "groups": [{"name": reg, "type": "regulation"} for reg in v.banned_by],
    }  # fmt: skip


def _severity(host: HostReport) -> int:
    vulns = host.verdict.vulnerabilities
    if any(f.backdoor for f in vulns):
        return 5
    if any(f.kev for f in vulns):
        return 4
    return 3 if host.verdict.banned else 1


def _base(cls: dict[str, Any], severity: int, time_ms: int, options: RenderOptions, uid: str
          ) -> dict[str, Any]:  # fmt: skip
    metadata = _metadata(options.site, options.sensor, str(cls["class_uid"]), uid)
    return {**cls, "severity_id": severity, "severity": _SEVERITY_NAMES[severity], "time": time_ms,
            "metadata": metadata}  # fmt: skip


def inventory_event(host: HostReport, options: RenderOptions, time_ms: int) -> dict[str, Any]:
    v = host.verdict
    event = _base(INVENTORY, _severity(host), time_ms, options, host_uid(host) + str(time_ms))
    event["device"] = device(host, options.site)
    event["unmapped"] = {"netfinger": {
        "brand": v.brand, "device_type": v.device_type, "banned": v.banned,
        "confidence": round(v.confidence, 3), "sensor": options.sensor,
    }}  # fmt: skip
    return event


def _vulnerability(finding: VulnFinding, host: HostReport) -> dict[str, Any]:
    ref = {"uid": finding.id, "title": finding.title}
    vuln: dict[str, Any] = {
        "title": finding.title or finding.id, "desc": finding.basis, "is_exploit_available": finding.kev,
        "is_fix_available": finding.fixed_in is not None, "vendor_name": host.verdict.manufacturer,
    }  # fmt: skip
    vuln["cve" if finding.id.upper().startswith("CVE-") else "advisory"] = ref
    if finding.fixed_in:
        vuln["remediation"] = {"desc": f"Upgrade the firmware to {finding.fixed_in} or later."}
    return vuln


def finding_event(
    host: HostReport, finding: VulnFinding, options: RenderOptions, time_ms: int
) -> dict[str, Any]:
    severity = 5 if finding.backdoor else 4 if finding.kev else 3
    uid = f"{options.site}/{host_uid(host)}/{finding.id}"
    types = ["Vulnerability"] + ["KEV"] * finding.kev + ["Backdoor"] * finding.backdoor
    event = _base(FINDING, severity, time_ms, options, uid + str(time_ms))
    title = f"{finding.id}: {finding.title}" if finding.title else finding.id
    event["finding_info"] = {"uid": uid, "title": title, "desc": finding.basis, "types": types}
    event["vulnerabilities"] = [_vulnerability(finding, host)]
    event["device"] = device(host, options.site)
    event["unmapped"] = {"netfinger": {"kev": finding.kev, "backdoor": finding.backdoor}}
    return event


def ocsf_lines(report: Report, options: RenderOptions) -> Iterator[str]:
    options = dataclasses.replace(options, sensor=options.sensor or report.scan.scanner_host)
    moment = scan_time(report.scan)
    time_ms = int(moment.timestamp() * 1000) if moment else 0
    for host in report.hosts:
        yield line(inventory_event(host, options, time_ms))
        for finding in host.verdict.vulnerabilities:
            yield line(finding_event(host, finding, options, time_ms))


class OcsfRenderer(Renderer):
    name = "ocsf"

    def render(self, report: Report, options: RenderOptions) -> str:
        return "".join(self.stream(report, options))

    def stream(self, report: Report, options: RenderOptions) -> Iterator[str]:
        return ocsf_lines(report, options)

"""ECS renderer: NDJSON for Elasticsearch's ``_bulk`` API (Elastic Common Schema 9.4.0).

Every document comes after its action line ``{"create": {"_id": ...}}`` (``create`` suits data
streams; the id is stable, so re-sending a sweep is refused as a duplicate rather than indexed
twice). Per host one asset document (``event.kind: asset``: ``host.*``, ``device.*``); per
vulnerability finding one ``event.kind: state`` document with ``vulnerability.*``. ``observer.*``
names the sensor and ``observer.geo.name`` and ``labels.site`` the site. MACs are upper-case and
hyphen-separated, as ECS asks. Streamed host by host.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

from netfinger import __version__
from netfinger.evidence import normalise_mac
from netfinger.match.interface import VulnFinding
from netfinger.report.interface import Renderer, RenderOptions
from netfinger.report.model import HostReport, Report
from netfinger.report.serial import host_uid, serial_number
from netfinger.report.siem import device_kind, line, mac_vendor, scan_time

ECS_VERSION = "9.4.0"
NVD = "https://nvd.nist.gov/vuln/detail/"


def ecs_mac(mac: str | None) -> str | None:
    """``AA-BB-CC-DD-EE-FF`` (RFC 7042 notation, as ECS asks), or None."""
    norm = normalise_mac(mac) if mac else None
    return norm.upper().replace(":", "-") if norm else None


def _observer(options: RenderOptions) -> dict[str, Any]:
    return {"hostname": options.sensor, "name": options.sensor, "type": "scanner", "vendor": "netfinger",
            "product": "netfinger", "version": __version__, "geo": {"name": options.site}}  # fmt: skip


def _common(host: HostReport, options: RenderOptions, timestamp: str) -> dict[str, Any]:
    v = host.verdict
    _type_id, kind = device_kind(host)
    uid = host_uid(host)
    model_name = " ".join(p for p in (v.brand or v.manufacturer, v.model) if p) if v.model else None
    return {
        "@timestamp": timestamp,
        "ecs": {"version": ECS_VERSION},
        "host": {"id": uid, "name": host.evidence.ip, "ip": [host.evidence.ip],
                 "mac": [ecs_mac(host.evidence.mac)], "type": kind, "os": {"version": v.firmware}},
        "device": {"id": uid, "manufacturer": v.manufacturer, "serial_number": serial_number(host),
                   "model": {"identifier": v.model, "name": model_name}, "vendor": {"name": v.brand},
                   "type": kind},
        "observer": _observer(options),
        "labels": {"site": options.site, "banned": str(v.banned).lower(), "mac_vendor": mac_vendor(host)},
        "tags": list(v.banned_by),
    }  # fmt: skip


def _action(doc_id: str) -> str:
    return json.dumps({"create": {"_id": hashlib.sha256(doc_id.encode()).hexdigest()[:40]}}) + "\n"


def asset_doc(host: HostReport, options: RenderOptions, timestamp: str) -> dict[str, Any]:
    doc = _common(host, options, timestamp)
    doc["event"] = {"kind": "asset", "category": ["host"], "type": ["info"], "module": "netfinger",
                    "dataset": "netfinger.inventory"}  # fmt: skip
    return doc


def vulnerability_doc(
    host: HostReport, finding: VulnFinding, options: RenderOptions, timestamp: str
) -> dict[str, Any]:
    doc = _common(host, options, timestamp)
    is_cve = finding.id.upper().startswith("CVE-")
    doc["event"] = {"kind": "state", "category": ["vulnerability"], "type": ["info"], "module": "netfinger",
                    "dataset": "netfinger.vulnerability"}  # fmt: skip
    doc["vulnerability"] = {
        "id": finding.id, "enumeration": "CVE" if is_cve else None, "description": finding.title,
        "reference": NVD + finding.id if is_cve else None, "scanner": {"vendor": "netfinger"},
        "severity": "Critical" if finding.backdoor else "High" if finding.kev else "Medium",
        "category": ["Backdoor"] * finding.backdoor or ["Firmware"],
    }  # fmt: skip
    doc["labels"] |= {"kev": str(finding.kev).lower(), "backdoor": str(finding.backdoor).lower()}
    doc["tags"] = doc["tags"] + ["kev"] * finding.kev + ["backdoor"] * finding.backdoor
    return doc


def ecs_lines(report: Report, options: RenderOptions) -> Iterator[str]:
    options = RenderOptions(site=options.site, sensor=options.sensor or report.scan.scanner_host)
    moment = scan_time(report.scan)
    timestamp = moment.strftime("%Y-%m-%dT%H:%M:%S.000Z") if moment else report.scan.end or report.scan.start
    base = f"{options.site}\n{options.sensor}\n{timestamp}\n"
    for host in report.hosts:
        uid = host_uid(host)
        yield _action(base + uid)
        yield line(asset_doc(host, options, timestamp))
        for finding in host.verdict.vulnerabilities:
            yield _action(f"{base}{uid}\n{finding.id}")
            yield line(vulnerability_doc(host, finding, options, timestamp))


class EcsRenderer(Renderer):
    name = "ecs"

    def render(self, report: Report, options: RenderOptions) -> str:
        return "".join(self.stream(report, options))

    def stream(self, report: Report, options: RenderOptions) -> Iterator[str]:
        return ecs_lines(report, options)

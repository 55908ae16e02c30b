"""What the hostile-site test expects of each hostile device, and the headless Chromium helper."""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from netfinger.lab.state import DeviceState

CHROMIUM = Path("/usr/bin/chromium")
DTD = "XML with a DTD or entity declarations"

# device name -> substrings that must appear among its host's anomalies in the report
EXPECTED_ANOMALIES: dict[str, list[str]] = {
    "x-wsd-xml-bomb": [f"wsd: unreadable reply ({DTD}"],
    "x-wsd-external-entities": [f"wsd: unreadable reply ({DTD}"],
    "x-sadp-xml-bomb": [f"sadp: {DTD}"],
    "x-upnp-xml-bomb": ["upnp: description at 'http://10.78.0.104:49152/rootDesc.xml' unreadable", DTD],
    "x-http-50mb": ["http: reply on port 80 reached the 262144-byte limit, cut (oversize)"],
    "x-slow-drip": ["http: reply on port 80 still incomplete at the read timeout",
                    "rtsp: reply on port 554 still incomplete at the read timeout"],
    "x-dhip-liar": ["dhip: body length field 1024 but datagram carries",
                    "dhip: unreadable reply on udp/37810 (DHIP body is not JSON)",
                    "dhip: unreadable reply on udp/37810 (not a DHIP datagram)"],
    "x-identity-thief": [
        "sadp: conflicting identity: reply names MAC 44:47:cc:37:ce:81, but came from 02:66:78:00:01:08 "
        "(the MAC of host 10.78.0.21)",
        "sadp: conflicting identity: reply names IPv4 address 10.78.0.21",
        "dhip: conflicting identity: reply names MAC 3c:ef:8c:61:01:c0, but came from 02:66:78:00:01:08 "
        "(the MAC of host 10.78.0.41)",
        "dhip: conflicting identity: reply names IPv4 address 10.78.0.41",
    ],
    "x-ssdp-elsewhere": ["LOCATION 'http://10.99.0.5:8080/desc.xml' points away",
                         "LOCATION 'http://169.254.169.254/latest/meta-data/' points away",
                         "LOCATION 'http://10.78.0.21:80/ISAPI/' points away"],
    "x-wsd-flood": ["wsd: over 64 messages from this host (flood)"],
    "x-wsd-unicast-flood": ["wsd: over 64 messages from this host (flood)"],
    "x-sadp-flood": ["sadp: over 256 datagrams from this host on udp/37020 (flood); the rest not read"],
    "x-reset": ["http: connection on port 80 reset", "rtsp: connection on port 554 reset"],
    "x-wsd-scopes": ["wsd: 25000 scopes in one message (first 64 kept)"],
    "x-sadp-not-utf8": ["sadp: reply is not well-formed XML"],
    "x-regex-bomb": [],  # nothing to note; the budget test shows the scan was not stalled
    "x-inject-terminal": ["sadp: reply from 10.78.0.111 claims IPv4Address"],
    "x-inject-html": ["sadp: reply from 10.78.0.109 claims IPv4Address <svg onload="],
}


def chromium_dom(page: Path, profile: Path) -> str:
    """The DOM of ``page`` after its scripts ran, from headless Chromium with no network use."""
    cmd = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-default-apps",
        f"--user-data-dir={profile}", "--virtual-time-budget=3000", "--dump-dom", page.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=90, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


VERDICT_KEYS = ("manufacturer", "brand", "model", "firmware", "device_type", "banned")


def misclassified(devices: Iterable[DeviceState], by_ip: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Device name -> (got, wanted) for each device whose host differs from its profile's ``expect``
    (the verdict fields and the CVE set)."""
    wrong = {}
    for dev in devices:
        host = by_ip[dev.ip]
        got = {k: host[k] for k in VERDICT_KEYS} | {"cves": sorted(v["id"] for v in host["vulnerabilities"])}
        want = {k: dev.expect.get(k) for k in VERDICT_KEYS} | {"cves": sorted(dev.expect.get("cves") or [])}
        if got != want:
            wrong[dev.name] = (got, want)
    return wrong

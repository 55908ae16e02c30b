"""Who nmap says made each host, read from its XML output, for the benchmark's recall figures.

Two readings, both reported so the comparison is fair to nmap:

* ``services``: what nmap's service detection (-sV) and scripts say about a host: the ``product``,
  ``version``, ``extrainfo``, ``devicetype``, ``ostype`` and ``cpe`` of each port's ``<service>``, the
  host's and ports' script output, plus the broadcast pre-scan scripts' device blocks (a
  ``broadcast-upnp-info`` block naming ``Manufacturer: Dahua`` with a LOCATION on 10.0.0.5 attributes
  10.0.0.5; a block names only its own device, never the others listed by the same script).
* ``mac``: the above, and where it names no maker, nmap's MAC vendor (``<address vendor=...>``,
  from the OUI), as a person reading nmap's output might do.

A host naming both makers is attributed to the one named most often.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET  # nmap's own output, not device input
from dataclasses import dataclass, field
from pathlib import Path

MAKERS = ("Hikvision", "Dahua")
SERVICE_ATTRS = ("product", "version", "extrainfo", "devicetype", "ostype", "name")
IPV4_IN_TEXT = re.compile(r"(?<![\d.])(\d{1,3}(?:\.\d{1,3}){3})(?![\d.])")
MULTICAST_GROUPS = frozenset({"239.255.255.250", "239.255.255.251", "224.0.0.251"})


@dataclass
class NmapResult:
    hosts_up: int = 0
    up: set[str] = field(default_factory=set)  # addresses of the hosts up
    services: dict[str, str] = field(default_factory=dict)  # ip -> maker, from -sV and scripts
    mac: dict[str, str] = field(default_factory=dict)  # the same, MAC vendor where they name none


def maker_in(text: str) -> str | None:
    """The maker named most often in ``text`` (case-insensitive), or None."""
    low = text.lower()
    counts = {m: low.count(m.lower()) for m in MAKERS}
    best = max(counts, key=lambda m: counts[m])
    return best if counts[best] else None


def _host_text(host: ET.Element) -> str:
    parts: list[str] = []
    for svc in host.iter("service"):
        parts += [svc.get(a, "") for a in SERVICE_ATTRS]
        parts += [(c.text or "") for c in svc.iter("cpe")]
    for script in host.iter("script"):
        parts.append(script.get("output", ""))
        parts += [(e.text or "") for e in script.iter("elem")]
    return " ".join(parts)


def _ipv4(host: ET.Element, kind: str = "ipv4") -> tuple[str | None, str]:
    for addr in host.iter("address"):
        if addr.get("addrtype") == kind:
            return addr.get("addr"), addr.get("vendor", "")
    return None, ""


def broadcast_blocks(output: str) -> list[str]:
    """Split a broadcast script's text into one block per answering device.

    nmap prints each device under a header line naming the multicast group it answered on; the
    lines indented below it belong to that device.
    """
    blocks: list[list[str]] = []
    for line in output.splitlines():
        if line.strip() in MULTICAST_GROUPS or not blocks:
            blocks.append([])
        blocks[-1].append(line)
    return ["\n".join(b) for b in blocks if any(x.strip() for x in b)]


def broadcast_attribution(root: ET.Element) -> dict[str, str]:
    """ip -> maker from the pre-scan broadcast scripts, one device block at a time."""
    out: dict[str, str] = {}
    for pre in root.iter("prescript"):
        for script in pre.iter("script"):
            for block in broadcast_blocks(script.get("output", "")):
                maker = maker_in(block)
                ips = [ip for ip in IPV4_IN_TEXT.findall(block) if ip not in MULTICAST_GROUPS]
                if maker and ips:
                    out.setdefault(ips[0], maker)
    return out


def _is_up(host: ET.Element) -> bool:
    status = host.find("status")
    return status is not None and status.get("state") == "up"


def _elements(xml_path: Path) -> list[ET.Element]:
    """The complete ``<host>`` and ``<prescript>`` elements, also from a file nmap did not finish."""
    found: list[ET.Element] = []
    try:
        for _, elem in ET.iterparse(xml_path, events=("end",)):
            if elem.tag in ("host", "prescript"):
                found.append(elem)
    except ET.ParseError:  # nmap stopped mid-write (timeout): keep what was complete
        pass
    return found


def read_nmap(xml_path: Path) -> NmapResult:
    result = NmapResult()
    if not xml_path.exists() or not xml_path.stat().st_size:
        return result
    root = ET.Element("nmaprun")
    root.extend(_elements(xml_path))
    hosts = [h for h in root.iter("host") if _is_up(h)]
    result.hosts_up = len(hosts)
    for host in hosts:
        ip, _ = _ipv4(host)
        if ip:
            result.up.add(ip)
        maker = maker_in(_host_text(host))
        if ip and maker:
            result.services[ip] = maker
    for ip, maker in broadcast_attribution(root).items():
        result.services.setdefault(ip, maker)
    result.mac = dict(result.services)
    for host in hosts:
        ip, _ = _ipv4(host)
        maker = maker_in(_ipv4(host, "mac")[1])
        if ip and maker:
            result.mac.setdefault(ip, maker)
    return result

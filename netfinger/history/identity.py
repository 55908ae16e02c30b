"""Which host is which across sweeps of one site: the MAC when there is one, else the serial, else the IP.

Private address ranges repeat across sites, so identities are only ever compared within one site.
"""

from __future__ import annotations

from collections import Counter

from netfinger.report.model import HostReport
from netfinger.report.serial import host_uid


def base_identity(host: HostReport) -> str:
    return host_uid(host)


def identity_keys(hosts: list[HostReport]) -> list[str]:
    """One key per host. A MAC (or serial) seen on several IPs (proxy ARP, a router answering for
    others, a cloned serial) is not an identity on its own there, so those hosts are keyed with the IP."""
    bases = [base_identity(h) for h in hosts]
    counts = Counter(bases)
    return [
        f"{base}@{host.evidence.ip or ''}" if counts[base] > 1 else base
        for base, host in zip(bases, hosts, strict=True)
    ]

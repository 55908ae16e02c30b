"""The order people read hosts in: banned first, then suspect, then vulnerable, then the rest, each by IP."""

from __future__ import annotations

import ipaddress

from netfinger.report.model import HostReport, Report


def ip_sort_key(ip: str | None) -> tuple[int, int, str]:
    """Sort IPv4 before IPv6 numerically; anything unparsable (or missing) last, by text."""
    if not ip:
        return (9, 0, "")
    try:
        addr = ipaddress.ip_address(ip)
    except ValueError:
        return (8, 0, ip)
    return (addr.version, int(addr), "")


BANNED_RANK, SUSPECT_RANK, VULNERABLE_RANK, OTHER_RANK = 0, 1, 2, 3


def host_rank(host: HostReport) -> int:
    """0 banned, 1 suspect, 2 vulnerable (neither banned nor suspect), 3 the rest."""
    if host.verdict.banned:
        return BANNED_RANK
    if host.verdict.status == "suspect":
        return SUSPECT_RANK
    if host.verdict.vulnerabilities:
        return VULNERABLE_RANK
    return OTHER_RANK


def ordered_hosts(report: Report) -> list[HostReport]:
    return sorted(report.hosts, key=lambda h: (host_rank(h), ip_sort_key(h.evidence.ip)))


def ordered_targets(report: Report) -> list[HostReport]:
    """The hosts at target addresses, in reading order."""
    return [h for h in ordered_hosts(report) if not h.evidence.outside_targets]


def ordered_outside(report: Report) -> list[HostReport]:
    """The devices heard on the link from outside the targets (never contacted), in reading order."""
    return [h for h in ordered_hosts(report) if h.evidence.outside_targets]

"""Device text for people: one inert line per changed host, shared by mail, chat text and syslog.

Everything here is device-controlled. :func:`inert` replaces control and format characters with
visible escapes (:func:`netfinger.report.inert.visible`), makes the text ASCII and bounds its length,
so an ANSI sequence, a bidi override or a line break cannot forge a line in a mail or a log.
"""

from __future__ import annotations

from netfinger.alert.interface import HostChange
from netfinger.report.inert import visible

MAX_VALUE_CHARS = 120
_EVENT_WORDS = {"new": "NEW", "gone": "GONE", "changed": "CHANGED"}
_HOST_WORDS = {"new-banned": "newly banned", "suspect": "newly suspect", "vulnerable": "new vulnerabilities",
               "gone": "covered device gone"}  # fmt: skip


def inert(value: object, limit: int = MAX_VALUE_CHARS) -> str:
    """``value`` as printable ASCII (escapes for the rest), at most ``limit`` characters plus a marker."""
    text = visible("-" if value is None or value == "" else value)
    text = text.encode("ascii", "backslashreplace").decode("ascii")
    if len(text) > limit:
        return text[:limit] + "...(cut)"
    return text


def identification(host: HostChange) -> str:
    """``maker / brand model, firmware F``, leaving out what is unknown."""
    who = " / ".join(inert(v) for v in dict.fromkeys((host.manufacturer, host.brand)) if v) or "unidentified"
    if host.model:
        who += f" {inert(host.model)}"
    if host.firmware:
        who += f", firmware {inert(host.firmware)}"
    return who


def host_line(host: HostChange) -> str:
    """``NEW 192.168.50.34 (3c:ef:..) Dahua IPC-..., firmware ...: tier banned; newly banned; CVE-...``"""
    where = inert(host.ip) + (f" ({inert(host.mac)})" if host.mac else "")
    tier = host.tier if host.previous_tier in (None, host.tier) else f"{host.previous_tier} -> {host.tier}"
    parts = [f"tier {tier}", ", ".join(_HOST_WORDS[t] for t in host.triggers)]
    if host.new_vulnerabilities:
        parts.append("new: " + ", ".join(inert(v, 40) for v in host.new_vulnerabilities))
    return f"{_EVENT_WORDS[host.event]} {where} {identification(host)}: {'; '.join(parts)}"

"""The four task payloads (all JSON through the broker), checked and bounded on receipt.

An order (HQ → a site's sensors): ``uid, site, kind, timeout, duration, probes, limit, iface``. A
result (sensor → HQ): ``uid, site, sensor, kind, report`` (the report's JSON text). A failure (sensor
→ HQ, instead of a result): ``uid, site, sensor, kind, reason, seconds``. A heartbeat: ``site,
sensor, at, pending``. Whatever arrives may be hostile: unknown keys are dropped, sizes and ranges
checked, a failure's reason cut short and stripped of control characters.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

from netfinger.errors import UsageError
from netfinger.fleet.config import check_site

KINDS = ("scan", "listen")
MAX_REPORT_CHARS = 64 * 1024 * 1024
MAX_TIMEOUT = 60.0
MAX_DURATION = 3600.0
MAX_LIMIT = 86400.0
MAX_REASON = 500
_TEXT = re.compile(r"^[\w.:@/+-]{1,128}$")
_IFACE = re.compile(r"^[\w.:@+-]{1,15}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not _TEXT.match(value):
        raise UsageError(f"{key}: missing or not a short name")
    return value


def _number(data: dict[str, Any], key: str, default: float, top: float) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= top:
        raise UsageError(f"{key}: must be a number in (0, {top:g}]")
    return float(value)


def _kind(data: dict[str, Any]) -> str:
    kind = data.get("kind", "scan")
    if kind not in KINDS:
        raise UsageError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
    return str(kind)


def _iface(data: dict[str, Any]) -> str:
    value = data.get("iface") or ""
    if not isinstance(value, str) or (value and not _IFACE.match(value)):
        raise UsageError("iface: not an interface name")
    return value


def inert(text: str, top: int = MAX_REASON) -> str:
    """Text from the other side, fit for a terminal and a log: one line, no control characters."""
    return _CONTROL.sub("?", text)[:top]


def is_uid(text: str) -> bool:
    return bool(_TEXT.match(text))


def new_uid(site: str) -> str:
    return f"{site}:{uuid.uuid4().hex}"


@dataclass(frozen=True)
class Order:
    uid: str
    site: str
    kind: str = "scan"
    timeout: float = 2.0  # the scan's multicast listen window
    duration: float = 60.0  # a listen task's length
    probes: tuple[str, ...] = ()  # empty: the scan's defaults
    limit: float = 0.0  # seconds the order may run (0: the sensor's --time-limit)
    iface: str = ""  # a listen order's interface ("": the sensor's)

    def to_kwargs(self) -> dict[str, Any]:
        return {"uid": self.uid, "site": self.site, "kind": self.kind, "timeout": self.timeout,
                "duration": self.duration, "probes": list(self.probes), "limit": self.limit,
                "iface": self.iface}  # fmt: skip

    @classmethod
    def parse(cls, data: dict[str, Any], default_uid: str) -> Order:
        site = check_site(str(data.get("site", "")))
        uid = _text(data, "uid") if data.get("uid") is not None else default_uid
        probes = data.get("probes") or []
        if not isinstance(probes, list) or len(probes) > 32 or not all(isinstance(p, str) for p in probes):
            raise UsageError("probes: must be a short list of probe names")
        limit = _number(data, "limit", MAX_LIMIT, MAX_LIMIT) if data.get("limit") else 0.0
        return cls(uid, site, _kind(data), _number(data, "timeout", 2.0, MAX_TIMEOUT),
                   _number(data, "duration", 60.0, MAX_DURATION), tuple(probes), limit,
                   _iface(data))  # fmt: skip


@dataclass(frozen=True)
class Result:
    uid: str
    site: str
    sensor: str
    kind: str
    report: str

    def to_kwargs(self) -> dict[str, Any]:
        return {"uid": self.uid, "site": self.site, "sensor": self.sensor, "kind": self.kind,
                "report": self.report}  # fmt: skip

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Result:
        report = data.get("report")
        if not isinstance(report, str) or len(report) > MAX_REPORT_CHARS:
            raise UsageError(f"report: missing, not text, or over {MAX_REPORT_CHARS} characters")
        return cls(_text(data, "uid"), check_site(str(data.get("site", ""))), _text(data, "sensor"),
                   _kind(data), report)  # fmt: skip


@dataclass(frozen=True)
class Failure:
    """An order the sensor took but could not carry out, and why (a crash sends none: the order is
    given out again instead)."""

    uid: str
    site: str
    sensor: str
    kind: str
    reason: str
    seconds: float = 0.0  # from taking the order to giving up

    def to_kwargs(self) -> dict[str, Any]:
        return {"uid": self.uid, "site": self.site, "sensor": self.sensor, "kind": self.kind,
                "reason": self.reason, "seconds": self.seconds}  # fmt: skip

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Failure:
        reason = data.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise UsageError("reason: missing or not text")
        seconds = data.get("seconds", 0.0)
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds <= MAX_LIMIT:
            raise UsageError(f"seconds: must be a number in [0, {MAX_LIMIT:g}]")
        return cls(_text(data, "uid"), check_site(str(data.get("site", ""))), _text(data, "sensor"),
                   _kind(data), inert(reason), float(seconds))  # fmt: skip


@dataclass(frozen=True)
class Heartbeat:
    site: str
    sensor: str
    at: float
    pending: int = 0  # results in the sensor's outbox not yet delivered

    def to_kwargs(self) -> dict[str, Any]:
        return {"site": self.site, "sensor": self.sensor, "at": self.at, "pending": self.pending}

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Heartbeat:
        pending = data.get("pending", 0)
        if isinstance(pending, bool) or not isinstance(pending, int) or not 0 <= pending < 10**9:
            raise UsageError("pending: must be a count")
        return cls(check_site(str(data.get("site", ""))), _text(data, "sensor"),
                   _number(data, "at", 0.0, 10.0**11), pending)  # fmt: skip

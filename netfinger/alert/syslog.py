"""``syslog://`` alerts: one RFC 5424 line per changed host, over UDP (default) or TCP.

``syslog://host[:514]`` and ``syslog+udp://...`` send one datagram per line (at most 2048 bytes, as
RFC 5426 recommends; paced, since UDP drops what a receiver cannot take in a burst — prefer TCP for
big change sets); ``syslog+tcp://host[:514]`` sends them on one connection with RFC 6587
octet-counting framing. ``?facility=local0`` picks the facility (default ``user``). Severity is
warning (4) for newly banned or newly vulnerable devices, notice (5) otherwise.

Every changed host gets its line (the webhook and mail list at most 1000).

A line: ``<PRI>1 TIMESTAMP HOST netfinger PID EVENT [netfinger@32473 sweep=".." ip=".." ...] text``.
Structured-data values and the text are printable ASCII (control characters and non-ASCII replaced by
visible escapes), with ``\\ " ]`` escaped in parameter values, so a device cannot split a line or forge
a field. 32473 is the private enterprise number RFC 5612 reserves for examples.
"""

from __future__ import annotations

import asyncio
import os
import socket
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

from netfinger.alert.interface import ChangeSet, DeliveryError, HostChange, Transport
from netfinger.alert.secrets import Secrets
from netfinger.alert.text import host_line, inert
from netfinger.errors import UsageError
from netfinger.report.model import Report

SD_ID = "netfinger@32473"
MAX_UDP_BYTES = 2048
MAX_TCP_LINE_BYTES = 8192
UDP_BURST, UDP_PAUSE_S = 16, 0.002  # at most ~8,000 datagrams a second
FACILITIES = {
    "kern": 0, "user": 1, "mail": 2, "daemon": 3, "auth": 4, "syslog": 5, "authpriv": 10,
    **{f"local{i}": 16 + i for i in range(8)},
}  # fmt: skip
WARNING, NOTICE = 4, 5


def _sd_value(value: object, limit: int = 120) -> str:
    return inert(value, limit).replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def _header_token(value: str, limit: int) -> str:
    token = "".join(c for c in value if 33 <= ord(c) <= 126)[:limit]
    return token or "-"


def structured_data(changes: ChangeSet, host: HostChange) -> str:
    s = changes.sweep
    params = [("sweep", s.sweep_id), ("previous", s.previous_id), ("site", s.site), ("event", host.event),
              ("ip", host.ip), ("mac", host.mac), ("manufacturer", host.manufacturer),
              ("brand", host.brand), ("model", host.model), ("firmware", host.firmware),
              ("tier", host.tier), ("previous_tier", host.previous_tier),
              ("triggers", ",".join(host.triggers)),
              ("new_vulnerabilities", ",".join(host.new_vulnerabilities))]  # fmt: skip
    body = " ".join(f'{k}="{_sd_value(v, 400 if k == "new_vulnerabilities" else 120)}"'
                    for k, v in params if v not in (None, ""))  # fmt: skip
    return f"[{SD_ID} {body}]"


def build_line(changes: ChangeSet, host: HostChange, facility: int, limit: int, *,
               now: datetime | None = None, hostname: str | None = None) -> bytes:  # fmt: skip
    """One RFC 5424 message (no framing), cut to ``limit`` bytes in the free text when too long."""
    severity = WARNING if {"new-banned", "vulnerable"} & set(host.triggers) else NOTICE
    stamp = (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    name = _header_token(hostname if hostname is not None else socket.gethostname(), 255)
    head = f"<{facility * 8 + severity}>1 {stamp} {name} netfinger {os.getpid()} {host.event} "
    line = (head + structured_data(changes, host) + " " + host_line(host)).encode("ascii")
    return line if len(line) <= limit else line[: limit - 5] + b"(cut)"


class SyslogTransport(Transport):
    scheme = "syslog"

    def __init__(self, display: str, host: str, port: int, tcp: bool, facility: int) -> None:
        super().__init__(display)
        self._host, self._port, self._tcp, self._facility = host, port, tcp, facility

    @classmethod
    def from_url(cls, display: str, url: str, secrets: Secrets) -> SyslogTransport:
        parts = urlsplit(secrets.expand(url))
        if not parts.hostname:
            raise UsageError(f"alert URL {display} has no syslog host")
        name = parse_qs(parts.query).get("facility", ["user"])[-1]
        if name not in FACILITIES:
            raise UsageError(f"alert URL {display}: facility must be one of {', '.join(FACILITIES)}")
        try:
            port = parts.port or 514
        except ValueError as exc:
            raise UsageError(f"alert URL {display}: {exc}") from exc
        return cls(display, parts.hostname, port, parts.scheme == "syslog+tcp", FACILITIES[name])

    def lines(self, changes: ChangeSet) -> list[bytes]:
        limit = MAX_TCP_LINE_BYTES if self._tcp else MAX_UDP_BYTES
        return [build_line(changes, h, self._facility, limit) for h in changes.hosts]

    async def send(self, changes: ChangeSet, report: Report, io_timeout: float) -> None:
        lines = self.lines(changes)
        try:
            async with asyncio.timeout(io_timeout):
                await (self._send_tcp(lines) if self._tcp else self._send_udp(lines))
        except (OSError, TimeoutError) as exc:
            kind = "TCP" if self._tcp else "UDP"
            raise DeliveryError(f"syslog {kind} to {self._host}:{self._port}: {exc or 'timed out'}") from exc

    async def _send_udp(self, lines: list[bytes]) -> None:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            asyncio.DatagramProtocol, remote_addr=(self._host, self._port)
        )
        try:
            for i, line in enumerate(lines, start=1):
                transport.sendto(line)
                if i % UDP_BURST == 0:
                    await asyncio.sleep(UDP_PAUSE_S)  # paced: a burst must not overflow the receiver
        finally:
            transport.close()

    async def _send_tcp(self, lines: list[bytes]) -> None:
        _, writer = await asyncio.open_connection(self._host, self._port)
        try:
            writer.write(b"".join(f"{len(line)} ".encode("ascii") + line for line in lines))
            await writer.drain()
        finally:
            writer.close()
            await writer.wait_closed()

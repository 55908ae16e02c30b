"""``http(s)://`` alerts: one JSON POST per alert, in the documented ``netfinger.alert/1`` format.

The body validates against ``alert-schema.json`` (``netfinger schema --alert`` prints it). Its
``text`` field is a chat message (Slack and Microsoft Teams incoming webhooks show it): the summary
line, then the changed hosts inside a code block, with ``& < >`` entity-escaped and backticks replaced,
so device text cannot mention, link or format. In the JSON itself every value is JSON-escaped, and
``< > &`` are written as ``\\u003c \\u003e \\u0026`` so a receiver that pastes the body into HTML stays
safe. When ``NETFINGER_WEBHOOK_TOKEN`` is set (environment or secret file) it is sent as
``Authorization: Bearer``. Redirects are not followed.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from netfinger import __version__
from netfinger.alert.interface import ChangeSet, DeliveryError, Transport
from netfinger.alert.payload import MAX_HOSTS, MAX_TEXT_HOSTS, PAYLOAD_SCHEMA_ID
from netfinger.alert.secrets import Secrets
from netfinger.alert.text import host_line
from netfinger.errors import UsageError
from netfinger.report.model import Report

TOKEN_NAME = "NETFINGER_WEBHOOK_TOKEN"  # noqa: S105 (the variable's name, not a token)
_RETRYABLE_STATUS = frozenset({408, 425, 429})


def chat_text(changes: ChangeSet) -> str:
    lines = [host_line(h) for h in changes.hosts[:MAX_TEXT_HOSTS]]
    if len(changes.hosts) > MAX_TEXT_HOSTS:
        lines.append(f"... and {len(changes.hosts) - MAX_TEXT_HOSTS} more in the JSON body")
    block = "\n".join(lines).replace("`", "'")
    text = f"{changes.summary}\n```\n{block}\n```"
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_payload(changes: ChangeSet) -> dict[str, Any]:
    s = changes.sweep
    return {
        "schema": PAYLOAD_SCHEMA_ID,
        "text": chat_text(changes),
        "summary": changes.summary,
        "counts": dict(changes.counts),
        "sweep": {
            "id": s.sweep_id, "previous_id": s.previous_id, "site": s.site, "start": s.start,
            "end": s.end, "targets": list(s.targets), "scanner_host": s.scanner_host,
            "signatures": {"previous": s.signatures[0], "current": s.signatures[1]},
        },
        "hosts": [h.to_dict() for h in changes.hosts[:MAX_HOSTS]],
        "hosts_left_out": max(0, len(changes.hosts) - MAX_HOSTS),
    }  # fmt: skip


def encode_payload(payload: dict[str, Any]) -> bytes:
    text = json.dumps(payload, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026").encode("ascii")


class WebhookTransport(Transport):
    scheme = "https"

    def __init__(self, display: str, url: str, token: str | None) -> None:
        super().__init__(display)
        self._url = url
        self._token = token

    @classmethod
    def from_url(cls, display: str, url: str, secrets: Secrets) -> WebhookTransport:
        expanded = secrets.expand(url)
        try:
            host = httpx.URL(expanded).host
        except httpx.InvalidURL as exc:
            raise UsageError(f"alert URL {display} is not a valid URL") from exc
        if not host:
            raise UsageError(f"alert URL {display} has no host")
        return cls(display, expanded, secrets.get(TOKEN_NAME))

    def _scrub(self, message: str) -> str:
        """An error message without the expanded URL or the token (they may hold secrets)."""
        message = message.replace(self._url, self.display)
        return message.replace(self._token, "***") if self._token else message

    async def send(self, changes: ChangeSet, report: Report, io_timeout: float) -> None:
        headers = {"Content-Type": "application/json", "User-Agent": f"netfinger/{__version__}"}
        if self._token:
            headers["Authorization"] = f"Bearer {self._token}"
        body = encode_payload(build_payload(changes))
        try:
            async with httpx.AsyncClient(timeout=io_timeout, follow_redirects=False) as client:
                response = await client.post(self._url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(self._scrub(f"{type(exc).__name__}: {exc}")) from exc
        if response.is_success:
            return
        status = response.status_code
        permanent = 300 <= status < 500 and status not in _RETRYABLE_STATUS  # a redirect is not followed
        raise DeliveryError(f"HTTP {status} {response.reason_phrase}", permanent=permanent)

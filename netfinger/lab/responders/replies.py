"""Canned text-protocol replies (HTTP, RTSP) described in profiles: status, ordered headers, body.

A reply spec is a mapping::

    status: 401
    reason: Unauthorized
    version: HTTP/1.0          # optional; else the port's default
    headers: [[Date, "{http_date}"], [Content-Length, "{length}"]]
    body: "text with {vars}"   # or body_file: name in kits/files/, or body_b64: ...

Header values and text bodies are templates; ``{length}`` is the body's byte length.
"""

from __future__ import annotations

import base64
import binascii
import functools
from pathlib import Path
from typing import Any

from netfinger.lab.responders import schema
from netfinger.lab.responders.base import Device, ProfileError
from netfinger.lab.responders.templating import render
from netfinger.lab.wire.textmsg import build_response

FILES_DIR = Path(__file__).parent / "kits" / "files"
REPLY_KEYS = {"status", "reason", "version", "headers", "body", "body_file", "body_b64"}


def validate_reply(spec: Any, where: str, extra_keys: set[str] | None = None) -> dict[str, Any]:
    spec = schema.mapping(spec, where)
    schema.only_keys(spec, REPLY_KEYS | (extra_keys or set()), where)
    schema.opt_int(spec, "status", where, 100, 999)
    for key in ("reason", "version", "body", "body_file", "body_b64"):
        schema.opt_str(spec, key, where)
    schema.pairs(spec.get("headers"), f"{where}.headers")
    if sum(k in spec for k in ("body", "body_file", "body_b64")) > 1:
        raise ProfileError(f"{where}: give only one of body, body_file, body_b64")
    if "body_file" in spec:
        name = spec["body_file"]
        if "/" in name or name.startswith(".") or not (FILES_DIR / name).is_file():
            raise ProfileError(f"{where}.body_file: no file {name!r} in {FILES_DIR.name}/")
    if "body_b64" in spec:
        try:
            base64.b64decode(spec["body_b64"], validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ProfileError(f"{where}.body_b64: not base64") from exc
    return dict(spec)


@functools.cache
def _file(name: str) -> bytes:
    return (FILES_DIR / name).read_bytes()


def body_bytes(device: Device, spec: dict[str, Any], extra: dict[str, str]) -> bytes:
    if "body_file" in spec:
        return _file(spec["body_file"])
    if "body_b64" in spec:
        return base64.b64decode(spec["body_b64"])
    return render(device, spec.get("body", ""), extra).encode("utf-8")


def headers(
    device: Device, spec: dict[str, Any], extra: dict[str, str], body: bytes
) -> list[tuple[str, str]]:
    values = dict(extra, length=str(len(body)))
    out = []
    for name, value in schema.pairs(spec.get("headers"), "headers"):
        text = render(device, value, values)
        if "\r" in text or "\n" in text:
            text = text.replace("\r", " ").replace("\n", " ")
        out.append((name, text))
    return out


def build(
    device: Device,
    spec: dict[str, Any],
    *,
    version: str,
    extra: dict[str, str],
    body: bytes | None = None,
    head_only: bool = False,
) -> bytes:
    """Wire bytes of one reply; ``body`` overrides the spec's body (e.g. a generated SOAP reply)."""
    payload = body_bytes(device, spec, extra) if body is None else body
    hdrs = headers(device, spec, extra, payload)
    return build_response(
        render(device, spec.get("version", version), extra),
        int(spec.get("status", 200)),
        spec.get("reason", "OK"),
        hdrs,
        b"" if head_only else payload,
    )


def keeps_alive(spec: dict[str, Any]) -> bool:
    """True when the reply has a Content-Length and does not announce ``Connection: close``."""
    hdrs = [(n.lower(), v.lower()) for n, v in schema.pairs(spec.get("headers"), "headers")]
    has_length = any(n == "content-length" for n, _ in hdrs)
    return has_length and not any(n == "connection" and "close" in v for n, v in hdrs)

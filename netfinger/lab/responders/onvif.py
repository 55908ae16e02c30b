"""ONVIF device service section (``onvif``): served by the http responder on ``path`` of its ports.

Profile section::

    onvif:
      style: hikvision | dahua | generic       # envelope shape
      path: /onvif/device_service              # default
      users: {admin: "secret"}                 # accepted WS-UsernameToken (PasswordDigest) credentials
      device_information: [[Manufacturer, HIKVISION], [Model, "{model}"], ...]   # ordered
      tz: "CST-8:00:00"
      utc_offset_minutes: 480
      headers: [[Content-Type, "application/soap+xml; charset=utf-8"], [Content-Length, "{length}"]]
      unauthorized: {status: 401, reason: Unauthorized, headers: [...], fault: true}
"""

from __future__ import annotations

import datetime
from typing import Any

from netfinger.lab.responders import kits, replies, schema
from netfinger.lab.responders.base import Device, ProfileError, Responder
from netfinger.lab.responders.templating import render
from netfinger.lab.wire import digest, onvif
from netfinger.lab.wire.textmsg import Request

KEYS = {
    "kit",
    "style",
    "path",
    "users",
    "device_information",
    "tz",
    "utc_offset_minutes",
    "headers",
    "unauthorized",
    "date_time_type",
}
DEFAULT_HEADERS = [("Content-Type", "application/soap+xml; charset=utf-8"), ("Content-Length", "{length}")]
NOT_AUTHORIZED = "The action requested requires authorization and the sender is not authorized"


def section(device: Device) -> dict[str, Any] | None:
    raw = device.sections.get("onvif")
    return None if raw is None else kits.resolve("onvif", raw)


def serves(device: Device, req: Request) -> bool:
    sec = section(device)
    return sec is not None and req.method == "POST" and req.path == sec.get("path", "/onvif/device_service")


class OnvifResponder(Responder):
    name = "onvif"

    def validate(self, section: Any, where: str) -> None:
        sec = kits.resolve("onvif", section, where)
        schema.only_keys(sec, KEYS, where)
        if sec.get("style", "generic") not in onvif.STYLES:
            raise ProfileError(f"{where}.style: one of {', '.join(onvif.STYLES)}")
        for key in ("path", "tz", "date_time_type"):
            schema.opt_str(sec, key, where)
        schema.opt_int(sec, "utc_offset_minutes", where, -900, 900)
        users = schema.mapping(sec.get("users", {}), f"{where}.users")
        if not all(isinstance(v, str) for v in users.values()):
            raise ProfileError(f"{where}.users: passwords must be strings")
        if not schema.pairs(sec.get("device_information"), f"{where}.device_information"):
            raise ProfileError(f"{where}.device_information: required")
        schema.pairs(sec.get("headers"), f"{where}.headers")
        if "unauthorized" in sec:
            replies.validate_reply(sec["unauthorized"], f"{where}.unauthorized", {"fault"})


def answer(device: Device, req: Request, version: str, head_only: bool = False) -> bytes:
    """The full HTTP reply to one SOAP POST on the device service."""
    sec = section(device) or {}
    style = sec.get("style", "generic")
    extra = digest.nonce_vars()
    call = onvif.parse_call(req.body)
    if (
        call is not None
        and call.action == "GetDeviceInformation"
        and not onvif.token_valid(call.token, sec.get("users", {}))
    ):
        return _unauthorized(device, sec, style, version, extra=extra, head_only=head_only)
    status, body = _body(device, sec, style, call)
    spec = {
        "headers": sec.get("headers", DEFAULT_HEADERS),
        "status": status,
        "reason": "OK" if status == 200 else "Bad Request",
    }
    return replies.build(device, spec, version=version, extra=extra, body=body, head_only=head_only)


def _body(device: Device, sec: dict[str, Any], style: str, call: onvif.SoapCall | None) -> tuple[int, bytes]:
    """Status and SOAP body for a call that needs no (more) authorisation."""
    if call is None:
        return 400, onvif.build_fault(style, "Sender", "ter:WellFormed", "Well-formed Error")
    if call.action == "GetSystemDateAndTime":
        now = datetime.datetime.now(datetime.UTC)
        tz, offset = sec.get("tz", "UTC0"), sec.get("utc_offset_minutes", 0)
        return 200, onvif.build_system_date_and_time(style, tz, offset, now, sec.get("date_time_type", "NTP"))
    if call.action == "GetDeviceInformation":
        pairs = schema.pairs(sec["device_information"], "device_information")
        return 200, onvif.build_device_information(style, [(k, render(device, v)) for k, v in pairs])
    return 400, onvif.build_fault(
        style, "Receiver", "ter:ActionNotSupported", "Optional Action Not Implemented"
    )


def _unauthorized(
    device: Device, sec: dict[str, Any], style: str, version: str, *, extra: dict[str, str], head_only: bool
) -> bytes:
    spec = dict(sec.get("unauthorized") or {"status": 400, "reason": "Bad Request", "fault": True})
    spec.setdefault("headers", DEFAULT_HEADERS)
    body = None
    if spec.pop("fault", True):
        body = onvif.build_fault(style, "Sender", "ter:NotAuthorized", NOT_AUTHORIZED)
    return replies.build(device, spec, version=version, extra=extra, body=body, head_only=head_only)

"""ONVIF device service, client side (sans-I/O): unauthenticated SOAP requests and their answers."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

from netfinger.protocols.xmlsafe import envelope_prefix, find_first, find_path, local, parse_xml, text

NS_SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
NS_DEVICE = "http://www.onvif.org/ver10/device/wsdl"
CONTENT_TYPE = "application/soap+xml; charset=utf-8"
DEVICE_INFO_FIELDS = ("Manufacturer", "Model", "FirmwareVersion", "SerialNumber", "HardwareId")
_B64_RE = re.compile(r"^[A-Za-z0-9+/]{8,128}={0,2}$")


def build_request(operation: str) -> bytes:
    """An unauthenticated SOAP 1.2 request for a parameterless device-service operation."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<s:Envelope xmlns:s="{NS_SOAP12}" xmlns:tds="{NS_DEVICE}">'
        f"<s:Body><tds:{operation}/></s:Body></s:Envelope>"
    ).encode()


def build_get_system_date_and_time() -> bytes:
    return build_request("GetSystemDateAndTime")


def build_get_device_information() -> bytes:
    return build_request("GetDeviceInformation")


@dataclass
class OnvifReply:
    valid: bool
    envelope: str = ""
    fault: str = ""
    fields: dict[str, str] = field(default_factory=dict)


def _body_first(data: bytes) -> tuple[OnvifReply, object | None]:
    root = parse_xml(data)
    if root is None or local(root.tag) != "Envelope":
        return OnvifReply(False), None
    body = find_path(root, "Body")
    first = next(iter(body), None) if body is not None else None
    reply = OnvifReply(True, envelope_prefix(data))
    if first is not None and local(first.tag) == "Fault":
        reply.fault = " ".join(t.strip() for t in first.itertext() if t.strip())[:256]
        return reply, None
    return reply, first


def parse_system_date_and_time(data: bytes) -> OnvifReply:
    """Envelope prefix and TimeZone/TZ (plus DateTimeType) of GetSystemDateAndTimeResponse."""
    reply, first = _body_first(data)
    if first is None or not hasattr(first, "iter"):
        return reply
    sdt = find_first(first, "SystemDateAndTime")  # type: ignore[arg-type]
    if sdt is None:
        reply.valid = reply.valid and bool(reply.fault)
        return reply
    tz = text(find_path(sdt, "TimeZone", "TZ"))
    if tz:
        reply.fields["timezone"] = tz
    kind = text(find_path(sdt, "DateTimeType"))
    if kind:
        reply.fields["DateTimeType"] = kind
    return reply


def parse_device_information(data: bytes) -> OnvifReply:
    reply, first = _body_first(data)
    if first is None or not hasattr(first, "iter"):
        return reply
    for name in DEVICE_INFO_FIELDS:
        value = text(find_first(first, name))  # type: ignore[arg-type]
        if value:
            reply.fields[name] = value
    return reply


def nonce_format(nonce: str) -> str:
    """'onvif-digest' when a Digest nonce is base64 of ``onvif-digest:<digits>`` (Dahua), else ''."""
    if not _B64_RE.match(nonce):
        return ""
    try:
        decoded = base64.b64decode(nonce + "=" * (-len(nonce) % 4), validate=True)
    except (binascii.Error, ValueError):
        return ""
    return "onvif-digest" if decoded.startswith(b"onvif-digest:") else ""

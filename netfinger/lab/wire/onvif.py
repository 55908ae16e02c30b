"""ONVIF device service, device side: parse a SOAP call, check WS-UsernameToken, build replies (§8).

Only GetSystemDateAndTime (always open, clients use it for clock skew) and GetDeviceInformation (needs
a valid PasswordDigest) are served; anything else gets an ActionNotSupported fault.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import hmac
from dataclasses import dataclass
from xml.sax.saxutils import escape

import defusedxml.ElementTree as SafeET

from netfinger.lab.wire import soapns

MAX_REQUEST = 65536
STYLES = ("hikvision", "dahua", "generic")
TT = "http://www.onvif.org/ver10/schema"
TDS = "http://www.onvif.org/ver10/device/wsdl"
TER = "http://www.onvif.org/ver10/error"


@dataclass(frozen=True)
class UsernameToken:
    username: str
    password: str
    password_type: str
    nonce: str
    created: str


@dataclass(frozen=True)
class SoapCall:
    action: str  # local name of the first Body child, e.g. "GetDeviceInformation"
    token: UsernameToken | None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _token(root: object) -> UsernameToken | None:
    for el in root.iter():  # type: ignore[attr-defined]
        if _local(el.tag) != "UsernameToken":
            continue
        vals: dict[str, str] = {}
        ptype = ""
        for child in el:
            vals[_local(child.tag)] = (child.text or "").strip()
            if _local(child.tag) == "Password":
                ptype = child.get("Type", "")
        return UsernameToken(
            vals.get("Username", ""),
            vals.get("Password", ""),
            ptype,
            vals.get("Nonce", ""),
            vals.get("Created", ""),
        )
    return None


def parse_call(data: bytes) -> SoapCall | None:
    if not data or len(data) > MAX_REQUEST:
        return None
    try:
        root = SafeET.fromstring(data)
    except Exception:  # hostile or broken XML: the caller answers with a fault
        return None
    if _local(root.tag) != "Envelope":
        return None
    body = next((el for el in root if _local(el.tag) == "Body"), None)
    if body is None or len(body) == 0:
        return None
    return SoapCall(action=_local(body[0].tag), token=_token(root))


def token_valid(token: UsernameToken | None, users: dict[str, str]) -> bool:
    """PasswordDigest = Base64(SHA-1(nonce bytes + Created + password)) for a known user."""
    if token is None or token.username not in users or not token.password_type.endswith("#PasswordDigest"):
        return False
    try:
        nonce = base64.b64decode(token.nonce, validate=True)
    except (binascii.Error, ValueError):
        return False
    secret = users[token.username].encode("utf-8")
    digest = hashlib.sha1(nonce + token.created.encode("utf-8") + secret, usedforsecurity=False).digest()
    return hmac.compare_digest(base64.b64encode(digest).decode(), token.password)


def envelope(style: str, body: str) -> bytes:
    if style == "hikvision":
        head, env = '<?xml version="1.0" encoding="UTF-8"?>\n', "env"
        decl = soapns.declare(soapns.HIKVISION)
    elif style == "dahua":
        head, env = '<?xml version="1.0" encoding="utf-8" standalone="yes" ?>', "s"
        decl = soapns.declare((("s", soapns.SOAP12), ("tt", TT), ("tds", TDS), ("ter", TER)))
    else:
        head, env = '<?xml version="1.0" encoding="UTF-8"?>\n', "SOAP-ENV"
        decl = soapns.declare((("SOAP-ENV", soapns.SOAP12), ("tt", TT), ("tds", TDS), ("ter", TER)))
    return f"{head}<{env}:Envelope {decl}><{env}:Body>{body}</{env}:Body></{env}:Envelope>".encode()


def env_prefix(style: str) -> str:
    return {"hikvision": "env", "dahua": "s"}.get(style, "SOAP-ENV")


def build_device_information(style: str, info: list[tuple[str, str]]) -> bytes:
    fields = "".join(f"<tds:{k}>{escape(v)}</tds:{k}>" for k, v in info)
    return envelope(style, f"<tds:GetDeviceInformationResponse>{fields}</tds:GetDeviceInformationResponse>")


def _datetime(tag: str, when: datetime.datetime) -> str:
    return (
        f"<tt:{tag}><tt:Time><tt:Hour>{when.hour}</tt:Hour><tt:Minute>{when.minute}</tt:Minute>"
        f"<tt:Second>{when.second}</tt:Second></tt:Time><tt:Date><tt:Year>{when.year}</tt:Year>"
        f"<tt:Month>{when.month}</tt:Month><tt:Day>{when.day}</tt:Day></tt:Date></tt:{tag}>"
    )


def build_system_date_and_time(
    style: str, tz: str, utc_offset_minutes: int, now: datetime.datetime, date_time_type: str = "NTP"
) -> bytes:
    local = now + datetime.timedelta(minutes=utc_offset_minutes)
    body = (
        "<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime>"
        f"<tt:DateTimeType>{escape(date_time_type)}</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings>"
        f"<tt:TimeZone><tt:TZ>{escape(tz)}</tt:TZ></tt:TimeZone>"
        f"{_datetime('UTCDateTime', now)}{_datetime('LocalDateTime', local)}"
        "</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>"
    )
    return envelope(style, body)


def build_fault(style: str, code: str, subcode: str, reason: str) -> bytes:
    """A SOAP 1.2 fault, e.g. code ``Sender``, subcode ``ter:NotAuthorized``."""
    p = env_prefix(style)
    body = (
        f"<{p}:Fault><{p}:Code><{p}:Value>{p}:{escape(code)}</{p}:Value><{p}:Subcode>"
        f"<{p}:Value>{escape(subcode)}</{p}:Value></{p}:Subcode></{p}:Code>"
        f'<{p}:Reason><{p}:Text xml:lang="en">{escape(reason)}</{p}:Text></{p}:Reason></{p}:Fault>'
    )
    return envelope(style, body)

"""An NVR's requests to its cameras (sans-I/O builders, and the framing of the replies it reads).

RTSP ``OPTIONS`` and ``DESCRIBE`` as a recorder sends them before it streams a channel; ONVIF device
service calls over HTTP (SOAP 1.2): ``GetSystemDateAndTime`` (open; clients read the clock skew) and
``GetDeviceInformation`` with a WS-Security UsernameToken, PasswordDigest = Base64(SHA-1(nonce +
Created + password)), with the camera's credentials as the recorder is configured with them.
"""

from __future__ import annotations

import base64
import hashlib
import re

USER_AGENT = "netfinger-lab-nvr/1.0"
MAX_HEAD = 16384
MAX_BODY = 65536
NS_SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
NS_DEVICE = "http://www.onvif.org/ver10/device/wsdl"
NS_WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
NS_WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
DIGEST = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest"
BASE64_BINARY = ("http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0"
                 "#Base64Binary")
_LENGTH_RE = re.compile(rb"\r\ncontent-length:[ \t]*(\d{1,9})[ \t]*\r\n", re.IGNORECASE)


def rtsp_request(method: str, url: str, cseq: int) -> bytes:
    lines = [f"{method} {url} RTSP/1.0", f"CSeq: {cseq}", f"User-Agent: {USER_AGENT}"]
    if method == "DESCRIBE":
        lines.append("Accept: application/sdp")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def password_digest(nonce: bytes, created: str, password: str) -> str:
    return base64.b64encode(hashlib.sha1(nonce + created.encode() + password.encode(),
                                         usedforsecurity=False).digest()).decode()


def security_header(user: str, password: str, nonce: bytes, created: str) -> str:
    return (
        f'<s:Header><wsse:Security xmlns:wsse="{NS_WSSE}" xmlns:wsu="{NS_WSU}"><wsse:UsernameToken>'
        f"<wsse:Username>{_text(user)}</wsse:Username>"
        f'<wsse:Password Type="{DIGEST}">{password_digest(nonce, created, password)}</wsse:Password>'
        f'<wsse:Nonce EncodingType="{BASE64_BINARY}">{base64.b64encode(nonce).decode()}</wsse:Nonce>'
        f"<wsu:Created>{created}</wsu:Created></wsse:UsernameToken></wsse:Security></s:Header>"
    )


def soap_call(operation: str, header: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<s:Envelope xmlns:s="{NS_SOAP12}" xmlns:tds="{NS_DEVICE}">{header}'
        f"<s:Body><tds:{operation}/></s:Body></s:Envelope>"
    ).encode()


def http_post(host: str, path: str, operation: str, body: bytes) -> bytes:
    """One SOAP call as an HTTP/1.1 POST (``Connection: close``: one call per connection)."""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\n"
        f'Content-Type: application/soap+xml; charset=utf-8; action="{NS_DEVICE}/{operation}"\r\n'
        f"Content-Length: {len(body)}\r\nConnection: close\r\nUser-Agent: {USER_AGENT}\r\n\r\n"
    )
    return head.encode() + body


def body_length(head: bytes) -> int:
    """The Content-Length of a reply head (status line and headers, ending in CRLF CRLF), bounded;
    0 when there is none."""
    m = _LENGTH_RE.search(head)
    return min(int(m.group(1)), MAX_BODY) if m else 0


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

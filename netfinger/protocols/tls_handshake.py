"""TLS handshake records (sans-I/O): the ClientHello's server name and the server's certificates.

Only TLS ≤ 1.2 sends the Certificate message in clear; from 1.3 on it is encrypted and
``server_certificates`` finds none. Never raises; every length is checked against what is there.
"""

from __future__ import annotations

import struct

CONTENT_HANDSHAKE = 0x16
HS_CLIENT_HELLO = 1
HS_SERVER_HELLO = 2
HS_CERTIFICATE = 11
EXT_SERVER_NAME = 0
MAX_RECORDS = 64
MAX_CERTS = 8


def handshake_messages(stream: bytes) -> list[tuple[int, bytes]]:
    """(type, body) of the handshake messages in the leading handshake records of a stream."""
    payload = bytearray()
    pos = 0
    for _ in range(MAX_RECORDS):
        if pos + 5 > len(stream) or stream[pos] != CONTENT_HANDSHAKE or stream[pos + 1] != 3:
            break
        length = struct.unpack_from("!H", stream, pos + 3)[0]
        payload += stream[pos + 5:pos + 5 + length]
        pos += 5 + length
    out: list[tuple[int, bytes]] = []
    at = 0
    while at + 4 <= len(payload):
        kind = payload[at]
        length = int.from_bytes(payload[at + 1:at + 4], "big")
        out.append((kind, bytes(payload[at + 4:at + 4 + length])))
        at += 4 + length
    return out


def _sni(extensions: bytes) -> str:
    pos = 0
    while pos + 4 <= len(extensions):
        kind, length = struct.unpack_from("!HH", extensions, pos)
        body = extensions[pos + 4:pos + 4 + length]
        if kind == EXT_SERVER_NAME and len(body) >= 5 and body[2] == 0:
            name_len = struct.unpack_from("!H", body, 3)[0]
            return body[5:5 + name_len].decode("ascii", "replace")
        pos += 4 + length
    return ""


def client_hello_sni(stream: bytes) -> str:
    """The host name a client asked for in its ClientHello, '' when there is none."""
    for kind, body in handshake_messages(stream):
        if kind != HS_CLIENT_HELLO or len(body) < 38:
            continue
        pos = 34  # version (2) + random (32)
        pos += 1 + body[pos]  # session id
        if pos + 2 > len(body):
            return ""
        pos += 2 + struct.unpack_from("!H", body, pos)[0]  # cipher suites
        if pos + 1 > len(body):
            return ""
        pos += 1 + body[pos]  # compression methods
        if pos + 2 > len(body):
            return ""
        ext_len = struct.unpack_from("!H", body, pos)[0]
        return _sni(body[pos + 2:pos + 2 + ext_len])
    return ""


def server_certificates(stream: bytes) -> list[bytes]:
    """DER certificates of the server's Certificate message (leaf first); [] for TLS 1.3 or none."""
    for kind, body in handshake_messages(stream):
        if kind != HS_CERTIFICATE or len(body) < 3:
            continue
        total = int.from_bytes(body[0:3], "big")
        certs: list[bytes] = []
        pos = 3
        while pos + 3 <= min(len(body), 3 + total) and len(certs) < MAX_CERTS:
            length = int.from_bytes(body[pos:pos + 3], "big")
            der = body[pos + 3:pos + 3 + length]
            if len(der) != length:
                break
            certs.append(der)
            pos += 3 + length
        return certs
    return []

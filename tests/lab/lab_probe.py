"""Minimal per-protocol probes, run INSIDE a lab's scanner namespace (``ip netns exec NS python ...``).

Reads a JSON plan on stdin::

    {"udp": ["10.77.0.2", ...],                       # every device gets every UDP discovery probe
     "tcp": [{"ip": "10.77.0.2", "port": 80, "kind": "http" | "rtsp" | "onvif" | "tcp", "tls": false,
              "path": "/onvif/device_service"}, ...]}

and prints JSON::

    {"udp": {"sadp": ["10.77.0.2", ...], "dhip": [...], ...},   # which addresses answered each protocol
     "tcp": {"http 10.77.0.2:80": "HTTP/1.1 200 OK" | "connected" | null}}   # first line of the reply

Plain sockets only, on purpose: this checks the lab, independently of netfinger's own probes.
"""

from __future__ import annotations

import json
import select
import socket
import ssl
import struct
import sys
import time
import uuid

UDP_WAIT = 2.5  # at least this long, then until UDP_QUIET passes with no reply (at most UDP_MAX_WAIT)
UDP_QUIET = 1.5
UDP_MAX_WAIT = 20.0
RCVBUF = 8 << 20
SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)  # root may exceed net.core.rmem_max
TCP_TIMEOUT = 3.0


def sadp_inquiry() -> bytes:
    guid = str(uuid.uuid4()).upper()
    xml = f"<Probe><Uuid>{guid}</Uuid><Types>inquiry</Types></Probe>"
    return ('<?xml version="1.0" encoding="utf-8"?>' + xml).encode()


def dhip_search() -> bytes:
    body = b'{ "method" : "DHDiscover.search", "params" : { "mac" : "", "uni" : 1 } }\n'
    return struct.pack("<I4sIIIIII", 0x20, b"DHIP", 0, 0, len(body), 0, len(body), 0) + body


def wsd_probe() -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:w="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
        'xmlns:dn="http://www.onvif.org/ver10/network/wsdl">'
        f"<e:Header><w:MessageID>uuid:{uuid.uuid4()}</w:MessageID>"
        "<w:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</w:To>"
        "<w:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</w:Action></e:Header>"
        "<e:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></e:Body></e:Envelope>"
    ).encode()


def dhip_legacy_search() -> bytes:
    """The 32-byte search of old Dahua DVR/NVR firmware (UDP 5050)."""
    return bytes([0xA3, 0x01, 0x00, 0x01]) + bytes(12) + bytes([0x02]) + bytes(15)


def ssdp_msearch() -> bytes:
    return (
        b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n"
        b'MAN: "ssdp:discover"\r\nMX: 1\r\nST: ssdp:all\r\n\r\n'
    )


def mdns_query() -> bytes:
    """One PTR question for the DNS-SD service list, from an ephemeral port (so the answer is unicast)."""
    qname = b"".join(bytes([len(p)]) + p for p in (b"_services", b"_dns-sd", b"_udp", b"local")) + b"\0"
    return struct.pack(">HHHHHH", 0x4E46, 0, 1, 0, 0, 0) + qname + struct.pack(">HH", 12, 1)


UDP_PROBES = {  # probe name -> (port, request); the test maps each to its protocol section
    "sadp": (37020, sadp_inquiry),
    "dhip": (37810, dhip_search),
    "dhip-5050": (5050, dhip_legacy_search),
    "wsd": (3702, wsd_probe),
    "ssdp": (1900, ssdp_msearch),
    "mdns": (5353, mdns_query),
}


def probe_udp(targets: list[str]) -> dict[str, list[str]]:
    socks: dict[socket.socket, str] = {}
    for proto, (port, build) in UDP_PROBES.items():
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, RCVBUF)  # a burst of replies from every device
        sock.bind(("0.0.0.0", 0))
        sock.setblocking(False)
        for ip in targets:
            sock.sendto(build(), (ip, port))
        socks[sock] = proto
    answered: dict[str, set[str]] = {proto: set() for proto in UDP_PROBES}
    start = last = time.monotonic()
    while True:
        now = time.monotonic()
        deadline = min(max(start + UDP_WAIT, last + UDP_QUIET), start + UDP_MAX_WAIT)
        if now >= deadline:
            break
        ready, _, _ = select.select(list(socks), [], [], deadline - now)
        for sock in ready:
            _data, peer = sock.recvfrom(65535)
            answered[socks[sock]].add(peer[0])
            last = time.monotonic()
    for sock in socks:
        sock.close()
    return {proto: sorted(ips) for proto, ips in answered.items()}


def first_line(sock: socket.socket) -> str | None:
    data = b""
    while b"\n" not in data and len(data) < 4096:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    line = data.split(b"\n", 1)[0].strip().decode("latin-1")
    return line or None


def onvif_request(ip: str, path: str) -> bytes:
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body>'
        b'<GetSystemDateAndTime xmlns="http://www.onvif.org/ver10/device/wsdl"/></s:Body></s:Envelope>'
    )
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {ip}\r\nContent-Type: application/soap+xml; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def probe_tcp(ip: str, port: int, kind: str, tls: bool, path: str = "/") -> str | None:
    try:
        raw = socket.create_connection((ip, port), timeout=TCP_TIMEOUT)
    except OSError:
        return None
    try:
        sock: socket.socket = raw
        if tls:
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            sock = ctx.wrap_socket(raw, server_hostname=ip)
        if kind == "http":
            sock.sendall(f"GET / HTTP/1.1\r\nHost: {ip}\r\nConnection: close\r\n\r\n".encode())
            return first_line(sock)
        if kind == "onvif":
            sock.sendall(onvif_request(ip, path))
            return first_line(sock)
        if kind == "rtsp":
            sock.sendall(f"OPTIONS rtsp://{ip}:{port}/ RTSP/1.0\r\nCSeq: 1\r\n\r\n".encode())
            return first_line(sock)
        return "connected"
    except OSError as exc:
        return f"error: {exc}"
    finally:
        raw.close()


def main() -> int:
    plan = json.load(sys.stdin)
    out = {
        "udp": probe_udp(plan.get("udp", [])),
        "tcp": {
            f"{t['kind']} {t['ip']}:{t['port']}": probe_tcp(
                t["ip"], t["port"], t["kind"], t["tls"], t.get("path", "/")
            )
            for t in plan.get("tcp", [])
        },
    }
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

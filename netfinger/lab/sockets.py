"""Sockets for one emulated device, created while the thread is inside the device's namespace."""

from __future__ import annotations

import socket
from collections.abc import Iterable

LISTEN_BACKLOG = 64
MULTICAST_TTL = 4
MDNS_PORT = 5353
MDNS_TTL = 255  # RFC 6762: every mDNS packet, multicast or unicast, goes out with IP TTL 255


def udp_socket(ip: str, port: int, groups: Iterable[str]) -> socket.socket:
    """Bound to 0.0.0.0:port (so unicast, broadcast and group traffic all arrive), groups joined on ``ip``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        sock.bind(("0.0.0.0", port))
        local = socket.inet_aton(ip)
        for group in groups:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(group) + local)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, local)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
        if port == MDNS_PORT:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, MDNS_TTL)
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, MDNS_TTL)
        else:
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, MULTICAST_TTL)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def tcp_socket(port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("0.0.0.0", port))
        sock.listen(LISTEN_BACKLOG)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock

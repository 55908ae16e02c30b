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


def tcp_socket(port: int, family: socket.AddressFamily = socket.AF_INET) -> socket.socket:
    """A listening TCP socket on every address of ``family`` (IPv6: IPv6 only, ``[::]:port``)."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        if family == socket.AF_INET6:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", port))
        sock.listen(LISTEN_BACKLOG)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


# On an IPv6 device, WS-Discovery and SSDP also listen on ff02::c, mDNS on ff02::fb.
V6_GROUPS = {3702: "ff02::c", 1900: "ff02::c", MDNS_PORT: "ff02::fb"}
V6_UDP_PORTS = tuple(V6_GROUPS)


def udp6_socket(port: int, device_if: str) -> socket.socket:
    """IPv6 only, bound to [::]:port on ``device_if`` (replies to link-local peers need the device),
    joined to the port's group (``V6_GROUPS``) there; mDNS sends with hop limit 255 (RFC 6762 §11)."""
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, device_if.encode())
        sock.bind(("::", port))
        index = socket.if_nametoindex(device_if)
        mreq = socket.inet_pton(socket.AF_INET6, V6_GROUPS.get(port, "ff02::c")) + index.to_bytes(4, "little")
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_JOIN_GROUP, mreq)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, index)
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
        if port == MDNS_PORT:
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, MDNS_TTL)
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, MDNS_TTL)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def tcp6_socket(port: int) -> socket.socket:
    """IPv6 only, [::]:port: the same service on the device's link-local address."""
    return tcp_socket(port, socket.AF_INET6)

"""The kernel's count of datagrams it dropped for a socket before we read them (Linux ``SO_MEMINFO``).

``SO_MEMINFO`` (socket option 55, Linux 4.x and later) returns the socket's ``sk_meminfo`` array; its
ninth word, ``SK_MEMINFO_DROPS``, counts datagrams the kernel could not queue (receive buffer full).
Elsewhere, or when the option is refused, the count is unknown (``None``).
"""

from __future__ import annotations

import socket
import struct
import sys

SO_MEMINFO = 55
SK_MEMINFO_VARS = 9
SK_MEMINFO_DROPS = 8


def kernel_drops(sock: socket.socket) -> int | None:
    """Datagrams dropped for ``sock`` since it was opened, or None when the kernel does not say."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        raw = sock.getsockopt(socket.SOL_SOCKET, SO_MEMINFO, 4 * SK_MEMINFO_VARS)
    except OSError:
        return None
    if len(raw) < 4 * SK_MEMINFO_VARS:
        return None
    return int(struct.unpack(f"{SK_MEMINFO_VARS}I", raw[: 4 * SK_MEMINFO_VARS])[SK_MEMINFO_DROPS])

"""Turn GRO on for a device's veth end, which gives that veth its own NAPI receive ring.

Without it, every frame the lab bridge floods (an ARP request, a multicast probe) is queued once per
port on the CPU's shared backlog (``net.core.netdev_max_backlog``, 1000 by default): with 250 devices,
four back-to-back broadcasts fill it and the kernel drops frames. With a ring per device the flood is
spread over 250 rings. This is an interface setting inside the lab's own namespaces; the host's
sysctls and interfaces stay as they are.
"""

from __future__ import annotations

import ctypes
import fcntl
import socket
import struct

SIOCETHTOOL = 0x8946
ETHTOOL_GGRO = 0x2B
ETHTOOL_SGRO = 0x2C
IFREQ_SIZE = 40


def _ethtool(ifname: str, cmd: int, value: int) -> int:
    """One legacy ethtool get/set-value call (``struct ethtool_value``) on ``ifname`` in this namespace."""
    data = ctypes.create_string_buffer(struct.pack("II", cmd, value), 8)
    ifreq = struct.pack("16sP", ifname.encode(), ctypes.addressof(data)).ljust(IFREQ_SIZE, b"\0")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        fcntl.ioctl(sock.fileno(), SIOCETHTOOL, ifreq)
    return int(struct.unpack("II", data.raw)[1])


def set_gro(ifname: str, on: bool) -> None:
    _ethtool(ifname, ETHTOOL_SGRO, int(on))


def gro_enabled(ifname: str) -> bool:
    return _ethtool(ifname, ETHTOOL_GGRO, 0) != 0

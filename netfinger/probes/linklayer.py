"""Datagrams from units with no address, heard at the link layer (root only).

A unit fresh from the factory that got no DHCP answer sends its SADP/DHIP answers and announcements
from 0.0.0.0. Linux drops an IPv4 packet from 0.0.0.0 to any destination but the limited broadcast
and 224.0.0.0/24 as a martian, before any UDP socket sees it, so a ProbeMatch or a Hello such a unit
sends to 239.255.255.250 never reaches the group socket. This socket reads those frames off the scan
interface instead (``AF_PACKET``): a kernel filter passes only unfragmented UDP from 0.0.0.0 to the
probe's port, and the frame's source MAC is the unit's, so its host is keyed by it.

Frames are read with the passive decoders' frame parser (``netfinger.passive.frames``): one parser
for Ethernet, VLAN tags and IPv4 in the whole tool.
"""

from __future__ import annotations

import contextlib
import ctypes
import socket
import struct
from ipaddress import IPv4Address

from netfinger.evidence import normalise_mac
from netfinger.probes.interface import ScanContext
from netfinger.probes.udp import enlarge_receive_buffer

ETH_P_IP = 0x0800
SO_ATTACH_FILTER = 26
SOL_PACKET = 263
PACKET_IGNORE_OUTGOING = 23
UNCONFIGURED = "0.0.0.0"
# The kernel hands these destinations from 0.0.0.0 to UDP sockets itself: read there, not twice.
_DELIVERED = (IPv4Address("255.255.255.255"),)

Unwrapped = tuple[bytes, tuple[str, int], str]  # payload, (source address, port), source MAC


def attach_filter(sock: socket.socket, code: bytes) -> None:
    """Attach a classic BPF program (``struct sock_filter`` entries, 8 bytes each) to ``sock``; the
    kernel copies it, so the buffer need not outlive the call."""
    buf = ctypes.create_string_buffer(code)
    prog = struct.pack("HL", len(code) // 8, ctypes.addressof(buf))  # struct sock_fprog
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, prog)


def zero_source_filter(port: int) -> bytes:
    """Classic BPF: IPv4, source 0.0.0.0, UDP, and a later fragment or destination port ``port``
    (a 1.6 KB SADP answer comes in two fragments; only the first carries the port)."""
    drop = 12
    prog = [
        (0x28, 0, 0, 12),  # ldh [12]: the EtherType
        (0x15, 0, drop - 2, ETH_P_IP),
        (0x20, 0, 0, 26),  # ld [26]: the IPv4 source
        (0x15, 0, drop - 4, 0),
        (0x30, 0, 0, 23),  # ldb [23]: the protocol
        (0x15, 0, drop - 6, socket.IPPROTO_UDP),
        (0x28, 0, 0, 20),  # ldh [20]: flags and fragment offset
        (0x45, drop - 1 - 8, 0, 0x1FFF),  # jset: a later fragment goes to the reassembly
        (0xB1, 0, 0, 14),  # ldxb 4*([14]&0xf): the IPv4 header length
        (0x48, 0, 0, 16),  # ldh [x+16]: the UDP destination port
        (0x15, 0, 1, port),
        (0x06, 0, 0, 0x40000),  # accept (up to 256 KiB of the frame)
        (0x06, 0, 0, 0),  # drop
    ]
    return b"".join(struct.pack("HBBI", *ins) for ins in prog)


def open_link_socket(ctx: ScanContext, port: int) -> socket.socket:
    """A raw socket on the scan interface passing only UDP from 0.0.0.0 to ``port`` (needs root).

    Made with protocol 0, so nothing is queued before the filter is on; binding starts delivery."""
    if not ctx.iface:
        raise OSError("no scan interface")
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    try:
        attach_filter(sock, zero_source_filter(port))
        with contextlib.suppress(OSError):  # older kernels; our own frames never come from 0.0.0.0
            sock.setsockopt(SOL_PACKET, PACKET_IGNORE_OUTGOING, 1)
        enlarge_receive_buffer(sock, ctx.is_root)
        sock.bind((ctx.iface, ETH_P_IP))
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class LinkUnwrap:
    """A link-layer channel's reader: fragments reassembled (bounded), then ``unwrap``."""

    def __init__(self, port: int) -> None:
        from netfinger.passive.fragments import Defragmenter

        self.port = port
        self.defrag = Defragmenter()

    def __call__(self, frame: bytes) -> Unwrapped | None:
        from netfinger.passive.frames import is_ipv4_fragment
        from netfinger.passive.interface import LINKTYPE_ETHERNET, Record

        if is_ipv4_fragment(frame):
            whole = self.defrag.add(Record(0.0, LINKTYPE_ETHERNET, frame, len(frame)))
            if whole is None:
                return None
            frame = whole.data
        return unwrap(frame, self.port)


def unwrap(frame: bytes, port: int) -> Unwrapped | None:
    """The UDP payload of a frame from 0.0.0.0 to ``port``, its source, its source MAC; None for any
    other frame (including one the kernel also delivers to the UDP socket). Never raises."""
    from netfinger.passive.frames import decode
    from netfinger.passive.interface import LINKTYPE_ETHERNET, Record

    packet, _ = decode(Record(0.0, LINKTYPE_ETHERNET, frame, len(frame)))
    if packet is None or packet.transport != "udp" or packet.cut or packet.dport != port:
        return None
    if packet.src_ip != UNCONFIGURED or packet.dst_ip is None:
        return None
    dst = IPv4Address(packet.dst_ip)
    if dst in _DELIVERED or (dst.is_multicast and dst.packed[:3] == b"\xe0\x00\x00"):
        return None
    mac = normalise_mac(packet.src_mac or "")
    if mac is None or int(mac[:2], 16) & 1:
        return None
    return packet.payload, (UNCONFIGURED, packet.sport), mac

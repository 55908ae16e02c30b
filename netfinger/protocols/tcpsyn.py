"""TCP SYN probes, sans-I/O: the SYN segment a port check sends, and the reply (SYN+ACK or RST) it reads.

A port check (``netfinger.probes.portcheck``) sends a bare SYN from a raw socket and learns from the
answer whether the port is open (SYN+ACK) or closed (RST) without a full connection; the scanner's
own kernel, holding no socket for the segment, resets any SYN+ACK itself, as it does for nmap's ``-sS``.
The initial sequence number is a keyed hash of the destination (``cookie``), so a reply is taken only
when it acknowledges exactly that number: an answer to someone else's SYN, or a forged one, is ignored.

``build_syn`` makes the TCP segment (the kernel adds the IPv4 header); ``parse_reply`` reads an IPv4
packet as a raw IPPROTO_TCP socket returns it; ``reply_filter`` is the classic BPF program that keeps
only SYN+ACK and RST segments to the check's port from reaching that socket.
"""

from __future__ import annotations

import hashlib
import socket
import struct
from dataclasses import dataclass

from netfinger.protocols.checksum import internet_checksum

FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10
MSS = 1460  # the option a SYN from an ordinary stack carries; some stacks ignore a SYN without it
_HEADER = struct.Struct("!HHIIBBHHH")
_MSS_OPTION = struct.pack("!BBH", 2, 4, MSS)


def cookie(secret: bytes, dst: str, dport: int) -> int:
    """The initial sequence number for a SYN to ``dst:dport``: a keyed hash, checked in the reply."""
    digest = hashlib.blake2s(f"{dst}:{dport}".encode(), key=secret, digest_size=4).digest()
    return int.from_bytes(digest, "big")


def build_syn(src: str, dst: str, sport: int, dport: int, seq: int, *, window: int = 64240) -> bytes:
    """A 24-byte TCP SYN segment (with an MSS option) from ``src:sport`` to ``dst:dport``."""
    offset = (_HEADER.size + len(_MSS_OPTION)) // 4
    bare = _HEADER.pack(sport, dport, seq, 0, offset << 4, SYN, window, 0, 0) + _MSS_OPTION
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, socket.IPPROTO_TCP,
                                                                          len(bare))
    total = internet_checksum(pseudo + bare)
    return bare[:16] + struct.pack("!H", total) + bare[18:]


@dataclass(frozen=True)
class SynReply:
    """What a SYN drew: from ``src:sport`` to ``dst:dport``, the flags and the acknowledgement number."""

    src: str
    dst: str
    sport: int
    dport: int
    flags: int
    ack: int

    @property
    def is_open(self) -> bool:
        return self.flags & (SYN | ACK) == SYN | ACK and not self.flags & RST

    @property
    def is_closed(self) -> bool:
        return bool(self.flags & RST)


def parse_reply(packet: bytes) -> SynReply | None:
    """An IPv4 packet carrying a TCP SYN+ACK or RST, else None (anything short or odd is None)."""
    if len(packet) < 20 or packet[0] >> 4 != 4:
        return None
    ihl = (packet[0] & 0x0F) * 4
    if ihl < 20 or packet[9] != socket.IPPROTO_TCP or struct.unpack_from("!H", packet, 6)[0] & 0x1FFF:
        return None
    if len(packet) < ihl + _HEADER.size:
        return None
    sport, dport, _seq, ack, _off, flags, _win, _sum, _urg = _HEADER.unpack_from(packet, ihl)
    if not flags & (SYN | RST):
        return None
    return SynReply(socket.inet_ntoa(packet[12:16]), socket.inet_ntoa(packet[16:20]), sport, dport,
                    flags, ack)


def reply_filter(port: int) -> bytes:
    """Classic BPF over an IPv4 packet: first fragments of TCP to ``port`` with SYN or RST set."""
    drop = 10
    prog = [
        (0x30, 0, 0, 9),  # ldb [9]: the protocol
        (0x15, 0, drop - 2, socket.IPPROTO_TCP),
        (0x28, 0, 0, 6),  # ldh [6]: flags and fragment offset
        (0x45, drop - 4, 0, 0x1FFF),  # jset: a later fragment carries no TCP header
        (0xB1, 0, 0, 0),  # ldxb 4*([0]&0xf): the IPv4 header length
        (0x48, 0, 0, 2),  # ldh [x+2]: the TCP destination port
        (0x15, 0, drop - 7, port),
        (0x50, 0, 0, 13),  # ldb [x+13]: the TCP flags
        (0x45, 0, drop - 9, SYN | RST),
        (0x06, 0, 0, 128),  # accept: the headers are all a check reads
        (0x06, 0, 0, 0),  # drop
    ]
    return b"".join(struct.pack("HBBI", *ins) for ins in prog)

"""TCP SYN checks (``protocols.tcpsyn``) byte for byte against captures from the lab's Linux stacks.

``tcp/syn_check_open_and_closed.pcap``: netfinger's SYNs from 10.77.0.1:61234 to 10.77.0.2 ports 80
(open: SYN+ACK, then the scanner's kernel resets it) and 9010 (closed: RST+ACK), checksums verified by
tcpdump. ``tcp/kernel_connect_open_and_refused.pcap``: the kernel's own connect() to the same two ports.
"""

from __future__ import annotations

import socket
import struct

import pytest
from captures import CAPTURES
from scapy.utils import RawPcapReader

from netfinger.probes.linklayer import attach_filter
from netfinger.protocols import tcpsyn
from netfinger.protocols.checksum import internet_checksum

SCANNER, DEVICE, SPORT = "10.77.0.1", "10.77.0.2", 61234


def _packets(name: str) -> list[bytes]:
    """The IPv4 packets of a capture (Ethernet headers dropped)."""
    return [bytes(frame[14:]) for frame, _ in RawPcapReader(str(CAPTURES / "tcp" / name))]


def test_build_syn_is_the_captured_segment_byte_for_byte() -> None:
    for packet in _packets("syn_check_open_and_closed.pcap"):
        segment = packet[20:]
        sport, dport, seq = struct.unpack_from("!HHI", segment)
        if sport != SPORT or segment[13] != tcpsyn.SYN:
            continue
        assert tcpsyn.build_syn(SCANNER, DEVICE, sport, dport, seq) == segment


def test_checksum_matches_the_kernels_on_a_reset() -> None:
    """The scanner kernel's RST to the half-open SYN+ACK (tcpdump: cksum correct)."""
    rst = next(p for p in _packets("syn_check_open_and_closed.pcap")
               if p[12:16] == socket.inet_aton(SCANNER) and p[20 + 13] == tcpsyn.RST)
    segment = rst[20:]
    pseudo = rst[12:20] + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(segment))
    zeroed = segment[:16] + b"\0\0" + segment[18:]
    assert internet_checksum(pseudo + zeroed) == struct.unpack_from("!H", segment, 16)[0]


@pytest.mark.parametrize("name", ["syn_check_open_and_closed.pcap", "kernel_connect_open_and_refused.pcap"])
def test_replies_read_as_open_and_closed(name: str) -> None:
    packets = _packets(name)
    replies = [r for r in map(tcpsyn.parse_reply, packets) if r is not None and r.src == DEVICE]
    by_port = {r.sport: r for r in replies}
    assert by_port[80].is_open and not by_port[80].is_closed
    assert by_port[9010].is_closed and not by_port[9010].is_open
    sent = {struct.unpack_from("!H", p, 22)[0]: struct.unpack_from("!I", p, 24)[0] for p in packets
            if p[12:16] == socket.inet_aton(SCANNER) and p[20 + 13] == tcpsyn.SYN}
    assert {port: r.ack for port, r in by_port.items()} == {port: (seq + 1) & 0xFFFFFFFF
                                                            for port, seq in sent.items()}


def test_other_segments_truncations_and_junk_are_not_replies() -> None:
    packets = _packets("kernel_connect_open_and_refused.pcap")
    plain = [p for p in packets if not p[20 + 13] & (tcpsyn.SYN | tcpsyn.RST)]  # ACKs and FINs
    assert plain and all(tcpsyn.parse_reply(p) is None for p in plain)
    synack = next(p for p in packets if p[20 + 13] == tcpsyn.SYN | tcpsyn.ACK)
    for cut in (0, 1, 19, 20, 39):
        assert tcpsyn.parse_reply(synack[:cut]) is None
    fragment = synack[:6] + struct.pack("!H", 0x2000 | 3) + synack[8:]  # a later fragment
    assert tcpsyn.parse_reply(fragment) is None
    assert tcpsyn.parse_reply(b"\x60" + synack[1:]) is None  # not IPv4


def test_cookie_is_keyed_and_per_destination() -> None:
    a, b = b"k" * 16, b"j" * 16
    assert tcpsyn.cookie(a, DEVICE, 80) == tcpsyn.cookie(a, DEVICE, 80)
    assert len({tcpsyn.cookie(a, DEVICE, 80), tcpsyn.cookie(a, DEVICE, 81), tcpsyn.cookie(b, DEVICE, 80),
                tcpsyn.cookie(a, "10.77.0.3", 80)}) == 4


def test_the_kernel_runs_the_reply_filter_as_meant() -> None:
    """The BPF program on a datagram socket (its data starts at the IPv4 header, as on a raw socket):
    of the capture's five packets only the two answers to port 61234 pass, cut to 128 bytes at most."""
    sender, receiver = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    with sender, receiver:
        attach_filter(receiver, tcpsyn.reply_filter(SPORT))
        packets = _packets("syn_check_open_and_closed.pcap")
        assert len(packets) == 5
        for packet in packets:
            sender.send(packet)
        sender.send(packets[1] + b"\0" * 500)  # a long one is cut to the headers
        receiver.setblocking(False)
        got = []
        while True:
            try:
                got.append(receiver.recv(4096))
            except BlockingIOError:
                break
    replies = [tcpsyn.parse_reply(g) for g in got]
    assert [(r.sport, r.is_open) for r in replies if r is not None] == [(80, True), (9010, False), (80, True)]
    assert len(got[-1]) == 128

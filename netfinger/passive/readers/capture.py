"""The live capture process: ``python -m netfinger.passive.readers.capture IFACE [--promisc]``.

It opens one receive socket (AF_PACKET, bound to IFACE), sets it up (receive buffer, promiscuous
membership: neither sends anything), then installs the seccomp filter of :mod:`.seccomp`, proves
the filter is on, and only then reads: each frame is written to stdout as a pcap record. The parent
(``netfinger listen --iface``) reads that stream with the file reader and never holds a packet
socket itself. Exit: 0 at end (SIGTERM/SIGINT or stdout closed), 3 when the socket or filter cannot be set up.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import struct
import sys
import time

from netfinger.passive.readers import seccomp

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_ADD_MEMBERSHIP = 1
PACKET_MR_PROMISC = 1
SNAPLEN = 65535
RCVBUF = 8 * 1024 * 1024
READY = seccomp.READY


def pcap_header(snaplen: int = SNAPLEN) -> bytes:
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, 1)


def open_receive_socket(iface: str, promisc: bool) -> socket.socket:
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)
    sock.bind((iface, ETH_P_ALL))
    if promisc:
        mreq = struct.pack("iHH8s", socket.if_nametoindex(iface), PACKET_MR_PROMISC, 0, b"")
        sock.setsockopt(SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq)
    return sock


def prove_filter() -> None:
    """A new socket must now be refused: the filter is on (no packet is involved in the check)."""
    try:
        probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    except PermissionError:
        return
    probe.close()
    raise seccomp.SeccompUnavailable("the filter did not take: a new socket was still allowed")


def run(iface: str, promisc: bool) -> int:
    try:
        sock = open_receive_socket(iface, promisc)
        seccomp.install(sock.fileno())
        prove_filter()
    except (OSError, ValueError) as exc:
        print(f"netfinger-capture: cannot listen on {iface}: {exc}", file=sys.stderr)
        return 3
    print(f"{READY} on {iface} (seccomp: sending refused by the kernel)", file=sys.stderr, flush=True)
    out = os.fdopen(sys.stdout.fileno(), "wb", buffering=1 << 16, closefd=False)
    stop = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    sock.settimeout(0.2)
    try:
        out.write(pcap_header())
        out.flush()
        while not stop:
            try:
                data = sock.recv(SNAPLEN)
            except TimeoutError:
                out.flush()
                continue
            except InterruptedError:
                continue
            now = time.time()
            out.write(struct.pack("<IIII", int(now), int(now % 1 * 1e6), len(data), len(data)) + data)
        out.flush()
    except BrokenPipeError:
        return 0
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(prog="netfinger-capture")
    parser.add_argument("iface")
    parser.add_argument("--promisc", action="store_true")
    args = parser.parse_args()
    return run(args.iface, args.promisc)


if __name__ == "__main__":
    sys.exit(main())

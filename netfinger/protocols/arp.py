"""ARP (sans-I/O): request frames from one template, reply parsing, the kernel neighbour table.

Frames are packed with ``struct`` (RFC 826 over Ethernet): importing scapy for one 42-byte template cost
the scan about a second of CPU on its busiest core; a unit test checks the bytes against scapy's."""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

from netfinger.evidence import normalise_mac

ETH_P_ARP = 0x0806
FRAME_LEN = 42  # Ethernet (14) + ARP for IPv4 (28)
_TPA_OFFSET = 38


def build_template(src_mac: str, src_ip: str) -> bytes:
    """A broadcast who-has frame from us (target 0.0.0.0); ``frame_for`` patches the target in."""
    mac = bytes.fromhex(src_mac.replace(":", "").replace("-", ""))
    if len(mac) != 6:
        raise ValueError(f"not a MAC address: {src_mac!r}")
    ether = b"\xff" * 6 + mac + struct.pack("!H", ETH_P_ARP)
    header = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1)  # Ethernet, IPv4, sizes 6/4, who-has
    return ether + header + mac + socket.inet_aton(src_ip) + b"\x00" * 6 + socket.inet_aton("0.0.0.0")


def frame_for(template: bytes, target_ip: str) -> bytes:
    return template[:_TPA_OFFSET] + socket.inet_aton(target_ip) + template[_TPA_OFFSET + 4:]


@dataclass(frozen=True)
class ArpReply:
    ip: str
    mac: str


def parse_frame(frame: bytes, requests: bool = False) -> ArpReply | None:
    """The sender of an ARP reply (or announcement) frame; None for anything else. Never raises.

    ``requests`` also gives the sender of a plain who-has (a passive listener learns from those too).
    """
    if len(frame) < FRAME_LEN:
        return None
    ethertype = struct.unpack_from("!H", frame, 12)[0]
    if ethertype != ETH_P_ARP:
        return None
    htype, ptype, hlen, plen, op = struct.unpack_from("!HHBBH", frame, 14)
    if htype != 1 or ptype != 0x0800 or hlen != 6 or plen != 4 or op not in (1, 2):
        return None
    if op == 1 and frame[28:32] != frame[38:42] and not requests:
        return None  # a plain request tells nothing about liveness of a target we asked about
    mac = normalise_mac(frame[22:28].hex())
    ip = socket.inet_ntoa(frame[28:32])
    if mac is None or mac in ("00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"):
        return None
    return ArpReply(ip, mac)


def parse_sender(frame: bytes) -> ArpReply | None:
    """The sender of any ARP frame, request included (a device outside the targets asking who we
    are, or probing for its own address from 0.0.0.0); None for anything else. Never raises."""
    if len(frame) < FRAME_LEN or struct.unpack_from("!H", frame, 12)[0] != ETH_P_ARP:
        return None
    htype, ptype, hlen, plen, op = struct.unpack_from("!HHBBH", frame, 14)
    if htype != 1 or ptype != 0x0800 or hlen != 6 or plen != 4 or op not in (1, 2):
        return None
    mac = normalise_mac(frame[22:28].hex())
    if mac is None or mac in ("00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff") or int(mac[:2], 16) & 1:
        return None
    return ArpReply(socket.inet_ntoa(frame[28:32]), mac)


def parse_proc_arp(text: str) -> list[ArpReply]:
    """Complete entries of ``/proc/net/arp``."""
    out = []
    for line in text.splitlines()[1:]:
        cols = line.split()
        if len(cols) < 4:
            continue
        try:
            flags = int(cols[2], 16)
        except ValueError:
            continue
        mac = normalise_mac(cols[3])
        if flags & 0x2 and mac and mac != "00:00:00:00:00:00":
            out.append(ArpReply(cols[0], mac))
    return out

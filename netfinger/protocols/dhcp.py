"""DHCP (UDP 67/68) and DHCPv6 (UDP 546/547) client messages, read-only (sans-I/O). Never raises.

What a client tells about itself: host name (option 12; DHCPv6 FQDN 39), parameter request list
(55; DHCPv6 ORO 6), vendor class (60; DHCPv6 16), client identifier (61; DHCPv6 DUID 1), and the
order of the options it sent, which identifies the DHCP client software.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass, field

from netfinger.evidence import Observation, bounded, normalise_mac

DHCP_SERVER_PORT = 67
DHCP_CLIENT_PORT = 68
DHCPV6_CLIENT_PORT = 546
DHCPV6_SERVER_PORT = 547
MAGIC_COOKIE = b"\x63\x82\x53\x63"
MAX_OPTIONS = 128
MESSAGE_TYPES = {1: "discover", 2: "offer", 3: "request", 4: "decline", 5: "ack", 6: "nak", 7: "release",
                 8: "inform"}
V6_TYPES = {1: "solicit", 2: "advertise", 3: "request", 4: "confirm", 5: "renew", 6: "rebind", 7: "reply",
            8: "release", 11: "information-request"}
V6_CLIENT_TYPES = frozenset({1, 3, 4, 5, 6, 8, 11})


@dataclass
class DhcpMessage:
    valid: bool
    version: int = 4
    from_client: bool = False
    message_type: str = ""
    client_mac: str | None = None
    client_ip: str = ""  # ciaddr, the requested address (50), or the address an ACK gives (yiaddr)
    hostname: str = ""
    fqdn: str = ""
    vendor_class: str = ""
    client_id: str = ""
    param_list: str = ""  # comma-joined option numbers
    option_order: str = ""
    anomalies: list[str] = field(default_factory=list)
    error: str = ""


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace").strip("\x00 ")


def _options(data: bytes, pos: int, msg: DhcpMessage) -> dict[int, bytes]:
    opts: dict[int, bytes] = {}
    order: list[str] = []
    while pos < len(data) and len(order) < MAX_OPTIONS:
        code = data[pos]
        if code == 0:
            pos += 1
            continue
        order.append(str(code))
        if code == 255:
            break
        if pos + 2 > len(data) or pos + 2 + data[pos + 1] > len(data):
            msg.anomalies.append(f"dhcp: option {code} runs past the end of the message")
            break
        length = data[pos + 1]
        opts.setdefault(code, data[pos + 2:pos + 2 + length])
        pos += 2 + length
    msg.option_order = ",".join(order)
    return opts


def parse_v4(data: bytes) -> DhcpMessage:
    """A BOOTP/DHCP message; ``from_client`` for BOOTREQUEST (op 1)."""
    if len(data) < 240 or data[236:240] != MAGIC_COOKIE:
        return DhcpMessage(False, error="not a DHCP message (short, or no magic cookie)")
    op, htype, hlen = data[0], data[1], data[2]
    msg = DhcpMessage(True, 4, op == 1)
    if htype == 1 and hlen == 6:
        msg.client_mac = normalise_mac(data[28:34].hex())
    opts = _options(data, 240, msg)
    kind = opts.get(53, b"")
    msg.message_type = MESSAGE_TYPES.get(kind[0], str(kind[0])) if kind else "bootp"
    ciaddr, yiaddr = data[12:16], data[16:20]
    requested = opts.get(50, b"")
    for raw in (ciaddr, requested if len(requested) == 4 else b"", yiaddr if op == 2 else b""):
        if len(raw) == 4 and raw != b"\x00\x00\x00\x00":
            msg.client_ip = socket.inet_ntoa(raw)
            break
    msg.hostname = _text(opts.get(12, b""))
    if 81 in opts and len(opts[81]) > 3:
        msg.fqdn = _text(opts[81][3:])
    msg.vendor_class = _text(opts.get(60, b""))
    msg.client_id = opts.get(61, b"").hex()
    msg.param_list = ",".join(str(b) for b in opts.get(55, b""))
    return msg


def _v6_options(data: bytes, msg: DhcpMessage) -> dict[int, bytes]:
    opts: dict[int, bytes] = {}
    order: list[str] = []
    pos = 4
    while pos + 4 <= len(data) and len(order) < MAX_OPTIONS:
        code, length = struct.unpack_from("!HH", data, pos)
        if pos + 4 + length > len(data):
            msg.anomalies.append(f"dhcpv6: option {code} runs past the end of the message")
            break
        order.append(str(code))
        opts.setdefault(code, data[pos + 4:pos + 4 + length])
        pos += 4 + length
    msg.option_order = ",".join(order)
    return opts


def _dns_name(raw: bytes) -> str:
    labels: list[str] = []
    pos = 0
    while pos < len(raw) and raw[pos] and len(labels) < 64:
        end = pos + 1 + raw[pos]
        labels.append(raw[pos + 1:end].decode("utf-8", "replace"))
        pos = end
    return ".".join(labels)


def parse_v6(data: bytes) -> DhcpMessage:
    """A DHCPv6 client or server message (relay messages are not read)."""
    if len(data) < 4 or data[0] not in V6_TYPES:
        return DhcpMessage(False, 6, error="not a DHCPv6 client/server message")
    msg = DhcpMessage(True, 6, data[0] in V6_CLIENT_TYPES, V6_TYPES[data[0]])
    opts = _v6_options(data, msg)
    duid = opts.get(1, b"")
    msg.client_id = duid.hex()
    if len(duid) >= 10 and duid[:2] in (b"\x00\x01", b"\x00\x03") and duid[2:4] == b"\x00\x01":
        msg.client_mac = normalise_mac(duid[-6:].hex())  # DUID-LLT / DUID-LL end in the MAC
    if 39 in opts and len(opts[39]) > 1:
        msg.fqdn = _dns_name(opts[39][1:])
    vendor = opts.get(16, b"")
    if len(vendor) > 6:  # enterprise number (4), then length-prefixed class data
        msg.vendor_class = _text(vendor[6:6 + struct.unpack_from("!H", vendor, 4)[0]])
    oro = opts.get(6, b"")
    msg.param_list = ",".join(str(struct.unpack_from("!H", oro, i)[0]) for i in range(0, len(oro) - 1, 2))
    return msg


def observations(msg: DhcpMessage, source: str) -> list[Observation]:
    """``dhcp.*`` evidence about the client that sent ``msg`` (nothing for server messages)."""
    if not msg.from_client:
        return []
    port = DHCP_SERVER_PORT if msg.version == 4 else DHCPV6_SERVER_PORT
    pairs = [("dhcp.hostname", msg.hostname), ("dhcp.fqdn", msg.fqdn),
             ("dhcp.vendor_class", msg.vendor_class), ("dhcp.client_id", msg.client_id),
             ("dhcp.param_list", msg.param_list),
             ("dhcp.options", msg.option_order), ("dhcp.message_type", msg.message_type)]
    return [Observation(name, bounded(value), port, source) for name, value in pairs if value]

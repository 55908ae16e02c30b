"""DHCP and DHCPv6: what a client says about itself when it asks for an address."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from netfinger.evidence import Observation, Sighting
from netfinger.passive.decoders.base import sender
from netfinger.passive.interface import Decoder, Finding, Packet
from netfinger.protocols import dhcp


class DhcpDecoder(Decoder):
    name: ClassVar[str] = "dhcp"
    udp_ports: ClassVar[frozenset[int]] = frozenset({dhcp.DHCP_SERVER_PORT, dhcp.DHCP_CLIENT_PORT,
                                                     dhcp.DHCPV6_CLIENT_PORT, dhcp.DHCPV6_SERVER_PORT})

    def decode(self, packet: Packet) -> list[Finding]:
        v6 = packet.dport in (dhcp.DHCPV6_CLIENT_PORT, dhcp.DHCPV6_SERVER_PORT)
        msg = dhcp.parse_v6(packet.payload) if v6 else dhcp.parse_v4(packet.payload)
        if not msg.valid:
            return []
        signal = "dhcpv6" if v6 else "dhcp"
        source = f"udp/{packet.dport} {msg.message_type}"
        if not msg.from_client:
            if msg.version == 4 and msg.message_type == "ack" and msg.client_mac and msg.client_ip:
                # the server's ACK binds the client's MAC to its address: evidence about the client
                obs = (Observation("arp.mac", msg.client_mac, source=source),)
                return [Finding(Sighting(ip=msg.client_ip, mac=msg.client_mac, observations=obs,
                                         protocol="dhcp"), signal)]
            return []
        found = sender(packet, dhcp.observations(msg, source), protocol="dhcp", signal=signal,
                       raw=packet.payload, anomalies=tuple(msg.anomalies), mac=msg.client_mac)
        ip = found.sighting.ip if found.sighting.ip not in (None, "0.0.0.0") else (msg.client_ip or None)
        return [replace(found, sighting=replace(found.sighting, ip=ip))]

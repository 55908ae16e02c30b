"""What every decoder does with a packet's sender: a sighting for the host that sent it."""

from __future__ import annotations

from netfinger.evidence import Observation, RawReply, Sighting
from netfinger.passive.interface import Finding, Packet


def sender(pkt: Packet, observations: list[Observation] | tuple[Observation, ...] = (), *,
           protocol: str, signal: str, raw: bytes | None = None, anomalies: tuple[str, ...] = (),
           role: str = "device", mac: str | None = None) -> Finding:
    """A finding about the packet's sender.

    The frame's source MAC is the sender's own only when the packet stayed on the segment (a
    multicast/broadcast destination): a unicast packet may come through a router, whose MAC it
    then carries. ``mac`` is a MAC the payload or an L2 protocol states for the sender.
    """
    ip = pkt.src_ip if pkt.src_is_v4 else None
    if mac is None and pkt.link_local:
        mac = pkt.src_mac
    raws = (RawReply.capture(protocol, f"{pkt.src_ip}:{pkt.sport}", raw),) if raw is not None else ()
    sighting = Sighting(ip=ip, mac=mac, observations=tuple(observations), raw=raws, anomalies=anomalies,
                        protocol=protocol if role == "device" else "")
    return Finding(sighting, signal, role)


def client(pkt: Packet, *, signal: str, anomalies: tuple[str, ...] = ()) -> Finding:
    """The sender is a client of the protocol (a search tool, an app): seen, but no device evidence."""
    return sender(pkt, protocol="", signal=signal, anomalies=anomalies, role="client")

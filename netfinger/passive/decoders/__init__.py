"""The decoder registry: one module per protocol. Datagram/frame decoders, then TCP stream decoders."""

from __future__ import annotations

from netfinger.passive.decoders.arp import ArpDecoder
from netfinger.passive.decoders.dhcp import DhcpDecoder
from netfinger.passive.decoders.dhip import DhipDecoder
from netfinger.passive.decoders.dns import DnsDecoder
from netfinger.passive.decoders.http import HttpStreamDecoder
from netfinger.passive.decoders.rtsp import RtspStreamDecoder
from netfinger.passive.decoders.sadp import SadpDecoder
from netfinger.passive.decoders.ssdp import SsdpDecoder
from netfinger.passive.decoders.tls import TlsStreamDecoder
from netfinger.passive.decoders.wsd import WsdDecoder
from netfinger.passive.interface import Decoder, StreamDecoder

DECODERS: dict[str, type[Decoder]] = {
    cls.name: cls
    for cls in (ArpDecoder, DhcpDecoder, DnsDecoder, SsdpDecoder, WsdDecoder, SadpDecoder, DhipDecoder)
}
STREAM_DECODERS: dict[str, type[StreamDecoder]] = {
    cls.name: cls for cls in (HttpStreamDecoder, RtspStreamDecoder, TlsStreamDecoder)
}
SIGNAL_NAMES = (
    "arp", "dhcp", "dhcpv6", "dns-query", "mdns", "mdns-query", "ssdp-notify", "ssdp-response", "ssdp-search",
    "wsd-hello", "wsd-bye", "wsd-probematches", "wsd-fault", "wsd-probe", "sadp-hello", "sadp-probematch",
    "sadp-inquiry", "dhip-reply", "dhip-legacy-reply", "dhip-search", "http-response", "rtsp-response",
    "tls-certificate", "tls-sni",
)

__all__ = ["DECODERS", "SIGNAL_NAMES", "STREAM_DECODERS"]

"""What a scan is asked to do (built by the CLI or a benchmark, consumed by ``run_scan``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from netfinger.probes.interface import Credentials

DEFAULT_PROBES = (
    "arp", "wsd", "ssdp", "mdns", "sadp", "dhip", "sweep", "ipv6", "http", "rtsp", "tcp", "onvif",
)  # ipv6 sends nothing without --ipv6
DEFAULT_TIMEOUT = 2.0  # multicast listen window, seconds
DEFAULT_IO_TIMEOUT = 1.5  # per connection / read, seconds
DEFAULT_RATE = 5000.0  # packets (datagrams, frames, TCP connections) per second, all probes together
DEFAULT_CONCURRENCY = 256  # hosts worked on at once per unicast probe
DEFAULT_HTTP_PORTS = (80, 443, 5000, 8000, 8008, 8080, 8443)
DEFAULT_TCP_PORTS = (8000, 37777, 34567, 35000, 9010, 5000)


@dataclass(frozen=True)
class ScanConfig:
    targets: tuple[str, ...] = ()  # empty: the subnets of this namespace's interfaces
    iface: str | None = None
    probes: tuple[str, ...] = DEFAULT_PROBES
    timeout: float = DEFAULT_TIMEOUT
    io_timeout: float = DEFAULT_IO_TIMEOUT
    rate: float = DEFAULT_RATE
    concurrency: int = DEFAULT_CONCURRENCY
    credentials: tuple[Credentials, ...] = ()
    http_ports: tuple[int, ...] = DEFAULT_HTTP_PORTS
    tcp_ports: tuple[int, ...] = DEFAULT_TCP_PORTS
    force: bool = False
    only_targets: bool = False  # leave out the devices heard on the link from outside the targets
    sample: bool = True  # off-link /24s: a few likely addresses first, full sweep only where they answer
    ipv6: bool = False  # IPv6 link-local discovery and probes; without it no IPv6 packet is sent
    syn_check: bool = True  # on-link ports checked with a bare SYN before a connection (probes.portcheck)
    extra: dict[str, str] = field(default_factory=dict)

"""``netfinger scan``: discover and identify devices on the target networks, then write the report."""

from __future__ import annotations

import argparse
import contextlib
import logging
import resource
import signal
import sys
from typing import TYPE_CHECKING, Any

from netfinger.cli.alerting import add_alert_arguments, alert_config_from_args, write_outputs_and_alert
from netfinger.cli.output import add_output_arguments
from netfinger.errors import UsageError
from netfinger.scan import config as defaults
from netfinger.scan.targets import parse_targets

if TYPE_CHECKING:
    from netfinger.report.model import Report
    from netfinger.scan import ScanConfig

DESCRIPTION = """\
Find devices on the target networks and say who made them. A discovery phase (ARP sweep,
WS-Discovery, SSDP, mDNS, SADP, DHIP, and a TCP sweep of off-link targets) runs in parallel for
one listen window; the unicast probes (http, rtsp, tcp, onvif) then run on the live hosts only.
Only target addresses are contacted. Ctrl-C stops and still writes what was found."""


def _ports(text: str) -> tuple[int, ...]:
    try:
        ports = tuple(int(p) for p in text.split(",") if p.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a comma-separated port list: {text!r}") from exc
    if not ports or any(not 0 < p < 65536 for p in ports):
        raise argparse.ArgumentTypeError(f"ports must be 1-65535: {text!r}")
    return ports


def _probes(text: str) -> tuple[str, ...]:
    from netfinger.probes import PROBES  # the probe modules load for a scan, not for --help

    names = tuple(p.strip() for p in text.split(",") if p.strip())
    unknown = [n for n in names if n not in PROBES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown probe(s) {','.join(unknown) or '(none)'}; "
                                         f"choose from {','.join(PROBES)}")
    return names


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("scan", help="discover and identify devices (Hikvision, Dahua, OEMs)",
                              description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("targets", nargs="*", metavar="TARGET",
                   help="CIDR (10.0.0.0/24), range (10.0.0.5-10.0.0.20 or 10.0.0.5-20) or address; "
                   "default: the IPv4 subnets of this namespace's interfaces")
    p.add_argument("--iface", metavar="IF", help="interface for ARP and multicast (default: the one facing "
                   "the targets)")
    p.add_argument("--probes", type=_probes, default=defaults.DEFAULT_PROBES, metavar="LIST",
                   help=f"comma-separated probes to run (default: all: {','.join(defaults.DEFAULT_PROBES)})")
    p.add_argument("--timeout", type=_positive, default=defaults.DEFAULT_TIMEOUT, metavar="S",
                   help=f"multicast/broadcast listen window in seconds (default {defaults.DEFAULT_TIMEOUT})")
    p.add_argument("--io-timeout", type=_positive, default=defaults.DEFAULT_IO_TIMEOUT, metavar="S",
                   help=f"connect/read timeout of unicast probes (default {defaults.DEFAULT_IO_TIMEOUT})")
    p.add_argument("--rate", type=_positive, default=defaults.DEFAULT_RATE, metavar="PPS",
                   help=f"packets per second, all probes together (default {defaults.DEFAULT_RATE:.0f})")
    p.add_argument("--concurrency", type=int, default=defaults.DEFAULT_CONCURRENCY, metavar="N",
                   help="hosts worked on at once by each unicast probe "
                   f"(default {defaults.DEFAULT_CONCURRENCY})")
    p.add_argument("--http-ports", type=_ports, default=defaults.DEFAULT_HTTP_PORTS, metavar="LIST",
                   help="HTTP(S) ports (default "
                   f"{','.join(map(str, defaults.DEFAULT_HTTP_PORTS))}; 443 and 8443 speak TLS)")
    p.add_argument("--tcp-ports", type=_ports, default=defaults.DEFAULT_TCP_PORTS, metavar="LIST",
                   help="ports the tcp probe checks "
                   f"(default {','.join(map(str, defaults.DEFAULT_TCP_PORTS))})")
    p.add_argument("--credentials", metavar="FILE",
                   help="YAML/JSON list of {username, password} for ONVIF GetDeviceInformation "
                   "(only what you supply is used; nothing is guessed)")
    p.add_argument("--force", action="store_true", help="allow more than a /15 of targets")
    p.add_argument("--only-targets", action="store_true",
                   help="leave out devices heard on the scan link from addresses outside the targets "
                   "(factory-default units, other subnets); they are reported by default, never contacted")
    p.add_argument("--no-sample", dest="sample", action="store_false",
                   help="sweep every off-link address; by default a range of more than 4 off-link /24s "
                   "is sampled first (a few likely addresses per /24) and only /24s that answer are swept")
    p.add_argument("--ipv6", action="store_true",
                   help="also discover and probe over IPv6 link-local on the scan interface (ICMPv6 echo "
                   "to ff02::1, WS-Discovery and SSDP to ff02::c, mDNS to ff02::fb, then HTTP/RTSP/ONVIF on "
                   "fe80::...%%iface); without it no IPv6 packet is sent")
    p.add_argument("--connect-only", dest="syn_check", action="store_false",
                   help="open a full TCP connection for every port the probes try; by default (as root) "
                   "each on-link port is first checked with one bare SYN, and a port that answers with a "
                   "reset is not connected to (the scanner's kernel resets the half-open ones)")
    add_output_arguments(p)
    add_alert_arguments(p)
    p.set_defaults(handler=handle)


def config_from_args(args: argparse.Namespace) -> ScanConfig:
    from netfinger.scan import ScanConfig
    from netfinger.scan.credentials import load_credentials

    if args.targets:
        parse_targets(args.targets, args.force)  # fail fast, before any socket opens
    if args.concurrency < 1:
        raise UsageError("--concurrency must be at least 1")
    return ScanConfig(
        targets=tuple(args.targets), iface=args.iface, probes=args.probes, timeout=args.timeout,
        io_timeout=args.io_timeout, rate=args.rate, concurrency=args.concurrency,
        credentials=load_credentials(args.credentials) if args.credentials else (),
        http_ports=args.http_ports, tcp_ports=args.tcp_ports, force=args.force,
        only_targets=args.only_targets, sample=args.sample, ipv6=args.ipv6, syn_check=args.syn_check,
    )


async def _scan(config: ScanConfig, show_progress: bool) -> Report:
    import asyncio

    from netfinger.scan import run_scan
    from netfinger.scan.progress import make_progress

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_sigint() -> None:
        if not stop.is_set():
            print("netfinger: stopping; writing what was found so far", file=sys.stderr)
        stop.set()

    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGINT, on_sigint)
        loop.add_signal_handler(signal.SIGTERM, on_sigint)
    return await run_scan(config, stop=stop, progress=make_progress(show_progress))


def _raise_file_limit() -> None:
    """Many hosts are talked to at once; lift the soft open-file limit to the hard one (best effort)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(hard, 65536) if hard != resource.RLIM_INFINITY else 65536
    if soft < target:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def handle(args: argparse.Namespace) -> int:
    config = config_from_args(args)
    alerts = alert_config_from_args(args)
    _raise_file_limit()
    quiet = bool(getattr(args, "quiet", False))
    logging.basicConfig(level=logging.ERROR if quiet else logging.WARNING, stream=sys.stderr,
                        format="netfinger: %(message)s")
    import asyncio  # not for --help: the event loop is the scan's alone

    report = asyncio.run(_scan(config, not quiet))
    return write_outputs_and_alert(args, report, alerts)

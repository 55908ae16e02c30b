"""``netfinger listen``: identify devices from a capture file or a live interface, sending nothing."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from typing import TYPE_CHECKING, Any

from netfinger.cli.alerting import add_alert_arguments, alert_config_from_args, write_outputs_and_alert
from netfinger.cli.output import add_output_arguments, chatter
from netfinger.cli.scan import _positive
from netfinger.errors import UsageError

if TYPE_CHECKING:  # the passive package loads its decoders (zeroconf, cryptography): only when listening
    from netfinger.passive import ListenConfig
    from netfinger.passive.session import PassiveSession
    from netfinger.report.model import Report

DESCRIPTION = """\
Identify devices from traffic they send by themselves, without sending anything: a capture file
(pcap or pcapng, gzip-compressed or not; '-' reads stdin) or a live interface (as root, until
--duration ends or Ctrl-C). Decoded: ARP, DHCP/DHCPv6, DNS (vendor cloud names: weak evidence
about the asker), mDNS, SSDP, WS-Discovery, SADP, DHIP, and HTTP, RTSP and TLS in reassembled TCP
streams. The sender of a SADP inquiry, DHIP search, WS-Discovery Probe or M-SEARCH is reported as a
client, not as a device. Live capture runs in a child process whose kernel filter (seccomp) refuses
every sending system call; it opens no other socket. The report is a scan report with
scan.mode "passive", first/last seen and the signals per host."""

# The decoder registry's names (netfinger/passive/decoders), spelled out so that parsing the command
# line loads no decoder; test_passive_cli checks the two agree.
ALL_DECODERS = ("arp", "dhcp", "dns", "ssdp", "wsd", "sadp", "dhip", "http", "rtsp", "tls")


def _decoders(text: str) -> tuple[str, ...]:
    names = tuple(p.strip() for p in text.split(",") if p.strip())
    unknown = [n for n in names if n not in ALL_DECODERS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown decoder(s) {','.join(unknown) or '(none)'}; "
                                         f"choose from {','.join(ALL_DECODERS)}")
    return names


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("listen", help="identify devices passively from a capture or an interface",
                              description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--read", metavar="FILE", help="a pcap/pcapng capture, gzip or not ('-' for stdin)")
    source.add_argument("--iface", metavar="IF", help="listen live on IF (root; nothing is sent)")
    p.add_argument("--duration", type=_positive, metavar="S",
                   help="live: stop after S seconds (default: at Ctrl-C)")
    p.add_argument("--promisc", action="store_true",
                   help="live: promiscuous mode (see unicast traffic of others on a hub/SPAN port)")
    p.add_argument("--decoders", type=_decoders, default=None, metavar="LIST",
                   help=f"comma-separated decoders to run (default: all: {','.join(ALL_DECODERS)})")
    add_output_arguments(p)
    add_alert_arguments(p)
    p.set_defaults(handler=handle)


def _progress(args: argparse.Namespace) -> Any:
    def show(session: PassiveSession, final: bool) -> None:
        c = session.counts
        word = "read" if final else "reading:"
        chatter(args, f"{word} {c.records} frames, {len(session.store)} hosts")
    return None if getattr(args, "quiet", False) else show


async def _listen(config: ListenConfig, args: argparse.Namespace) -> Report:
    from netfinger.passive import listen

    halt = asyncio.Event()
    loop = asyncio.get_running_loop()

    def on_sigint() -> None:
        if not halt.is_set():
            chatter(args, "stopping; writing what was heard so far")
        halt.set()

    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGINT, on_sigint)
        loop.add_signal_handler(signal.SIGTERM, on_sigint)
    def ready(iface: str) -> None:
        until = f"for {config.duration:g}s" if config.duration else "until Ctrl-C"
        # Said even with --quiet: scripts wait for this line before they make traffic.
        print(f"netfinger: listening on {iface} {until}; nothing is sent", file=sys.stderr, flush=True)

    return await listen(config, halt=halt, progress=_progress(args), ready=ready)


def handle(args: argparse.Namespace) -> int:
    if args.read and (args.duration is not None or args.promisc):
        raise UsageError("--duration and --promisc apply to --iface only")
    from netfinger.passive import ListenConfig

    quiet = bool(getattr(args, "quiet", False))
    logging.basicConfig(level=logging.ERROR if quiet else logging.WARNING, stream=sys.stderr,
                        format="netfinger: %(message)s")
    alerts = alert_config_from_args(args)  # checked before listening, like scan's
    config = ListenConfig(read=args.read, iface=args.iface, duration=args.duration, promisc=args.promisc,
                          decoders=args.decoders)
    report = asyncio.run(_listen(config, args))
    return write_outputs_and_alert(args, report, alerts)

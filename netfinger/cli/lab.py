"""``netfinger lab``: an emulated site LAN in network namespaces, to test netfinger with no cameras."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from netfinger.errors import UsageError
from netfinger.lab import impair, netns
from netfinger.lab.state import LabState, check_lab_name

DEFAULT_NAME = "lab"


def _fleet() -> Any:
    """The fleet lab module (it brings PostgreSQL/Redis helpers): loaded only when a command needs it."""
    from netfinger.lab import fleet

    return fleet


def redact(url: str) -> str:
    """A URL with its password shown as ***."""
    return re.sub(r"(//[^:/@]*:)[^@]*@", r"\1***@", url)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "lab",
        help="emulated camera LAN in network namespaces (root)",
        description="Bring up an emulated site LAN of Hikvision/Dahua-like devices in network namespaces, "
        "run commands inside it, and tear it down. Needs root; never touches the host's interfaces.",
    )
    sub = parser.add_subparsers(dest="lab_command", metavar="ACTION")
    parser.set_defaults(handler=lambda _args: _usage(parser))

    p_up = sub.add_parser("up", help="create the lab and start its device emulator")
    p_up.add_argument("--site", default="default", help="built-in site name or a site directory")
    p_up.add_argument(
        "--scale", type=int, metavar="N", help="N devices in total: the site's own plus generated clones"
    )
    p_up.add_argument("--spread", metavar="/PREFIX", help="widen the lab network (e.g. /16), scatter clones")
    p_up.add_argument(
        "--seed", type=int, default=0, metavar="S", help="seed for generated devices (default 0)"
    )
    p_up.add_argument("--fleet", type=int, metavar="N",
                      help="a fleet: an HQ namespace running redis-server and PostgreSQL, and N site labs "
                      "(site1..siteN, all on the same subnet) with a WAN link each to HQ")
    _name(p_up)
    p_up.set_defaults(handler=_up)

    p_run = sub.add_parser("run", help="run a command inside the lab's scanner namespace")
    _name(p_run)
    where = p_run.add_mutually_exclusive_group()
    where.add_argument("--hq", action="store_true", help="fleet lab: run in HQ (sets NETFINGER_BROKER, "
                       "NETFINGER_DB and NETFINGER_FLEET)")
    where.add_argument("--site", metavar="K", help="fleet lab: run in site K's scanner namespace "
                       "(K or siteK; sets NETFINGER_BROKER, NETFINGER_SITE and the sensor's targets)")
    p_run.add_argument("cmd", nargs=argparse.REMAINDER, help="-- COMMAND [ARG...]")
    p_run.set_defaults(handler=_run)

    p_cap = sub.add_parser("capture", help="record the site's own traffic (no scanner) to a pcap file")
    _name(p_cap)
    p_cap.add_argument("--seconds", type=float, default=5.0, metavar="N",
                       help="how long to record (default 5)")
    p_cap.add_argument("-o", "--output", required=True, metavar="FILE", help="pcap file to write")
    p_cap.set_defaults(handler=_capture)
    p_status = sub.add_parser("status", help="list the lab's devices")
    _name(p_status)
    p_status.add_argument("--json", action="store_true", help="print the lab state as JSON")
    p_status.set_defaults(handler=_status)

    p_loss = sub.add_parser(
        "loss", help="drop a share of the device replies on the lab's wire (nftables in the bridge)",
        description="Drop PERCENT % of the frames the lab's bridge forwards to the scanner (every device "
        "reply, UDP and TCP alike), to test discovery under loss. --clear removes it; with neither, "
        "prints how many frames the rule dropped so far.")
    _name(p_loss)
    loss = p_loss.add_mutually_exclusive_group()
    loss.add_argument("--percent", type=int, metavar="PCT", help="loss rate, 1-99")
    loss.add_argument("--clear", action="store_true", help="remove the loss rule")
    p_loss.set_defaults(handler=_loss)

    p_down = sub.add_parser("down", help="stop the emulator and delete the lab's namespaces")
    group = p_down.add_mutually_exclusive_group()
    group.add_argument("--name", default=DEFAULT_NAME, help=f"lab name (default {DEFAULT_NAME})")
    group.add_argument("--all", action="store_true", help="remove every netfinger lab, also crashed ones")
    p_down.set_defaults(handler=_down)


def _name(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--name", default=DEFAULT_NAME, help="lab name, 1-8 of a-z0-9")


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_help(sys.stderr)
    return 2


def _up(args: argparse.Namespace) -> int:
    from netfinger.lab import api  # the emulator's modules (zeroconf, cryptography): only when used

    check_lab_name(args.name)
    if args.fleet is not None:
        return _up_fleet(args)
    started = time.monotonic()
    state = api.up(args.site, scale=args.scale, spread=args.spread, name=args.name, seed=args.seed)
    elapsed = time.monotonic() - started
    info = api.ready_info(args.name)
    print(
        f"lab {state.name}: {len(state.devices)} devices on {state.subnet}, scanner {state.scanner_ip} "
        f"in namespace {state.scanner_ns}; up in {elapsed:.1f}s ({info.get('sockets', '?')} sockets)",
        file=sys.stderr,
    )
    hint = f"netfinger lab run --name {state.name} -- netfinger scan {state.subnet}"
    print(f"run a scan: {hint}", file=sys.stderr)
    return 0


def _up_fleet(args: argparse.Namespace) -> int:
    started = time.monotonic()
    state = _fleet().up(args.fleet, args.name, site=args.site, scale=args.scale)
    print(f"fleet lab {state.name}: HQ {state.hq_addr} ({state.hq_ns}: redis-server, PostgreSQL), "
          f"{len(state.sites)} sites on {state.sites[0].subnet}; up in {time.monotonic() - started:.1f}s",
          file=sys.stderr)  # fmt: skip
    print(f"HQ:     netfinger lab run --name {state.name} --hq -- netfinger fleet ingest\n"
          f"sensor: netfinger lab run --name {state.name} --site 1 -- netfinger sensor --site site1",
          file=sys.stderr)  # fmt: skip
    return 0


def _run(args: argparse.Namespace) -> int:
    cmd = list(args.cmd)
    if cmd and cmd[0] == "--":
        cmd = cmd[1:]
    if not cmd:
        raise UsageError("lab run: give a command after --, e.g. netfinger lab run -- ip -4 addr")
    netns.require_root()
    if args.hq or args.site:
        state = _fleet().FleetState.load(args.name)
        site = state.site(args.site) if args.site else None
        ns = site.scanner_ns if site else state.hq_ns
        env = {**os.environ, **state.env(site)}
        if os.environ.get("NETFINGER_VISIBILITY_TIMEOUT"):  # a test may want redelivery sooner
            env["NETFINGER_VISIBILITY_TIMEOUT"] = os.environ["NETFINGER_VISIBILITY_TIMEOUT"]
        return subprocess.call(["ip", "netns", "exec", ns, *cmd], env=env)
    if _fleet().is_fleet(args.name):
        raise UsageError(f"{args.name} is a fleet lab: say where, --hq or --site K")
    return subprocess.call(["ip", "netns", "exec", LabState.load(args.name).scanner_ns, *cmd])


def _capture(args: argparse.Namespace) -> int:
    if args.seconds <= 0:
        raise UsageError("lab capture: --seconds must be positive")
    from netfinger.lab.capture import capture

    state = LabState.load(args.name)
    capture(state, args.seconds, Path(args.output))
    print(f"lab {state.name}: recorded {args.seconds:g}s of the site's traffic to {args.output} "
          f"(read it with: netfinger listen --read {args.output})", file=sys.stderr)
    return 0


def _status(args: argparse.Namespace) -> int:
    from netfinger.lab import api

    if _fleet().is_fleet(args.name):
        return _status_fleet(args)
    state = LabState.load(args.name)
    if args.json:
        print(json.dumps(state.to_dict(), indent=1))
        return 0
    running = "running" if api.emulator_running(state.name) else "NOT RUNNING (netfinger lab down, then up)"
    print(
        f"lab {state.name}: {state.subnet}, scanner {state.scanner_ip} ({state.scanner_ns}), "
        f"emulator pid {state.emulator_pid} {running}, {len(state.devices)} devices"
    )
    for dev in state.devices:
        maker = dev.expect.get("manufacturer") or "-"
        brand = dev.expect.get("brand")
        shown = f"{maker}/{brand}" if brand and brand != maker else maker
        print(f"{dev.name:32.32} {dev.ip:15} {dev.mac} {shown:24.24} {','.join(dev.protocols)}")
    return 0


def _loss(args: argparse.Namespace) -> int:
    state = LabState.load(args.name)
    if args.clear:
        impair.clear(state)
        print(f"lab {state.name}: no loss", file=sys.stderr)
    elif args.percent is not None:
        impair.set_loss(state, args.percent)
        shown = f"lab {state.name}: dropping {args.percent} % of the frames sent to the scanner"
        print(shown, file=sys.stderr)
    else:
        count = impair.dropped(state)
        print("no loss rule" if count is None else f"{count} frames dropped")
    return 0


def _status_fleet(args: argparse.Namespace) -> int:
    state = _fleet().FleetState.load(args.name)
    if args.json:
        print(json.dumps(state.to_dict(), indent=1))
        return 0
    print(f"fleet lab {state.name}: HQ {state.hq_addr} in {state.hq_ns}")
    print(f"  broker (HQ): {redact(state.broker_url())}\n  database (HQ): {redact(state.db_url())}")
    for s in state.sites:
        print(f"  {s.site:8} lab {s.lab:8} {s.subnet:16} WAN {s.wan_ip} -> {s.hq_wan_ip}")
    return 0


def _down(args: argparse.Namespace) -> int:
    from netfinger.lab import api

    if args.all:
        labs = api.down_all()
        print(f"removed labs: {', '.join(labs) or 'none'}", file=sys.stderr)
        return 0
    if _fleet().is_fleet(check_lab_name(args.name)):
        removed = _fleet().down(args.name)
        print(f"fleet lab {args.name}: removed HQ and site labs {', '.join(removed[1:])}", file=sys.stderr)
        return 0
    namespaces = api.down(args.name)
    print(f"lab {args.name}: removed {len(namespaces)} namespaces", file=sys.stderr)
    return 0

"""The lab emulator: ONE background process serving every device of a lab.

Started by ``netfinger lab up`` as ``python -m netfinger.lab.emulator --state FILE``. It opens each
device's sockets inside that device's network namespace, writes ``ready`` next to the state file once
all are open (or ``error`` with the reason), sends the devices' announcements and serves until SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import resource
import signal
import ssl
import sys
import time
from pathlib import Path

from netfinger.errors import NetfingerError
from netfinger.lab.clients import ClientRounds, Wake
from netfinger.lab.profile import Profile, Registry, load_profile, responder_registry
from netfinger.lab.responders.base import Device, ProfileError, Responder
from netfinger.lab.serve import DeviceRuntime, Guard
from netfinger.lab.state import ERROR_FILE, PID_FILE, READY_FILE, DeviceState, LabState
from netfinger.lab.unconfigured import UNCONFIGURED, UnconfiguredRuntime

log = logging.getLogger("netfinger.lab.emulator")
FDS_PER_DEVICE = 16


def raise_fd_limit(devices: int) -> int:
    """Lift RLIMIT_NOFILE so every device's sockets fit; returns the new soft limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = max(soft, devices * FDS_PER_DEVICE + 256)
    for new_hard in (max(hard, want), hard):
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (min(want, new_hard), new_hard))
            return min(want, new_hard)
        except (ValueError, OSError):
            continue
    return soft


class Emulator:
    def __init__(self, state: LabState, registry: Registry) -> None:
        self.state, self.registry = state, registry
        self.guard = Guard()
        self.runtimes: list[tuple[DeviceRuntime | UnconfiguredRuntime, list[Responder]]] = []
        self.clients: list[ClientRounds] = []
        self.wake: Wake | None = None
        self._profiles: dict[str, Profile] = {}

    def _profile(self, path: str) -> Profile:
        if path not in self._profiles:
            self._profiles[path] = load_profile(Path(path), self.registry)
        return self._profiles[path]

    def device(self, dev: DeviceState) -> Device:
        prof = self._profile(dev.profile)
        sections = {p: prof.sections[p] for p in dev.protocols if p in prof.sections}
        prefixlen = dev.prefixlen or self.state.prefixlen  # a factory-default or routed unit's own
        return Device(dev.name, dev.mac, dev.ip, prefixlen, sections, dict(dev.vars))

    def open(self) -> None:
        for dev in self.state.devices:
            device = self.device(dev)
            responders = [self.registry[p] for p in device.sections]
            kind = UnconfiguredRuntime if dev.ip == UNCONFIGURED else DeviceRuntime
            runtime = kind(device, dev.ns, ipv6=dev.ipv6)
            runtime.open(responders, self.guard)
            self.runtimes.append((runtime, responders))
            # A --scale clone does not poll or search (that would multiply clients), nor does a unit
            # with no address (it has no socket to act from).
            if not dev.generated and isinstance(runtime, DeviceRuntime):
                self.clients.append(ClientRounds(runtime, responders, self.guard))

    async def start(self) -> None:
        for runtime, _responders in self.runtimes:
            await runtime.start(self.guard)

    def announce(self) -> None:
        """Every device's announcements, and a round of every client section (started on first use)."""
        for runtime, responders in self.runtimes:
            runtime.announce(responders, self.guard)
        if self.wake is None:
            self.wake = Wake()
            for rounds in self.clients:
                rounds.start(self.wake)
        else:
            self.wake.ring()

    async def close(self) -> None:
        for rounds in self.clients:
            await rounds.stop()
        for runtime, _responders in self.runtimes:
            await runtime.close()

    @property
    def socket_count(self) -> int:
        return sum(rt.socket_count for rt, _ in self.runtimes)


def _loop_errors(loop: asyncio.AbstractEventLoop, context: dict[str, object]) -> None:
    """A scanner aborting a TLS handshake or a connection is normal in a lab: debug only."""
    exc = context.get("exception")
    if not isinstance(exc, BaseException):
        log.warning("event loop: %s", context.get("message"))
    elif isinstance(exc, ConnectionError | ssl.SSLError | TimeoutError):
        log.debug("event loop: %s: %r", context.get("message"), exc)
    else:
        log.warning("event loop: %s: %r", context.get("message"), exc, exc_info=exc)


async def serve(state: LabState, directory: Path) -> None:
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(_loop_errors)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    rejoin = asyncio.Event()  # SIGUSR1: every device announces itself again, as on joining (lab capture)
    loop.add_signal_handler(signal.SIGUSR1, rejoin.set)
    started = time.monotonic()
    emulator = Emulator(state, responder_registry(state.responders))
    emulator.open()
    await emulator.start()
    ready = {
        "pid": os.getpid(),
        "devices": len(state.devices),
        "sockets": emulator.socket_count,
        "seconds": round(time.monotonic() - started, 3),
    }
    (directory / READY_FILE).write_text(json.dumps(ready), encoding="utf-8")
    log.info("ready: %s", ready)
    emulator.announce()
    while not stop.is_set():
        waits = [asyncio.create_task(stop.wait()), asyncio.create_task(rejoin.wait())]
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in waits:
            task.cancel()
        if rejoin.is_set() and not stop.is_set():
            rejoin.clear()
            emulator.announce()
    await emulator.close()
    log.info("stopped")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m netfinger.lab.emulator")
    parser.add_argument("--state", required=True, type=Path, help="the lab's state.json")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    directory = args.state.parent
    (directory / PID_FILE).write_text(str(os.getpid()), encoding="utf-8")
    try:
        state = LabState.load_file(args.state)
        raise_fd_limit(len(state.devices))
        asyncio.run(serve(state, directory))
    except (NetfingerError, ProfileError, OSError) as exc:
        log.exception("emulator failed")
        (directory / ERROR_FILE).write_text(str(exc), encoding="utf-8")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

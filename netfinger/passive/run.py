"""Listening, start to end: a capture file or a live interface through the session into a Report.

Async inside (one ``asyncio.run`` at the CLI edge): the reading loop, CPU-bound, runs in a worker
thread that checks a stop flag between records; the signatures load in another thread meanwhile.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from netfinger.errors import NetfingerError, UsageError
from netfinger.passive.readers import CaptureReader, open_capture
from netfinger.passive.readers.seccomp import READY
from netfinger.passive.report import build_passive_report
from netfinger.passive.session import PassiveSession
from netfinger.report.model import Report
from netfinger.scan.report import load_matcher, utc_now

Progress = Callable[[PassiveSession, bool], None]  # (session, final)
PROGRESS_EVERY = 2.0  # seconds between progress lines
READY_TIMEOUT = 15.0


@dataclass(frozen=True)
class ListenConfig:
    read: str | None = None  # a capture file ('-': stdin)
    iface: str | None = None  # a live interface
    duration: float | None = None  # live: stop after this many seconds
    promisc: bool = False
    decoders: tuple[str, ...] | None = None


def _drain(reader: CaptureReader, session: PassiveSession, stop: threading.Event,
           progress: Progress | None) -> None:
    next_report = [time.monotonic() + PROGRESS_EVERY]

    def tick() -> bool:
        if progress is not None and time.monotonic() >= next_report[0]:
            progress(session, False)
            next_report[0] = time.monotonic() + PROGRESS_EVERY
        return not stop.is_set()

    reader.should_stop = stop.is_set  # the prefilter may drop most records before tick() sees them
    session.consume(reader, tick)
    session.finish()
    if progress is not None:
        progress(session, True)


def _start_capture(config: ListenConfig) -> subprocess.Popen[bytes]:
    iface = config.iface or ""
    if os.geteuid() != 0:
        raise UsageError("listening live needs root (a packet socket): run as root, or record with "
                         "tcpdump -w FILE and use --read FILE")
    if not Path(f"/sys/class/net/{iface}").exists() or "/" in iface:
        raise UsageError(f"no interface {iface!r} here (see: ip link)")
    cmd = [sys.executable, "-m", "netfinger.passive.readers.capture", iface]
    if config.promisc:
        cmd.append("--promisc")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    line = _ready_line(proc.stderr)
    if not line.startswith(READY):
        proc.kill()
        proc.wait()
        raise NetfingerError(line.strip() or "the capture process ended before it was ready")
    return proc


def _ready_line(stream: IO[bytes] | None) -> str:
    if stream is None:
        return ""
    box: list[str] = []

    def first_status() -> None:
        for _ in range(20):  # interpreter warnings may come first
            line = stream.readline().decode("utf-8", "replace")
            if not line or line.startswith("netfinger-capture:"):
                box.append(line)
                return

    reader = threading.Thread(target=first_status, daemon=True)
    reader.start()
    reader.join(READY_TIMEOUT)
    return box[0] if box else ""


@dataclass(frozen=True)
class _Hooks:
    progress: Progress | None
    ready: Callable[[str], None] | None


async def _live(config: ListenConfig, session: PassiveSession, stop: threading.Event, halt: asyncio.Event,
                hooks: _Hooks) -> list[str]:
    proc = await asyncio.to_thread(_start_capture, config)
    assert proc.stdout is not None
    if hooks.ready is not None:
        hooks.ready(config.iface or "")
    try:
        reader = await asyncio.to_thread(open_capture, proc.stdout, f"live:{config.iface}")
        work = asyncio.create_task(asyncio.to_thread(_drain, reader, session, stop, hooks.progress))
        waits: list[asyncio.Task[Any]] = [asyncio.create_task(halt.wait())]
        if config.duration is not None:
            waits.append(asyncio.create_task(asyncio.sleep(config.duration)))
        await asyncio.wait([work, *waits], return_when=asyncio.FIRST_COMPLETED)
        for task in waits:
            task.cancel()
        proc.terminate()  # the child flushes and ends; the reader sees end of stream and finishes
        await work
        return reader.notes
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        await asyncio.to_thread(proc.wait)


async def listen(config: ListenConfig, *, halt: asyncio.Event | None = None,
                 progress: Progress | None = None, ready: Callable[[str], None] | None = None) -> Report:
    """Read a capture or an interface until it ends (or ``halt`` is set) and return the report.

    ``ready(iface)`` is called once a live capture is sealed and reading (the duration runs from then).
    """
    if bool(config.read) == bool(config.iface):
        raise UsageError("give exactly one of --read FILE or --iface IF")
    started = utc_now()
    halt = halt or asyncio.Event()
    stop = threading.Event()
    session = PassiveSession(config.decoders)
    matcher = asyncio.create_task(asyncio.to_thread(load_matcher))
    source = f"live:{config.iface}" if config.iface else str(config.read)

    async def watch_halt() -> None:
        await halt.wait()
        stop.set()

    watcher = asyncio.create_task(watch_halt())
    try:
        if config.iface:
            notes = await _live(config, session, stop, halt, _Hooks(progress, ready))
        else:
            reader = open_capture(config.read or "-")
            try:
                await asyncio.to_thread(_drain, reader, session, stop, progress)
            finally:
                reader.close()
            notes = reader.notes
            source = f"{source} ({reader.format})"
    finally:
        watcher.cancel()
    interrupted = halt.is_set() and not (config.iface and config.duration is None)
    return build_passive_report(session, source=source, started=started, interrupted=interrupted,
                                reader_notes=notes, matcher=await matcher)

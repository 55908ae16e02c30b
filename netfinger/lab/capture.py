"""``netfinger lab capture``: record the lab site's own traffic (no scanner running) to a pcap file.

tcpdump runs in the bridge namespace on ``br0``, where every device's frames pass. Once it is
recording, the emulator is asked (SIGUSR1) to send every device's announcements again, as devices do
when they join the network (WS-Discovery Hello, SSDP NOTIFY, mDNS, the profiles' announce rules).
Nothing leaves the lab's namespaces.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

from netfinger.errors import NetfingerError
from netfinger.lab import netns
from netfinger.lab.state import LabState

START_TIMEOUT = 15.0


def _wait_recording(proc: subprocess.Popen[bytes]) -> str:
    """tcpdump's first stderr line ('listening on ...'), or '' if it said nothing in time."""
    box: list[str] = []

    def first_line() -> None:
        if proc.stderr is not None:
            box.append(proc.stderr.readline().decode("utf-8", "replace"))

    reader = threading.Thread(target=first_line, daemon=True)
    reader.start()
    reader.join(START_TIMEOUT)
    return box[0] if box else ""


def capture(state: LabState, seconds: float, out: Path, rejoin: bool = True) -> None:
    """Record ``seconds`` of the lab's traffic into ``out`` (pcap). Needs root and a running emulator."""
    netns.require_root()
    proc = subprocess.Popen(
        ["ip", "netns", "exec", state.bridge_ns, "tcpdump", "-i", "br0", "-B", "65536", "-n", "-U", "-s", "0",
         "-w", str(out.resolve())],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        line = _wait_recording(proc)
        if "listening on" not in line:
            raise NetfingerError(f"tcpdump did not start in {state.bridge_ns}: {line.strip() or 'no output'}")
        if rejoin and state.emulator_pid:
            try:
                os.kill(state.emulator_pid, signal.SIGUSR1)
            except ProcessLookupError as exc:
                raise NetfingerError(f"lab {state.name}: the emulator is not running") from exc
        time.sleep(seconds)  # the recording window itself
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

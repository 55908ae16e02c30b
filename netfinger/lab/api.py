"""The lab as a Python API, for the CLI, tests and benchmarks.

Example::

    with running_lab("default", scale=250, name="bench") as lab:
        subprocess.run(["ip", "netns", "exec", lab.scanner_ns, ...])
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from netfinger.errors import NetfingerError
from netfinger.lab import netns
from netfinger.lab.neigh import raise_neighbour_limits
from netfinger.lab.profile import responder_registry
from netfinger.lab.scale import plan_lab
from netfinger.lab.site import load_site
from netfinger.lab.state import (
    ERROR_FILE,
    LOG_FILE,
    PID_FILE,
    READY_FILE,
    STATE_FILE,
    LabState,
    check_lab_name,
    lab_dir,
    list_labs,
)

READY_TIMEOUT = 180.0
KILL_WAIT = 10.0  # seconds to wait for a SIGKILLed process to be gone (and reaped, when ours)
EMULATOR_MODULE = "netfinger.lab.emulator"
_children: dict[int, subprocess.Popen[bytes]] = {}  # emulators this process started, kept for reaping


def up(  # noqa: PLR0917 - every option has a default; keywords are the norm
    site: str | Path = "default",
    scale: int | None = None,
    spread: str | None = None,
    name: str = "lab",
    seed: int = 0,
    responders: str | Path | None = None,
) -> LabState:
    """Create the lab's network, start its emulator and wait until every device listens.

    ``responders`` names an extra .py file defining ``RESPONDERS`` (test-only protocols).
    """
    netns.require_root()
    check_lab_name(name)
    extra = str(Path(responders).resolve()) if responders else None
    state = plan_lab(load_site(site, responder_registry(extra)), name, scale=scale, spread=spread, seed=seed)
    state.responders = extra
    if netns.lab_namespaces(name) or _emulator_pid(name) is not None:
        raise NetfingerError(f"lab {name} already exists: run netfinger lab down --name {name}")
    directory = lab_dir(name)
    shutil.rmtree(directory, ignore_errors=True)
    raise_neighbour_limits(len(state.devices))
    try:
        netns.create(state)
        state_path = state.save()
        state.emulator_pid = _start_emulator(state_path)
        state.save()
        _wait_ready(directory, state.emulator_pid)
    except BaseException:
        down(name)
        raise
    return state


def _start_emulator(state_path: Path) -> int:
    log = (state_path.parent / LOG_FILE).open("ab")
    with log:
        proc = subprocess.Popen(
            [sys.executable, "-m", EMULATOR_MODULE, "--state", str(state_path)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            cwd="/",
        )
    _children[proc.pid] = proc
    return proc.pid


def _wait_ready(directory: Path, pid: int) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if (directory / READY_FILE).exists():
            return
        if (directory / ERROR_FILE).exists():
            raise NetfingerError(f"lab emulator failed: {(directory / ERROR_FILE).read_text()[:500]}")
        status = _reap(pid)
        if status is not None:
            raise NetfingerError(f"lab emulator exited (status {status}); see {directory / LOG_FILE}")
        time.sleep(0.05)
    raise NetfingerError(f"lab emulator not ready after {READY_TIMEOUT:.0f}s; see {directory / LOG_FILE}")


def ready_info(name: str = "lab") -> dict[str, object]:
    """What the emulator reported when it became ready (pid, devices, sockets, seconds)."""
    try:
        info: dict[str, object] = json.loads((lab_dir(name) / READY_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return info


def _is_emulator(pid: int, name: str) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    state_path = str(lab_dir(name) / STATE_FILE).encode()
    return EMULATOR_MODULE.encode() in cmdline and state_path in cmdline


def _emulator_pid(name: str) -> int | None:
    """The lab's emulator: from its pid file or state, else by its exact command line in /proc."""
    candidates: list[int] = []
    with suppress(OSError, ValueError):
        candidates.append(int((lab_dir(name) / PID_FILE).read_text().strip()))
    with suppress(NetfingerError):
        pid = LabState.load(name).emulator_pid
        if pid:
            candidates.append(pid)
    candidates += [int(p) for p in os.listdir("/proc") if p.isdigit()]
    return next((pid for pid in candidates if pid != os.getpid() and _is_emulator(pid, name)), None)


def emulator_running(name: str = "lab") -> bool:
    """Whether the lab's emulator process is alive."""
    pid = _emulator_pid(name)
    return pid is not None and not _is_zombie(pid)


def _terminate(pids: list[int], grace: float = 3.0) -> None:
    """SIGTERM, then SIGKILL after ``grace`` seconds; our own children are reaped either way (a loaded
    machine can take longer than the grace to stop the emulator, and a killed child left unreaped
    stays behind as a zombie)."""
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    pids = _wait_gone(pids, grace)
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    _wait_gone(pids, KILL_WAIT)


def _wait_gone(pids: list[int], seconds: float) -> list[int]:
    """Wait until each pid is gone (reaped when it is ours; a zombie of someone else's counts as
    gone); the pids still there after ``seconds``."""
    left = list(pids)
    deadline = time.monotonic() + seconds
    while left and time.monotonic() < deadline:
        for pid in list(left):
            _reap(pid)
            if not Path(f"/proc/{pid}").exists() or (_is_zombie(pid) and not _is_our_child(pid)):
                left.remove(pid)
        if left:
            time.sleep(0.05)
    return left


def _is_our_child(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[-1].split()
    except OSError:
        return False
    return len(fields) > 1 and int(fields[1]) == os.getpid()


def _reap(pid: int) -> int | None:
    """Collect the exit status of a child of ours (so it leaves no zombie); None while it runs."""
    child = _children.get(pid)
    if child is not None:
        status = child.poll()
        if status is not None:
            del _children[pid]
        return status
    with suppress(ChildProcessError):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
    return None


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[-1].split()[0] == "Z"


def down(name: str = "lab") -> list[str]:
    """Stop the emulator, kill what still runs inside the lab, delete its namespaces and state."""
    netns.require_root()
    check_lab_name(name)
    namespaces = netns.lab_namespaces(name)
    pids = netns.processes_in(namespaces)
    emulator = _emulator_pid(name)
    if emulator is not None:
        pids.insert(0, emulator)
    _terminate(sorted(set(pids), key=pids.index))
    netns.delete(namespaces)
    left = netns.lab_namespaces_left(namespaces)
    if left:
        raise NetfingerError(f"could not delete namespaces: {', '.join(left)}")
    shutil.rmtree(lab_dir(name), ignore_errors=True)
    return namespaces


def all_labs() -> list[str]:
    """Every lab with a state directory or a namespace left behind."""
    names = set(list_labs())
    for ns in netns.lab_namespaces():
        match = netns.LAB_NS_RE.match(ns)
        if match:
            names.add(match.group(1))
    return sorted(names)


def down_all() -> list[str]:
    """Tear down every netfinger lab, including the leftovers of crashed ones."""
    labs = all_labs()
    for lab in labs:
        down(lab)
    return labs


@contextmanager
def running_lab(  # noqa: PLR0917
    site: str | Path = "default",
    scale: int | None = None,
    spread: str | None = None,
    name: str = "lab",
    seed: int = 0,
    responders: str | Path | None = None,
) -> Iterator[LabState]:
    """A lab that is always torn down, even when the body fails."""
    state = up(site, scale=scale, spread=spread, name=name, seed=seed, responders=responders)
    try:
        yield state
    finally:
        down(name)

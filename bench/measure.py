"""Run a command and measure it: wall time, CPU time (user+sys) and peak RSS of the process tree's
largest member, via os.wait4 on the child; ``measure_lines`` also stamps its stderr lines (the phase
breakdown, ``phases.py``). Used by bench/bench.py."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class Measurement:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    returncode: int


def measure(
    cmd: list[str], timeout: float | None = None, stdout: int | None = subprocess.DEVNULL
) -> Measurement:
    """Run ``cmd`` to completion; ``ip netns exec`` execs its target, so the rusage is the scanner's."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.DEVNULL)
    deadline = None if timeout is None else start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.monotonic() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.02)
    wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measurement(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024.0,
        returncode=proc.returncode,
    )


@dataclass(frozen=True)
class LineMeasurement:
    m: Measurement
    lines: list[tuple[float, str]]  # (seconds since start, stderr line)
    stdout_end: float | None  # seconds since start when the last stdout byte arrived


def _stamp_lines(stream: IO[bytes], start: float, out: list[tuple[float, str]]) -> None:
    for raw in iter(stream.readline, b""):
        out.append((time.monotonic() - start, raw.decode("utf-8", "replace").rstrip("\n")))


def _copy_out(stream: IO[bytes], start: float, sink: IO[bytes], ends: list[float]) -> None:
    for chunk in iter(lambda: stream.read(65536), b""):
        sink.write(chunk)
        ends.append(time.monotonic() - start)


def measure_lines(cmd: list[str], stdout_path: str) -> LineMeasurement:
    """Run ``cmd`` to completion like ``measure``; stamp each stderr line as it arrives and copy stdout
    to ``stdout_path``, noting when its last byte came (the end of rendering)."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    lines: list[tuple[float, str]] = []
    ends: list[float] = []
    with open(stdout_path, "wb") as sink:
        readers = [threading.Thread(target=_stamp_lines, args=(proc.stderr, start, lines)),
                   threading.Thread(target=_copy_out, args=(proc.stdout, start, sink, ends))]
        for reader in readers:
            reader.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        for reader in readers:
            reader.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    m = Measurement(wall_s=wall, cpu_s=usage.ru_utime + usage.ru_stime,
                    peak_rss_mb=usage.ru_maxrss / 1024.0, returncode=proc.returncode)
    return LineMeasurement(m, lines, ends[-1] if ends else None)


if __name__ == "__main__":
    # ``python bench/measure.py CMD...``: measure CMD from this small process and print JSON. A child
    # forked from a large parent counts the parent's pages in its peak RSS (Linux keeps the high-water
    # mark across exec); measured from here, the figure is the command's own.
    import dataclasses
    import json
    import sys

    print(json.dumps(dataclasses.asdict(measure(sys.argv[1:]))))

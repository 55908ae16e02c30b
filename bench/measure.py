"""Run a command and measure it: wall time, CPU time (user+sys) and peak RSS of the process tree's
largest member, via os.wait4 on the child. Used by bench/bench.py."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass


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


if __name__ == "__main__":
    # ``python bench/measure.py CMD...``: measure CMD from this small process and print JSON. A child
    # forked from a large parent counts the parent's pages in its peak RSS (Linux keeps the high-water
    # mark across exec); measured from here, the figure is the command's own.
    import dataclasses
    import json
    import sys

    print(json.dumps(dataclasses.asdict(measure(sys.argv[1:]))))

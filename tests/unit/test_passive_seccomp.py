"""The capture process's seccomp filter: once installed, nothing in that process can send (no root needed).

A child process opens a UDP socket to 127.0.0.1 (standing in for the capture socket), installs the
filter for that descriptor, and tries every way to send; each must fail with EPERM while writing to
stdout still works.
"""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from netfinger.passive.readers import seccomp

pytestmark = pytest.mark.skipif(platform.machine() != "x86_64" or sys.platform != "linux",
                                reason="the filter is written for Linux x86_64")

CHILD = r"""
import os, socket, sys
from netfinger.passive.readers import seccomp
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.connect(("127.0.0.1", 9))
seccomp.install(sock.fileno())
results = {}
def attempt(name, fn):
    try:
        fn()
        results[name] = "allowed"
    except PermissionError:
        results[name] = "refused"
    except OSError as exc:
        results[name] = f"error {exc.errno}"
attempt("send", lambda: sock.send(b"x"))
attempt("sendto", lambda: sock.sendto(b"x", ("127.0.0.1", 9)))
attempt("sendmsg", lambda: sock.sendmsg([b"x"]))
attempt("write", lambda: os.write(sock.fileno(), b"x"))
attempt("writev", lambda: os.writev(sock.fileno(), [b"x"]))
attempt("dup", lambda: os.dup(sock.fileno()))
attempt("dup2", lambda: os.dup2(sock.fileno(), 77))
attempt("socket", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
attempt("packet socket", lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW))
attempt("setsockopt", lambda: sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096))
attempt("stdout", lambda: os.write(1, b""))
print(";".join(f"{k}={v}" for k, v in results.items()))
"""


def test_filter_refuses_every_way_to_send() -> None:
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=60,
                         check=False)
    assert out.returncode == 0, out.stderr
    results = dict(item.split("=", 1) for item in out.stdout.strip().split(";"))
    assert results.pop("stdout") == "allowed"
    assert results == dict.fromkeys(results, "refused"), results
    assert set(results) >= {"send", "sendto", "sendmsg", "write", "writev", "dup", "socket", "packet socket"}


def test_program_jumps_land_inside_the_program() -> None:
    prog = seccomp.program(5)
    for i, (code, jt, jf, _) in enumerate(prog):
        if code in (seccomp.JEQ, seccomp.JGE):
            assert i + 1 + jt < len(prog) and i + 1 + jf < len(prog)
    assert prog[-1] == (seccomp.RET, 0, 0, seccomp.RET_KILL)
    assert prog[-2] == (seccomp.RET, 0, 0, seccomp.RET_EPERM)

"""A seccomp filter that makes the capture process unable to send (Linux, x86_64).

After it is installed the kernel refuses, with EPERM, every way this process could put a frame on a
wire: ``socket``/``socketpair`` (no new socket), ``connect``, ``bind``, ``sendto``/``sendmsg``/``sendmmsg``,
``setsockopt`` (no TX ring, no new filter), ``write``/``writev``/``pwrite*`` on the capture socket's
descriptor, ``dup*``/``fcntl(F_DUPFD*)`` (no second descriptor for it), ``sendfile``/``splice``/``tee``/
``vmsplice``, ``io_uring_*`` and ``pidfd_getfd``. A syscall from another ABI (x32, i386) kills the
process. The filter is inherited by every child and cannot be removed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform
import struct

READY = "netfinger-capture: ready"  # the capture process's first line on stderr once sealed
PR_SET_NO_NEW_PRIVS = 38
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2
AUDIT_ARCH_X86_64 = 0xC000003E
X32_BIT = 0x40000000
RET_ALLOW = 0x7FFF0000
RET_EPERM = 0x00050000 | 1
RET_KILL = 0x80000000
LD_ABS = 0x20
JEQ = 0x15
JGE = 0x35
RET = 0x06
OFF_NR, OFF_ARCH, OFF_ARG0, OFF_ARG1 = 0, 4, 16, 24
F_DUPFD, F_DUPFD_CLOEXEC = 0, 1030

# x86_64 system call numbers
DENIED = {
    "sendfile": 40, "socket": 41, "connect": 42, "sendto": 44, "sendmsg": 46, "bind": 49, "socketpair": 53,
    "setsockopt": 54, "dup": 32, "dup2": 33, "splice": 275, "tee": 276, "vmsplice": 278, "dup3": 292,
    "sendmmsg": 307, "io_uring_setup": 425, "io_uring_enter": 426, "io_uring_register": 427,
    "pidfd_getfd": 438,
}
WRITES = {"write": 1, "pwrite64": 18, "writev": 20, "pwritev": 296, "pwritev2": 328}
FCNTL = 72

Insn = tuple[int, int, int, int]  # code, jt, jf, k
Step = tuple[str, int, str, str, int]  # (label or '', code, jump-if-true label, jump-if-false label, k)


class SeccompUnavailable(OSError):
    """The kernel or the platform cannot take the filter."""


def _assemble(steps: list[Step]) -> list[Insn]:
    """Resolve label jumps ('' = the next instruction) into classic-BPF relative offsets."""
    at = {label: i for i, (label, *_rest) in enumerate(steps) if label}
    out: list[Insn] = []
    for i, (_, code, jt, jf, k) in enumerate(steps):
        out.append((code, at[jt] - i - 1 if jt else 0, at[jf] - i - 1 if jf else 0, k))
    return out


def program(sock_fd: int) -> list[Insn]:
    """The classic-BPF seccomp program for a capture socket ``sock_fd``."""
    steps: list[Step] = [
        ("", LD_ABS, "", "", OFF_ARCH),
        ("", JEQ, "", "kill", AUDIT_ARCH_X86_64),
        ("", LD_ABS, "", "", OFF_NR),
        ("", JGE, "kill", "", X32_BIT),
    ]
    steps += [("", JEQ, "deny", "", nr) for nr in DENIED.values()]
    steps += [("", JEQ, "fd", "", nr) for nr in WRITES.values()]
    steps += [
        ("", JEQ, "fcntl", "", FCNTL),
        ("", RET, "", "", RET_ALLOW),
        ("fd", LD_ABS, "", "", OFF_ARG0),
        ("", JEQ, "deny", "", sock_fd),
        ("", RET, "", "", RET_ALLOW),
        ("fcntl", LD_ABS, "", "", OFF_ARG1),
        ("", JEQ, "deny", "", F_DUPFD),
        ("", JEQ, "deny", "", F_DUPFD_CLOEXEC),
        ("", RET, "", "", RET_ALLOW),
        ("deny", RET, "", "", RET_EPERM),
        ("kill", RET, "", "", RET_KILL),
    ]
    return _assemble(steps)


def install(sock_fd: int) -> None:
    """Install the filter on this process (irreversible). Raises SeccompUnavailable when it cannot."""
    if platform.system() != "Linux" or platform.machine() != "x86_64":
        raise SeccompUnavailable(f"the send-proof filter is written for Linux x86_64, not "
                                 f"{platform.system()} {platform.machine()}")
    insns = program(sock_fd)
    raw = b"".join(struct.pack("HBBI", *insn) for insn in insns)
    buf = ctypes.create_string_buffer(raw)

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    prog = SockFprog(len(insns), ctypes.cast(buf, ctypes.c_void_p))
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise SeccompUnavailable(f"prctl(NO_NEW_PRIVS) failed: errno {ctypes.get_errno()}")
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        raise SeccompUnavailable(f"prctl(SECCOMP) failed: errno {ctypes.get_errno()}")

"""Raw Linux system calls through ctypes, for the confinement layers (grader.sandbox.confine).

No third-party package: the layers need a handful of calls (landlock_*, seccomp via prctl,
capset, unshare) whose numbers are fixed per architecture, and a dependency that ships no
wheel for a platform, or lags a kernel ABI, would silently weaken every worker.  Only
x86_64 and aarch64 are known; elsewhere each layer reports itself unavailable.
"""

from __future__ import annotations

import ctypes
import os
import platform
from typing import Optional

# Per architecture: the audit arch seccomp sees, and the syscalls the layers call directly.
ARCHES = {
    "x86_64": {"audit": 0xC000003E, "capset": 126, "unshare": 272},
    "aarch64": {"audit": 0xC00000B7, "capset": 91, "unshare": 97},
}
# Landlock's calls are numbered alike on every architecture (added after the table unification).
LANDLOCK_CREATE_RULESET, LANDLOCK_ADD_RULE, LANDLOCK_RESTRICT_SELF = 444, 445, 446

PR_SET_SECCOMP = 22
PR_CAPBSET_DROP = 24
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
SECCOMP_MODE_FILTER = 2

_libc: Optional[ctypes.CDLL] = None


def machine() -> str:
    return {"arm64": "aarch64", "amd64": "x86_64"}.get(platform.machine().lower(), platform.machine().lower())


def arch() -> Optional[dict]:
    return ARCHES.get(machine())


def libc() -> ctypes.CDLL:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.syscall.restype = ctypes.c_long
        _libc.prctl.restype = ctypes.c_int
    return _libc


def check(result: int, what: str) -> int:
    """``result`` of a libc call, or OSError with errno when it failed (-1)."""
    if result < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")
    return result


def syscall(number: int, *args: object) -> int:
    """A raw syscall; integer arguments are passed as C longs."""
    cargs = [ctypes.c_long(a) if isinstance(a, int) else a for a in args]
    return libc().syscall(ctypes.c_long(number), *cargs)


def prctl(option: int, a: int = 0, b: object = 0, c: int = 0, d: int = 0) -> int:
    cb = ctypes.c_ulong(b) if isinstance(b, int) else b
    return check(libc().prctl(ctypes.c_int(option), ctypes.c_ulong(a), cb, ctypes.c_ulong(c), ctypes.c_ulong(d)), f"prctl({option})")

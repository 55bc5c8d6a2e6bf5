"""Landlock (Linux >= 5.13): the kernel refuses a worker every file access not listed here,
TCP bind/connect (ABI >= 4), and signals or abstract unix sockets reaching any process
outside its own domain (ABI >= 6) -- the grader, the zygote, a sibling worker.  Landlock
also forbids ptrace of (and so /proc/PID/mem of) processes outside the domain.

Each worker calls restrict_self itself, so every worker is a domain of its own: siblings
cannot signal each other, and neither can reach the zygote that forked them.
"""

from __future__ import annotations

import ctypes
import os
import stat
from collections.abc import Iterable

from grader.sandbox import kernel

CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH = 1

EXECUTE = 1 << 0
WRITE_FILE = 1 << 1
READ_FILE = 1 << 2
READ_DIR = 1 << 3
REMOVE_DIR = 1 << 4
REMOVE_FILE = 1 << 5
MAKE_CHAR = 1 << 6
MAKE_DIR = 1 << 7
MAKE_REG = 1 << 8
MAKE_SOCK = 1 << 9
MAKE_FIFO = 1 << 10
MAKE_BLOCK = 1 << 11
MAKE_SYM = 1 << 12
REFER = 1 << 13  # ABI 2
TRUNCATE = 1 << 14  # ABI 3
IOCTL_DEV = 1 << 15  # ABI 5
NET_BIND_TCP, NET_CONNECT_TCP = 1, 2  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1, 2  # ABI 6

# The rights that may be granted on a file (the rest only make sense on a folder).
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV
READ = READ_FILE | READ_DIR
# The worker's own folder: read, write, create and remove plain files and folders.  No
# FIFOs, sockets, devices or symlinks (a FIFO or symlink output.txt), no execute.
OWN_FOLDER = READ | WRITE_FILE | REMOVE_DIR | REMOVE_FILE | MAKE_DIR | MAKE_REG | TRUNCATE


class RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def abi() -> int:
    """The kernel's Landlock ABI version; 0 where it has none (or it is disabled)."""
    if kernel.arch() is None:
        return 0
    result = kernel.syscall(kernel.LANDLOCK_CREATE_RULESET, None, 0, CREATE_RULESET_VERSION)
    return max(0, result)


def handled_fs(version: int) -> int:
    """Every filesystem right the kernel of ABI ``version`` knows: all of them are denied
    unless a rule grants them."""
    rights = (MAKE_SYM << 1) - 1
    if version >= 2:
        rights |= REFER
    if version >= 3:
        rights |= TRUNCATE
    if version >= 5:
        rights |= IOCTL_DEV
    return rights


def _attr_size(version: int) -> int:
    return 24 if version >= 6 else 16 if version >= 4 else 8


def create_ruleset(version: int) -> int:
    attr = RulesetAttr(handled_fs(version), (NET_BIND_TCP | NET_CONNECT_TCP) if version >= 4 else 0,
                       (SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL) if version >= 6 else 0)
    result = kernel.syscall(kernel.LANDLOCK_CREATE_RULESET, ctypes.byref(attr), _attr_size(version), 0)
    return kernel.check(result, "landlock_create_ruleset")


def add_path(ruleset: int, path: str, rights: int, version: int) -> bool:
    """Grant ``rights`` beneath ``path``; False when the path does not exist."""
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        allowed = rights & handled_fs(version)
        if not stat.S_ISDIR(os.fstat(fd).st_mode):
            allowed &= FILE_RIGHTS
        attr = PathBeneathAttr(allowed, fd)
        kernel.check(kernel.syscall(kernel.LANDLOCK_ADD_RULE, ruleset, RULE_PATH_BENEATH, ctypes.byref(attr), 0), f"landlock_add_rule({path})")
        return True
    finally:
        os.close(fd)


def build(version: int, rules: Iterable[tuple[str, int]]) -> int:
    """A ruleset fd granting each (path, rights); everything else is denied."""
    ruleset = create_ruleset(version)
    try:
        for path, rights in rules:
            add_path(ruleset, path, rights, version)
    except BaseException:
        os.close(ruleset)
        raise
    return ruleset


def restrict_self(ruleset: int) -> None:
    """Enter the ruleset's domain for good (needs no_new_privs or CAP_SYS_ADMIN)."""
    try:
        kernel.check(kernel.syscall(kernel.LANDLOCK_RESTRICT_SELF, ruleset, 0), "landlock_restrict_self")
    finally:
        os.close(ruleset)

"""In the worker, before the learner's code runs: an audit hook (PEP 578) that keeps it away
from the hidden references, from other people's files and from the grader's processes.

What it refuses, with PermissionError in the learner's code:
- opening anything under a bank's ``solutions/`` folder (or linking to it);
- opening a file for writing, or removing/renaming/chmod-ing one, outside the worker's
  own temporary folder (other students' submissions, the progress database, a terminal);
- starting programs (subprocess, os.system, os.exec*, posix_spawn);
- signalling a process that is not the worker or one of its own children (the zygote,
  the grader, anything else the user owns);
- walking the garbage collector's object lists (a way to reach this hook's own state).

A speed bump, not a wall: ctypes can call the C library without raising audit events, and
a learner can patch the standard library functions used here.  SECURITY.md says what
actually isolates a submission (a separate user or a container).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Any

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_SPAWN_EVENTS = frozenset({"subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn", "os.system", "pty.spawn"})
_PATH_CHANGE_EVENTS = frozenset(
    {"os.remove", "os.rmdir", "os.rename", "os.mkdir", "os.chmod", "os.chown", "os.truncate", "os.utime", "shutil.rmtree"}
)
_GC_EVENTS = frozenset({"gc.get_objects", "gc.get_referrers", "gc.get_referents"})
_WRITABLE_DEVICES = frozenset({os.devnull})


def _under(path: str, roots: tuple[str, ...]) -> bool:
    return any(path == root or path.startswith(root + os.sep) for root in roots)


def install(*, protected: Iterable[str], workdir: str) -> None:
    """Install the hook for the rest of this process's life (audit hooks cannot be removed)."""
    hidden = tuple(os.path.realpath(p) for p in protected)
    hidden_names = frozenset(os.path.basename(p) for p in hidden)
    writable = (os.path.realpath(workdir),)
    realpath, fspath, getpid = os.path.realpath, os.fspath, os.getpid
    me = getpid()
    ancestors = _ancestors(me)

    def resolve(path: Any) -> str:
        return realpath(fspath(path)) if not isinstance(path, bytes) else realpath(path.decode(errors="replace"))

    def is_hidden(path: Any) -> bool:
        if isinstance(path, int) or path is None:
            return False  # an fd already opened (and checked) by path
        text = fspath(path) if not isinstance(path, bytes) else path.decode(errors="replace")
        if not os.path.isabs(text) and hidden_names.intersection(text.split(os.sep)):
            return True  # relative to a dir_fd the hook cannot see: refuse by name
        return _under(resolve(text), hidden)

    def may_write(path: Any) -> bool:
        if isinstance(path, int) or path is None:
            return True
        resolved = resolve(path)
        return resolved in _WRITABLE_DEVICES or _under(resolved, writable)

    def refuse(what: str) -> None:
        raise PermissionError(f"not allowed while grading: {what}")

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path, _mode, flags = args
            if is_hidden(path):
                refuse("reading the hidden reference solutions")
            if isinstance(flags, int) and flags & _WRITE_FLAGS and not may_write(path):
                refuse(f"writing outside the grading folder ({str(path)[:80]})")
        elif event in _PATH_CHANGE_EVENTS:
            for path in args[:2]:
                if isinstance(path, (str, bytes, os.PathLike)) and not may_write(path):
                    refuse(f"changing files outside the grading folder ({str(path)[:80]})")
        elif event in ("os.link", "os.symlink"):
            if any(isinstance(p, (str, bytes, os.PathLike)) and is_hidden(p) for p in args[:2]):
                refuse("linking to the hidden reference solutions")
            if isinstance(args[1], (str, bytes, os.PathLike)) and not may_write(args[1]):
                refuse("creating links outside the grading folder")
        elif event in _SPAWN_EVENTS:
            refuse("starting another program")
        elif event == "os.kill":
            pid = args[0]
            if pid < 0 or pid in ancestors:
                refuse("signalling the grader's processes")
        elif event == "os.killpg":
            if args[0] != os.getpgid(0):
                refuse("signalling another process group")
        elif event in _GC_EVENTS:
            refuse("inspecting the garbage collector's objects")

    sys.addaudithook(hook)


def _ancestors(pid: int) -> frozenset[int]:
    """This process's parent, grandparent, ... up to init (from /proc)."""
    found = set()
    while pid > 1:
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
            pid = int(stat[stat.rindex(")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            break
        found.add(pid)
    return frozenset(found)

"""A cgroup per worker: a process limit (pids) and a memory limit for its whole tree.

Nested under the grader's own cgroup (never moved out of it, so whatever limits the
machine puts on the grader still hold), as ``llamaprep-<zygote pid>/w<worker pid>``; cgroup
v1 (a hierarchy per controller) and v2 (one unified hierarchy) alike.  Where the folder
cannot be created (no permission, v2 without delegation) the layer reports why and the
worker runs without it.  The worker joins its own cgroup before it drops its privileges;
after that Landlock keeps it from writing there again.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Optional

ROOT = "/sys/fs/cgroup"
PIDS_MAX = 128  # processes and threads of one worker tree at once


def _own_cgroups() -> dict[str, str]:
    """controller (or "" for v2) -> this process's cgroup path, from /proc/self/cgroup."""
    found = {}
    try:
        with open("/proc/self/cgroup") as f:
            for line in f:
                _id, controllers, path = line.rstrip("\n").split(":", 2)
                for name in controllers.split(",") if controllers else [""]:
                    found[name.removeprefix("name=")] = path
    except (OSError, ValueError):
        pass
    return found


def _v2_root() -> Optional[str]:
    for candidate in (ROOT, os.path.join(ROOT, "unified")):
        if os.path.exists(os.path.join(candidate, "cgroup.controllers")):
            return candidate
    return None


@dataclass
class Controller:
    name: str  # "pids" or "memory"
    parent: str  # the folder workers' cgroups are made in
    v2: bool


def _v1(name: str, own: dict[str, str]) -> Optional[str]:
    mount = os.path.join(ROOT, name)
    if name in own and os.path.isdir(mount) and not os.path.exists(os.path.join(mount, "cgroup.controllers")):
        return os.path.join(mount, own[name].lstrip("/"))
    return None


@dataclass
class Cgroups:
    """The zygote's per-worker cgroups; what could not be set up is in ``missing``."""

    controllers: list[Controller] = field(default_factory=list)
    missing: dict[str, str] = field(default_factory=dict)
    made: list[str] = field(default_factory=list)  # the zygote's own parent folders
    pending: dict[int, list[str]] = field(default_factory=dict)  # worker pid -> its folders

    @classmethod
    def prepare(cls, wanted: tuple[str, ...] = ("pids", "memory")) -> Cgroups:
        self = cls()
        own = _own_cgroups()
        v2 = _v2_root()
        for name in wanted:
            base = _v1(name, own)
            is_v2 = False
            if base is None and v2 is not None and "" in own:
                try:
                    with open(os.path.join(v2, own[""].lstrip("/"), "cgroup.controllers")) as f:
                        if name in f.read().split():
                            base, is_v2 = os.path.join(v2, own[""].lstrip("/")), True
                except OSError:
                    pass
            if base is None:
                self.missing[name] = f"no {name} cgroup controller available to this process"
                continue
            _remove_stale(base)
            parent = os.path.join(base, f"llamaprep-{os.getpid()}")
            try:
                os.makedirs(parent, exist_ok=True)
                self.made.append(parent)
                if is_v2:  # the parent holds no process, so it may hand the controller down
                    with open(os.path.join(parent, "cgroup.subtree_control"), "w") as f:
                        f.write(f"+{name}")
                self.controllers.append(Controller(name, parent, is_v2))
            except OSError as exc:
                self.missing[name] = f"cannot create a cgroup under {base} ({exc.strerror or exc})"
        return self

    def has(self, name: str) -> bool:
        return any(c.name == name for c in self.controllers)

    def join(self, memory_bytes: int) -> None:
        """In the worker, before it drops its privileges: a cgroup of its own per controller."""
        pid = os.getpid()
        for c in self.controllers:
            path = os.path.join(c.parent, f"w{pid}")
            os.mkdir(path)
            if c.name == "pids":
                _write(path, "pids.max", str(PIDS_MAX))
            elif c.v2:
                _write(path, "memory.max", str(memory_bytes))
                _write(path, "memory.swap.max", "0", optional=True)
            else:
                _write(path, "memory.limit_in_bytes", str(memory_bytes))
                _write(path, "memory.memsw.limit_in_bytes", str(memory_bytes), optional=True)
            _write(path, "cgroup.procs", "0")

    def forget(self, pid: int) -> None:
        """In the zygote, once ``pid``'s tree is killed: remove its cgroups (retried later
        while processes are still being torn down)."""
        self.pending[pid] = [os.path.join(c.parent, f"w{pid}") for c in self.controllers]
        self.tidy()

    def tidy(self) -> None:
        for pid, paths in list(self.pending.items()):
            left = []
            for path in paths:
                try:
                    os.rmdir(path)
                except FileNotFoundError:
                    pass
                except OSError:
                    left.append(path)
            if left:
                self.pending[pid] = left
            else:
                del self.pending[pid]

    def close(self, patience: float = 2.0) -> None:
        """Remove every folder made (the zygote's sweep has killed every worker by now)."""
        give_up = time.monotonic() + patience
        while self.pending and time.monotonic() < give_up:
            self.tidy()
            if self.pending:
                time.sleep(0.01)
        for parent in self.made:
            try:
                for entry in os.listdir(parent):  # workers the zygote never heard end
                    if entry.startswith("w"):
                        os.rmdir(os.path.join(parent, entry))
                os.rmdir(parent)
            except OSError:
                pass


def _remove_stale(base: str) -> None:
    """Folders left by a zygote that was killed outright (SIGKILL: no chance to tidy); a
    folder still holding a process cannot be removed and stays."""
    try:
        entries = os.listdir(base)
    except OSError:
        return
    for entry in entries:
        owner = entry.removeprefix("llamaprep-")
        if entry == owner or not owner.isdigit() or os.path.exists(f"/proc/{owner}"):
            continue
        folder = os.path.join(base, entry)
        try:
            for child in os.listdir(folder):
                if child.startswith("w"):
                    os.rmdir(os.path.join(folder, child))
            os.rmdir(folder)
        except OSError:
            continue


def _write(folder: str, name: str, value: str, optional: bool = False) -> None:
    try:
        with open(os.path.join(folder, name), "w") as f:
            f.write(value)
    except OSError:
        if not optional:
            raise

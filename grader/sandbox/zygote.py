"""Child processes for learner code: a zygote that forks one limited worker per submission.

The zygote is forked from the grading process right after torch is imported and before
any torch computation or reference code runs, so each worker starts in milliseconds with
torch already loaded (no second multi-second import) and no thread pool to break on fork.

A worker: new session (its own process group, killed as one), no core dumps, an address
space cap, a cap on the bytes it may write, few file descriptors, a scrubbed environment,
its own temporary directory as cwd, stdout/stderr into a capped file there, and death when
the zygote dies.  The zygote is a child subreaper: processes a submission leaves behind are
re-parented to it and killed when their worker is reaped and when grading ends.

Run as root (a container, Gradescope), a worker also drops to the unprivileged user
``nobody`` so that the kernel, not just etiquette, keeps it from the grader's processes,
the reference files (if not world-readable) and the limits themselves.  The grading
process makes itself non-dumpable so that a worker of the same user cannot read its
memory (/proc/PID/mem, ptrace), where the expected outputs are.  SECURITY.md has the
full threat model.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import signal
import socket
import stat
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from grader.report.safe_text import framed
from grader.sandbox import confine
from grader.sandbox.removal import remove_tree
from grader.sandbox.untrusted import Untrusted, read_bounded

OUTPUT_CAP = 1 << 20  # bytes a worker may write to stdout/stderr
SHOWN_OUTPUT = 2000  # bytes of it kept for the report
PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_SET_CHILD_SUBREAPER = 36
NOBODY = 65534  # uid/gid a worker drops to when the grader runs as root
NOBODY_NPROC = 512  # processes (threads included) all of nobody's workers may have


_PLAN: Optional[confine.Plan] = None  # set in the zygote: the confinement every worker gets


class SandboxError(RuntimeError):
    """The zygote is gone or answered nonsense (e.g. a submission killed it)."""


class SpawnError(SandboxError):
    """No worker could be started (out of processes, files or memory); the zygote is fine."""


def _prctl(option: int, value: int) -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _vm_size() -> int:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _set_limit(which: int, value: int) -> None:
    """Soft and hard limit both: a soft limit alone the learner's code could raise again."""
    try:
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))
    except (ValueError, OSError):
        pass


def _world_readable(path: str) -> bool:
    """Whether any user may read ``path``: o+r on it, o+x on it and every folder above."""
    p = Path(path).resolve()
    try:
        if not p.stat().st_mode & stat.S_IROTH:
            return False
        return all(parent.stat().st_mode & stat.S_IXOTH for parent in [p, *p.parents] if parent.is_dir())
    except OSError:
        return False


_NOBODY_CAN_RUN_PYTHON: Optional[bool] = None


def _nobody_can_run_python() -> bool:
    """Dropping to nobody is only safe when nobody can still import what a learner may
    import late (the standard library, site-packages): an interpreter under /root, say,
    would make a plain `import fractions` in a correct answer fail."""
    global _NOBODY_CAN_RUN_PYTHON
    if _NOBODY_CAN_RUN_PYTHON is None:
        import torch

        roots = {os.path.dirname(os.__file__), os.path.dirname(os.path.dirname(torch.__file__))}
        _NOBODY_CAN_RUN_PYTHON = all(_world_readable(r) for r in roots)
    return _NOBODY_CAN_RUN_PYTHON


def _drop_root(workdir: str) -> None:
    """Become ``nobody`` (only when running as root, and only where nobody can still run
    this Python); the death signal is reset by the change of credentials, so it is set
    again by the caller afterwards."""
    if os.geteuid() != 0 or not _nobody_can_run_python():
        return
    os.chown(workdir, NOBODY, NOBODY)
    os.fchown(1, NOBODY, NOBODY)  # output.txt, which stdout and stderr point to
    _set_limit(resource.RLIMIT_NPROC, NOBODY_NPROC)
    os.setgroups([])
    os.setresgid(NOBODY, NOBODY, NOBODY)
    os.setresuid(NOBODY, NOBODY, NOBODY)


def _worker_process(job: socket.socket, req: dict) -> None:
    """In the forked worker: apply the limits, then serve the parent's requests."""
    os.setsid()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGCHLD, signal.SIGPIPE):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # oversized writes fail instead of killing
    workdir = req["workdir"]
    os.chdir(workdir)
    devnull = os.open(os.devnull, os.O_RDONLY)
    out = os.open(os.path.join(workdir, "output.txt"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(devnull, 0)
    os.dup2(out, 1)
    os.dup2(out, 2)
    keep = job.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, 4096)
    os.environ.clear()
    os.environ.update({"PATH": "/usr/bin:/bin", "HOME": workdir, "TMPDIR": workdir, "LANG": "C.UTF-8"})
    tempfile.tempdir = workdir
    _set_limit(resource.RLIMIT_CORE, 0)
    _set_limit(resource.RLIMIT_FSIZE, OUTPUT_CAP)
    _set_limit(resource.RLIMIT_NOFILE, 256)
    _set_limit(resource.RLIMIT_CPU, int(req["cpu_seconds"]))
    _set_limit(resource.RLIMIT_AS, _vm_size() + int(req["memory_bytes"]))
    # Kernel confinement (grader.sandbox.confine), split around the drop to nobody: what
    # needs root's privileges first, then the capabilities, Landlock and seccomp.
    pending = confine.begin(_PLAN, workdir, memory_bytes=int(req["memory_bytes"]), hidden=tuple(req.get("hidden", ()))) if _PLAN else None
    _drop_root(workdir)
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    _prctl(PR_SET_DUMPABLE, 0)  # another student's worker (same user) may not ptrace this one
    if os.getppid() == 1:  # the zygote died before the death signal was armed
        os._exit(1)
    if pending is not None:
        confine.finish(pending)
    sys.stdout = open(1, "w", buffering=1, closefd=False, errors="replace")
    sys.stderr = open(2, "w", buffering=1, closefd=False, errors="replace")
    sys.path.insert(0, req["submission_dir"])
    from grader.sandbox import worker

    worker.main(job)


def _parents() -> dict[int, int]:
    """pid -> parent pid of every process visible in /proc."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            found[int(entry)] = int(stat[stat.rindex(")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    return found


def _children_of(pid: int) -> list[int]:
    try:  # the kernel's own list (one thread: the zygote never starts any)
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(child) for child in f.read().split()]
    except (OSError, ValueError):
        return [child for child, parent in _parents().items() if parent == pid]


def _threads_children(pid: int) -> list[int]:
    """The children of every thread of ``pid``, from the kernel's lists (none once it is gone)."""
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return []
    kids: list[int] = []
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids.extend(int(child) for child in f.read().split())
        except (OSError, ValueError):  # a thread that ended meanwhile
            continue
    return kids


_KERNEL_LISTS: Optional[bool] = None  # whether /proc has the children lists (CONFIG_PROC_CHILDREN)


def _trees(roots: list[int]) -> list[int]:
    """``roots`` and all their descendants, parents first.  From the kernel's children lists
    where it keeps them (a few files per process: a sweep follows every release), else from
    the parent of every process in /proc (~4 ms with a hundred processes)."""
    global _KERNEL_LISTS
    if _KERNEL_LISTS is None:
        _KERNEL_LISTS = os.path.exists(f"/proc/{os.getpid()}/task/{os.getpid()}/children")
    if _KERNEL_LISTS:
        children = _threads_children
    else:
        kids: dict[int, list[int]] = {}
        for child, parent in _parents().items():
            kids.setdefault(parent, []).append(child)
        children = lambda pid: kids.get(pid, [])  # noqa: E731
    out, todo, seen = [], list(roots), set()
    while todo:
        pid = todo.pop(0)
        if pid in seen:  # a pid listed twice while processes came and went
            continue
        seen.add(pid)
        out.append(pid)
        todo.extend(children(pid))
    return out


def _kill_group_and(pid: int) -> None:
    for kill in (lambda: os.killpg(pid, signal.SIGKILL), lambda: os.kill(pid, signal.SIGKILL)):
        try:
            kill()
        except (ProcessLookupError, PermissionError):
            pass


def _zygote_main(ctl: socket.socket) -> None:
    # Hold none of the parent's files: a pipe kept open here would make whoever reads
    # the grader's output wait for us.
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(devnull, fd)
    keep = ctl.fileno()
    os.closerange(3, keep)
    os.closerange(keep + 1, 4096)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    from grader.sandbox import heap

    heap.settle()  # before any worker is forked: each inherits it (grader.sandbox.heap)
    try:
        from grader.sandbox.warmup import warm_torch

        warm_torch()  # paid once here, not in every worker
    except Exception:  # noqa: BLE001 - a cold start is slower, never wrong
        pass
    _nobody_can_run_python()  # decided once, inherited by every worker
    # What every worker imports, imported once here (~15 ms of each worker's start); and
    # any reference this process inherited dropped once, for every worker.
    from grader.sandbox import worker

    worker.forget_references()
    try:
        import grader.properties  # noqa: F401 - the author API the bank's references import (validate grades them)
    except Exception:  # noqa: BLE001 - a worker that needs it imports it itself
        pass
    global _PLAN
    _PLAN = confine.prepare()  # probed once here; each worker only applies it
    import gc

    gc.freeze()  # workers share these pages instead of copying them when they collect
    live: set[int] = set()
    statuses: dict[int, int] = {}

    def collect() -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            statuses[pid] = status

    def sweep_once() -> bool:
        """Kill every child that is not a worker in use, with all its descendants (escaped
        leftovers), without waiting for them; whether there were any."""
        collect()
        strays = [pid for pid in _children_of(os.getpid()) if pid not in live]
        for pid in _trees(strays) if strays else ():
            _kill_group_and(pid)
        return bool(strays)

    def sweep() -> None:
        """sweep_once until none is left: orphans of the killed re-parent to us (subreaper)."""
        for _ in range(100):
            if not sweep_once():
                return
            time.sleep(0.001)

    def die(*_: object) -> None:
        live.clear()
        sweep()
        if _PLAN is not None:
            _PLAN.cgroups.close()
        os._exit(0)

    # When the grader dies (even by SIGKILL), sweep before going: a plain SIGKILL here
    # would hand escaped daemons to init instead of killing them.
    signal.signal(signal.SIGTERM, die)
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)

    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(ctl, 1 << 16, 2)
        except OSError:
            msg, fds = b"", []
        if not msg:
            die()
        req = json.loads(msg)
        if req["op"] == "spawn":
            try:
                pid = os.fork()
            except OSError as exc:  # e.g. EAGAIN under heavy forking: that worker fails, not the zygote
                for fd in fds:
                    os.close(fd)
                ctl.sendall(json.dumps({"error": f"os.fork: {exc.strerror or exc}"}).encode())
                continue
            if pid == 0:
                code = 0
                try:
                    ctl.close()
                    _worker_process(socket.socket(fileno=fds[0]), req)
                except BaseException:  # noqa: BLE001 - the grader's own failure: leave a trace
                    import traceback

                    traceback.print_exc()
                    code = 70
                finally:
                    os._exit(code)
            for fd in fds:
                os.close(fd)
            live.add(pid)
            ctl.sendall(json.dumps({"pid": pid}).encode())
        elif req["op"] == "release":  # a worker that ended normally: no status wanted, no reply
            _kill_group_and(req["pid"])
            live.discard(req["pid"])
            sweep_once()
            _PLAN.cgroups.forget(req["pid"])  # once its tree is gone (retried on later requests)
        elif req["op"] == "reap":
            pid = req["pid"]
            _kill_group_and(pid)
            deadline = time.monotonic() + 2.0
            while pid not in statuses and time.monotonic() < deadline:
                collect()
                if pid not in statuses:
                    time.sleep(0.002)
            live.discard(pid)
            sweep()
            _PLAN.cgroups.forget(pid)
            status = statuses.pop(pid, None)
            ctl.sendall(json.dumps({"status": status}).encode())
        elif req["op"] == "isolation":
            ctl.sendall(json.dumps(_PLAN.report()).encode())


@dataclass
class ExitInfo:
    """How a worker ended."""

    signal: Optional[int] = None
    code: Optional[int] = None

    def describe(self) -> str:
        if self.signal is not None:
            name = {
                signal.SIGSEGV: "segmentation fault (SIGSEGV)",
                signal.SIGBUS: "bus error (SIGBUS)",
                signal.SIGABRT: "aborted (SIGABRT)",
                signal.SIGKILL: "killed (SIGKILL)",
                signal.SIGXCPU: "CPU time limit exceeded (SIGXCPU)",
                signal.SIGFPE: "floating-point exception (SIGFPE)",
                signal.SIGILL: "illegal instruction (SIGILL)",
            }.get(self.signal)
            return f"the process died: {name or signal.Signals(self.signal).name}"
        if self.code is not None:
            return f"the process exited with code {self.code}"
        return "the process died"


class Zygote:
    """Forks workers on request.  Create it before any torch computation in this process."""

    def __init__(self) -> None:
        import torch  # noqa: F401 - loaded once here, inherited by every worker

        try:
            ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        except OSError as exc:
            raise SandboxError(f"socketpair: {exc.strerror or exc}") from None
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError as exc:  # e.g. EAGAIN: too many processes
            ours.close()
            theirs.close()
            raise SandboxError(f"os.fork: {exc.strerror or exc}") from None
        if pid == 0:
            try:
                ours.close()
                _zygote_main(theirs)
            finally:
                os._exit(0)
        theirs.close()
        _prctl(PR_SET_DUMPABLE, 0)  # after the fork: only this process holds expected outputs
        self.pid = pid
        self.sock = ours
        self.closed = False
        self.lock = threading.Lock()  # class grading spawns from several threads
        self._isolation: Optional[dict] = None

    def _request(self, req: dict, fds: tuple[int, ...] = ()) -> dict:
        with self.lock:
            try:
                return self._exchange(req, fds)
            except (OSError, ValueError) as exc:
                raise SandboxError(f"the grading sandbox stopped working ({exc})") from None

    def _exchange(self, req: dict, fds: tuple[int, ...]) -> dict:
        if self.closed:
            raise SandboxError("the grading sandbox is closed")
        if fds:
            socket.send_fds(self.sock, [json.dumps(req).encode()], list(fds))
        else:
            self.sock.sendall(json.dumps(req).encode())
        self.sock.settimeout(30)
        reply = self.sock.recv(1 << 16)
        if not reply:
            raise SandboxError("the grading sandbox was killed (by a submission?)")
        return json.loads(reply)

    def isolation(self) -> dict:
        """The confinement every worker of this zygote gets (grader.sandbox.confine.Plan.report)."""
        if self._isolation is None:
            self._isolation = self._request({"op": "isolation"})
        return self._isolation

    def spawn(self, submission: Path, *, memory_mb: int, cpu_seconds: float, hidden: tuple[str, ...] = ()) -> WorkerHandle:
        workdir = ""
        try:
            workdir = tempfile.mkdtemp(prefix="llamaprep-")
            ours, theirs = socket.socketpair()
        except OSError as exc:  # out of files or disk: this worker fails, not the run
            if workdir:
                shutil.rmtree(workdir, ignore_errors=True)
            raise SpawnError(f"{type(exc).__name__}: {exc.strerror or exc}") from None
        request = {
            "op": "spawn",
            "workdir": workdir,
            "submission_dir": str(submission.resolve().parent),
            "memory_bytes": memory_mb << 20,
            "cpu_seconds": max(1, int(cpu_seconds) + 1),
            # Folders the worker's Landlock rules must leave out even inside allowed ones.
            "hidden": [*hidden, str(submission.resolve().parent)],
        }
        try:
            reply = self._request(request, (theirs.fileno(),))
        except BaseException:
            ours.close()
            shutil.rmtree(workdir, ignore_errors=True)
            raise
        finally:
            theirs.close()
        if not isinstance(reply.get("pid"), int):
            ours.close()
            shutil.rmtree(workdir, ignore_errors=True)
            raise SpawnError(str(reply.get("error", "no worker")))
        return WorkerHandle(pid=reply["pid"], sock=ours, workdir=Path(workdir), zygote=self, pidfd=_pidfd(reply["pid"]))

    def reap(self, pid: int) -> ExitInfo:
        try:
            status = self._request({"op": "reap", "pid": pid}).get("status")
        except SandboxError:
            _kill_group_and(pid)  # the zygote is gone; its death signal has likely done this already
            return ExitInfo()
        if status is None:
            return ExitInfo()
        if os.WIFSIGNALED(status):
            return ExitInfo(signal=os.WTERMSIG(status))
        return ExitInfo(code=os.WEXITSTATUS(status))

    def release(self, pid: int) -> None:
        """Kill a worker whose end nobody needs to know about; the zygote reaps it later,
        so the caller does not wait for a large process to be torn down."""
        with self.lock:
            try:
                self.sock.sendall(json.dumps({"op": "release", "pid": pid}).encode())
            except OSError:
                _kill_group_and(pid)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.sock.close()  # the zygote sweeps its leftovers and exits on EOF
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _pidfd(pid: int) -> Optional[int]:
    """A descriptor that becomes readable when ``pid`` ends (Linux >= 5.3), else None."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


@dataclass
class WorkerHandle:
    pid: int
    sock: socket.socket
    workdir: Path
    zygote: Zygote
    exit: Optional[ExitInfo] = None
    # Readable once the worker has ended, even while a process it forked still holds the
    # other end of ``sock`` open (so no end-of-file would ever come).
    pidfd: Optional[int] = None

    def stop(self) -> ExitInfo:
        """Kill the worker (and its process group), collect how it ended, clean up."""
        if self.exit is None:
            self.sock.close()
            self.exit = self.zygote.reap(self.pid)
            self._close_pidfd()
        return self.exit

    def release(self) -> None:
        """Kill the worker without waiting to learn how it ended (a normal end)."""
        if self.exit is None:
            self.sock.close()
            self.zygote.release(self.pid)
            self.exit = ExitInfo()
            self._close_pidfd()

    def _close_pidfd(self) -> None:
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None

    def output_since(self, offset: int) -> tuple[str, int]:
        """What the learner's code printed after ``offset``, truncated with a notice; never parsed."""
        try:  # the worker owns the file: it may be a FIFO, a symlink to the reference...
            found = read_bounded(str(self.workdir), "output.txt", offset, SHOWN_OUTPUT)
        except Untrusted:
            return "[the output file was replaced by something other than a plain file; not read]", offset
        except OSError:
            return "", offset
        if found is None:
            return "", offset
        data, size = found
        text = framed(data.decode("utf-8", errors="replace")) if data else ""
        if size - offset > SHOWN_OUTPUT:
            text += f"\n[... output truncated: {size - offset} bytes in all, first {SHOWN_OUTPUT} shown]"
        return text, size

    def remove(self) -> None:
        # Not shutil.rmtree: a tree thousands of folders deep made it raise RecursionError
        # (grader.sandbox.removal); this never raises, and a folder it cannot remove stays
        # rather than stopping the run.
        remove_tree(self.workdir)

"""Child processes for learner code: a zygote that forks one limited worker per submission.

The zygote is forked from the grading process right after torch is imported and before
any torch computation or reference code runs, so each worker starts in milliseconds with
torch already loaded (no second multi-second import) and no thread pool to break on fork.

A worker: new session (its own process group, killed as one), no core dumps, an address
space cap, a cap on the bytes it may write, few file descriptors, a scrubbed environment,
its own temporary directory as cwd, stdout/stderr into a capped file there, and death when
the zygote dies.  The zygote is a child subreaper: processes a submission leaves behind are
re-parented to it and killed when their worker is reaped and when grading ends.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

OUTPUT_CAP = 1 << 20  # bytes a worker may write to stdout/stderr
SHOWN_OUTPUT = 2000  # bytes of it kept for the report
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


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
    try:
        soft, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, hard))
    except (ValueError, OSError):
        pass


def _worker_process(job: socket.socket, req: dict) -> None:
    """In the forked worker: apply the limits, then serve the parent's requests."""
    os.setsid()
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
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
    sys.stdout = open(1, "w", buffering=1, closefd=False, errors="replace")
    sys.stderr = open(2, "w", buffering=1, closefd=False, errors="replace")
    sys.path.insert(0, req["submission_dir"])
    from grader import worker

    worker.main(job)


def _children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
            ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == pid:
            found.append(int(entry))
    return found


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
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
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

    def sweep() -> None:
        """Kill every child that is not a worker in use: escaped leftovers."""
        collect()
        for pid in _children_of(os.getpid()):
            if pid not in live:
                _kill_group_and(pid)
        collect()

    while True:
        try:
            msg, fds, _flags, _addr = socket.recv_fds(ctl, 1 << 16, 2)
        except OSError:
            msg, fds = b"", []
        if not msg:
            live.clear()
            sweep()
            os._exit(0)
        req = json.loads(msg)
        if req["op"] == "spawn":
            pid = os.fork()
            if pid == 0:
                try:
                    ctl.close()
                    _worker_process(socket.socket(fileno=fds[0]), req)
                finally:
                    os._exit(0)
            for fd in fds:
                os.close(fd)
            live.add(pid)
            ctl.sendall(json.dumps({"pid": pid}).encode())
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
            status = statuses.pop(pid, None)
            ctl.sendall(json.dumps({"status": status}).encode())


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

        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:
            try:
                ours.close()
                _zygote_main(theirs)
            finally:
                os._exit(0)
        theirs.close()
        self.pid = pid
        self.sock = ours
        self.closed = False
        self.lock = threading.Lock()  # class grading spawns from several threads

    def _request(self, req: dict, fds: tuple[int, ...] = ()) -> dict:
        with self.lock:
            return self._exchange(req, fds)

    def _exchange(self, req: dict, fds: tuple[int, ...]) -> dict:
        if fds:
            socket.send_fds(self.sock, [json.dumps(req).encode()], list(fds))
        else:
            self.sock.sendall(json.dumps(req).encode())
        self.sock.settimeout(30)
        reply = self.sock.recv(1 << 16)
        if not reply:
            raise RuntimeError("the grading zygote died")
        return json.loads(reply)

    def spawn(self, submission: Path, *, memory_mb: int, cpu_seconds: float) -> "WorkerHandle":
        workdir = tempfile.mkdtemp(prefix="llamaprep-")
        ours, theirs = socket.socketpair()
        try:
            reply = self._request(
                {
                    "op": "spawn",
                    "workdir": workdir,
                    "submission_dir": str(submission.resolve().parent),
                    "memory_bytes": memory_mb << 20,
                    "cpu_seconds": max(1, int(cpu_seconds) + 1),
                },
                (theirs.fileno(),),
            )
        finally:
            theirs.close()
        return WorkerHandle(pid=reply["pid"], sock=ours, workdir=Path(workdir), zygote=self)

    def reap(self, pid: int) -> ExitInfo:
        status = self._request({"op": "reap", "pid": pid}).get("status")
        if status is None:
            return ExitInfo()
        if os.WIFSIGNALED(status):
            return ExitInfo(signal=os.WTERMSIG(status))
        return ExitInfo(code=os.WEXITSTATUS(status))

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.sock.close()  # the zygote sweeps its leftovers and exits on EOF
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass

    def __enter__(self) -> "Zygote":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass
class WorkerHandle:
    pid: int
    sock: socket.socket
    workdir: Path
    zygote: Zygote
    exit: Optional[ExitInfo] = None

    def stop(self) -> ExitInfo:
        """Kill the worker (and its process group), collect how it ended, clean up."""
        if self.exit is None:
            self.sock.close()
            self.exit = self.zygote.reap(self.pid)
        return self.exit

    def output_since(self, offset: int) -> tuple[str, int]:
        """What the learner's code printed after ``offset``, truncated with a notice; never parsed."""
        path = self.workdir / "output.txt"
        try:
            size = path.stat().st_size
            with open(path, "rb") as f:
                f.seek(offset)
                data = f.read(min(SHOWN_OUTPUT, max(0, size - offset)))
        except OSError:
            return "", offset
        text = data.decode("utf-8", errors="replace")
        if size - offset > SHOWN_OUTPUT:
            text += f"\n[... output truncated: {size - offset} bytes in all, first {SHOWN_OUTPUT} shown]"
        return text, size

    def remove(self) -> None:
        shutil.rmtree(self.workdir, ignore_errors=True)

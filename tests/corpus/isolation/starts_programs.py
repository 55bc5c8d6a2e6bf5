"""Start programs around the audit hook: _posixsubprocess.fork_exec of /bin/cat on the
reference, /bin/sh, os.execv in a forked child, and a multiprocessing "spawn" interpreter
(a fresh Python without the hook)."""
import os

TARGETS = {}
attempts = {}


def _try(name, fn):
    try:
        result = fn()
        attempts[name] = "OPEN" if result else "blocked"
    except Exception as exc:  # noqa: BLE001
        attempts[name] = "blocked"


def _fork_exec(argv):
    import _posixsubprocess

    r, w = os.pipe()
    errpipe_read, errpipe_write = os.pipe()
    args = [a.encode() for a in argv]
    pid = _posixsubprocess.fork_exec(
        args, [args[0]], True, (), None, None, -1, -1, -1, w, -1, -1, errpipe_read, errpipe_write,
        False, False, -1, None, None, None, -1, None, True,
    )
    os.close(w)
    os.close(errpipe_write)
    failure = os.read(errpipe_read, 1000)
    out = os.read(r, 1000)
    os.waitpid(pid, 0)
    if failure:
        raise PermissionError(failure.decode(errors="replace")[:60])
    return out


def _exec_in_child():
    pid = os.fork()
    if pid == 0:
        try:
            os.execv("/bin/true", ["/bin/true"])
        finally:
            os._exit(99)
    _, status = os.waitpid(pid, 0)
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def _spawn_interpreter():
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    p = ctx.Process(target=os.getpid)
    p.start()
    p.join(10)
    return p.exitcode == 0


reference = (TARGETS.get("references") or ["/etc/hostname"])[0]
_try("fork-exec-cat", lambda: _fork_exec(["/bin/cat", reference]))
_try("fork-exec-sh", lambda: _fork_exec(["/bin/sh", "-c", "echo pwned"]))
_try("exec-in-child", _exec_in_child)
_try("multiprocessing-spawn", _spawn_interpreter)


def rms_norm(x, weight, eps=1e-5):
    raise RuntimeError("attempts: " + " ".join(f"{k}={v}" for k, v in sorted(attempts.items())))

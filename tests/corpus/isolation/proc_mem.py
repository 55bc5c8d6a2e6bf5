"""Write into the grader's (and the zygote's) memory through /proc/PID/mem, opened with a
dir_fd the audit hook cannot see; read their environment and file descriptors."""
import os

TARGETS = {}
attempts = {}


def _parent_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    return int(stat[stat.rindex(")") + 2:].split()[1])


def _try(name, fn):
    try:
        fn()
        attempts[name] = "OPEN"
    except Exception as exc:  # noqa: BLE001
        attempts[name] = "blocked"


zygote = os.getppid()
grader = _parent_of(zygote)
proc = os.open("/proc", os.O_RDONLY | os.O_DIRECTORY)
for who, pid in (("grader", grader), ("zygote", zygote)):
    _try(f"{who}-mem-write", lambda pid=pid: os.close(os.open(f"{pid}/mem", os.O_RDWR, dir_fd=proc)))
    _try(f"{who}-mem-read", lambda pid=pid: os.close(os.open(f"{pid}/mem", os.O_RDONLY, dir_fd=proc)))
    _try(f"{who}-environ", lambda pid=pid: os.close(os.open(f"{pid}/environ", os.O_RDONLY, dir_fd=proc)))
    _try(f"{who}-fd-reopen", lambda pid=pid: os.close(os.open(f"{pid}/fd/0", os.O_RDONLY, dir_fd=proc)))
    _try(f"{who}-fd-readlink", lambda pid=pid: os.readlink(f"{pid}/fd/0", dir_fd=proc))
    _try(f"{who}-cwd", lambda pid=pid: os.listdir(f"/proc/{pid}/cwd"))


def rms_norm(x, weight, eps=1e-5):
    raise RuntimeError("attempts: " + " ".join(f"{k}={v}" for k, v in sorted(attempts.items())))

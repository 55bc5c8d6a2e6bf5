"""SIGSTOP the grader, the zygote and every sibling worker: pidfd_send_signal (no audit
event), the C library's kill(), os.kill.  A stopped grader would never finish the run."""
import ctypes
import os
import signal
import time

TARGETS = {}
attempts = {}
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def _parent_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        stat = f.read()
    return int(stat[stat.rindex(")") + 2:].split()[1])


def _others():
    """Processes of this run (their command line names the run's folder), not this one."""
    mark = TARGETS.get("mark", "").encode()
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if mark and mark in f.read():
                        found.append(int(entry))
            except OSError:
                pass
    return found


zygote = os.getppid()
grader = _parent_of(zygote)
siblings = [p for p in _others() if p not in (grader, zygote)]
give_up = time.monotonic() + (5 if TARGETS.get("siblings_expected") else 0)
while not siblings and time.monotonic() < give_up:  # class grading: wait for a classmate's worker
    time.sleep(0.05)
    siblings = [p for p in _others() if p not in (grader, zygote)]


def _stop(pid):
    """Whether SIGSTOP reached ``pid`` by either route (pidfd_send_signal, libc kill)."""
    reached = {}
    try:
        fd = os.pidfd_open(pid)
        reached["pidfd"] = libc.syscall(ctypes.c_long(424), ctypes.c_int(fd), ctypes.c_int(signal.SIGSTOP), None, ctypes.c_uint(0)) == 0
        os.close(fd)
    except OSError:
        reached["pidfd"] = False
    reached["libc-kill"] = libc.kill(pid, signal.SIGSTOP) == 0
    return reached


for who, pid in (("grader", grader), ("zygote", zygote)):
    for route, ok in _stop(pid).items():
        attempts[f"{who}-{route}"] = "OPEN" if ok else "blocked"
reached = sum(any(_stop(pid).values()) for pid in siblings)
attempts["siblings"] = f"OPEN({reached}/{len(siblings)})" if reached else f"blocked({len(siblings)})"


def rms_norm(x, weight, eps=1e-5):
    raise RuntimeError("attempts: " + " ".join(f"{k}={v}" for k, v in sorted(attempts.items())))

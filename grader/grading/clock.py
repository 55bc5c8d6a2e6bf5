"""Time limits judged on the worker's CPU time, with a wall-clock backstop.

A busy machine stretches wall-clock time but not the CPU time a computation needs, so the
verdict ``timeout`` comes from the CPU time the worker process used during the call (all
its threads, and children it has waited for: /proc/<pid>/stat, read by the trusted
parent — the child cannot lie about it).  Code that sleeps or blocks uses no CPU; the
backstop, ``BACKSTOP`` times the CPU limit in wall-clock seconds, still ends it.
Processes the learner forks and never waits for are bounded by that backstop and by the
kernel's per-process RLIMIT_CPU.

Where /proc cannot be read (a hidepid mount), CPU time is taken to be wall-clock time: the
old, stricter rule, never a looser one.
"""

from __future__ import annotations

import os
import select
import socket
import time
from dataclasses import dataclass
from typing import Optional

BACKSTOP = 4  # wall-clock seconds allowed per CPU second of a limit
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_MIN_WAIT = 0.02  # seconds between two looks at the CPU clock, at least


def cpu_seconds(pid: int) -> Optional[float]:
    """User + system CPU time of ``pid`` (all threads, and its waited-for children), or None."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read()
        fields = data[data.rindex(b")") + 2 :].split()
        return sum(int(v) for v in fields[11:15]) / _TICK  # utime stime cutime cstime
    except (OSError, ValueError, IndexError):
        return None


@dataclass
class Overrun:
    """A limit ran out before the reply: which one, and what had been used."""

    backstop: bool  # the wall-clock backstop, not the CPU limit
    cpu: float
    wall: float


class CallClock:
    """One exchange with a worker: CPU and wall-clock time since it started."""

    def __init__(self, pid: int, cpu_limit: float, wall_limit: float):
        self.pid = pid
        self.cpu_limit = cpu_limit
        self.wall_limit = wall_limit
        self.started = time.monotonic()
        self.cpu_start = cpu_seconds(pid)

    def wall(self) -> float:
        return time.monotonic() - self.started

    def cpu(self) -> float:
        """CPU seconds used since the start (wall-clock seconds when /proc says nothing)."""
        now = cpu_seconds(self.pid) if self.cpu_start is not None else None
        return self.wall() if now is None or self.cpu_start is None else max(0.0, now - self.cpu_start)

    @property
    def wall_deadline(self) -> float:
        return self.started + self.wall_limit

    def wait(self, sock: socket.socket, alive: Optional[int]) -> Optional[Overrun]:
        """Until ``sock`` has data or the worker ended (None), or a limit ran out (Overrun).

        The CPU clock cannot run faster than the wall clock for one thread, so the next
        look at it is due no sooner than the CPU time left: a quick call costs one poll."""
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        if alive is not None:
            poller.register(alive, select.POLLIN)
        while True:
            wall_left = self.wall_limit - self.wall()
            if wall_left <= 0:
                return Overrun(backstop=True, cpu=self.cpu(), wall=self.wall())
            used = self.cpu()
            if used >= self.cpu_limit:
                return Overrun(backstop=False, cpu=used, wall=self.wall())
            wait = min(wall_left, max(self.cpu_limit - used, _MIN_WAIT))
            if poller.poll(max(1, int(wait * 1000) + 1)):
                return None

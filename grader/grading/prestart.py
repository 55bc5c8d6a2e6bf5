"""Workers started ahead of their question, in the order the questions will be graded.

A worker takes ~50 ms to be ready: the zygote's fork, the worker confining itself (moving
into its cgroups waits for the kernel), then loading the learner's file.  Little of that is
CPU time, and a grading thread used to wait through all of it at the start of every
question.  One thread here starts the next questions' workers (``Session.start_early``:
spawned and loaded, then stopped) while the grading threads grade, at most ``depth``
ahead; a grading thread claims its question's session, or makes its own when none was
started.

Nothing about the grading changes: the load is judged as the first call would judge it
(the same exchange, on the same clock, read when it ends), and a loaded worker waits for
its turn stopped (SIGSTOP), so that a thread its file started spends no CPU time meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Generic, Optional, Protocol, TypeVar


class Startable(Protocol):
    def start_early(self) -> None: ...

    def stop(self) -> None: ...


S = TypeVar("S", bound=Startable)


class Prestart(Generic[S]):
    """``make(i)`` gives the session of the i-th question to grade (None: nothing to start)."""

    def __init__(self, make: Callable[[int], Optional[S]], count: int, depth: int):
        self.make = make
        self.count = count
        self.depth = max(0, depth)
        self.ready: dict[int, Optional[S]] = {}
        self.claimed: set[int] = set()
        self.working: Optional[int] = None
        self.closed = False
        self.lock = threading.Condition()
        self.thread: Optional[threading.Thread] = None
        if self.depth and count:
            thread = threading.Thread(target=self._run, name="llamaprep-prestart", daemon=True)
            try:
                thread.start()
                self.thread = thread
            except RuntimeError:  # no thread to be had: every question starts its own worker
                pass

    def _run(self) -> None:
        for index in range(self.count):
            with self.lock:
                while not self.closed and len(self.ready) >= self.depth:  # unclaimed sessions
                    self.lock.wait()
                if self.closed:
                    return
                if index in self.claimed:  # its thread got there first
                    continue
                self.working = index
            session: Optional[S] = None
            try:
                session = self.make(index)
                if session is not None:
                    session.start_early()
            except Exception:  # noqa: BLE001 - the grading thread meets the same failure and reports it
                session = None
            with self.lock:
                self.working = None
                if index in self.claimed or self.closed:  # not wanted any more
                    if session is not None:
                        session.stop()
                else:
                    self.ready[index] = session
                self.lock.notify_all()

    def claim(self, index: int) -> Optional[S]:
        """The session started for question ``index``, or None (then the caller starts one)."""
        with self.lock:
            while self.working == index:
                self.lock.wait()
            self.claimed.add(index)
            session = self.ready.pop(index, None)
            self.lock.notify_all()
            return session

    def close(self) -> None:
        """Stop starting; stop every session started and never claimed."""
        with self.lock:
            self.closed = True
            self.lock.notify_all()
        if self.thread is not None:
            self.thread.join()
        with self.lock:
            left, self.ready = list(self.ready.values()), {}
        for session in left:
            if session is not None:
                session.stop()

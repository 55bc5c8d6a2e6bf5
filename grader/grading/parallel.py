"""Many gradings at once: one zygote shared by a pool of threads (grade, class grading, validate).

Each graded file still runs in a child of its own; the threads only wait on those children
and compute references meanwhile, so both cores stay busy.  The zygote must be started
before this process computes anything with torch or loads a reference module: a fork
would inherit torch's thread pool and the reference's code (grader.sandbox.zygote).
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Optional, TypeVar

if TYPE_CHECKING:
    from grader.sandbox.zygote import Zygote

T = TypeVar("T")
R = TypeVar("R")


@contextmanager
def sandbox(zygote: Optional[Zygote] = None, *, failed: Optional[list[Exception]] = None) -> Iterator[Optional[Zygote]]:
    """``zygote`` when given (the caller closes it), else a fresh one, closed on leaving.
    With ``failed``, a zygote that cannot start (no fork, no socket) is appended there and
    None is yielded instead of raising: the grader's failure, to report as such."""
    if zygote is not None:
        yield zygote
        return
    from grader.sandbox.zygote import Zygote

    try:
        own = Zygote()
    except Exception as exc:
        if failed is None:
            raise
        failed.append(exc)
        yield None
        return
    try:
        yield own
    finally:
        own.close()


def in_threads(work: Callable[[T], R], items: Iterable[T], workers: Optional[int] = None) -> list[R]:
    """``work`` of each item on ``workers`` threads (default: one per core, never more than
    items), results in the order of ``items``; this thread is one of them.  No other thread
    to be had: all in this thread.  ``work`` must not raise: each caller turns failures into
    results (a bug that raises anyway is re-raised here, after the other threads end).
    Items start in their order (grade_submissions puts the heaviest first).

    While the threads work, torch in this process computes on one thread: the threads and
    the children are the parallelism, and torch's own pool of one thread per core beside
    them only made the cores take turns (the reference of a 10240-token attention case
    cost twice the CPU time on two threads, racing its own child).  Python hands its lock
    to a waiting thread after 1 ms instead of 5: a reference computed as hundreds of torch
    calls takes the lock back after each, and waited out a grading thread's Python work
    every time (the 10240-token reference ran 2-8 times slower beside one busy thread).
    And glibc's malloc keeps freed blocks below 32 MiB for reuse from now on
    (grader.sandbox.heap)."""
    items = list(items)
    results: list[Any] = [None] * len(items)
    errors: list[BaseException] = []
    queue = iter(range(len(items)))
    lock = threading.Lock()

    def run() -> None:
        while not errors:
            with lock:
                index = next(queue, None)
            if index is None:
                return
            try:
                results[index] = work(items[index])
            except BaseException as exc:  # noqa: BLE001 - handed to the caller below
                errors.append(exc)

    count = max(1, min(workers or os.cpu_count() or 1, len(items)))
    from grader.sandbox import heap

    heap.settle()  # references allocate and free tensors of MiBs: no mmap and page faults for each
    with tuned_for_grading():
        threads = []
        for _ in range(count - 1):
            thread = threading.Thread(target=run, name="llamaprep-grading", daemon=True)
            try:
                thread.start()
            except RuntimeError:  # can't start new thread: fewer threads, down to this one
                break
            threads.append(thread)
        run()
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]
    return results


SWITCH_INTERVAL = 0.001  # seconds a thread may keep the interpreter lock while another waits

_tuning_lock = threading.Lock()
_tuning_users = 0
_tuning_before: tuple[int, float] = (0, 0.0)


@contextmanager
def tuned_for_grading() -> Iterator[None]:
    """torch's intra-op threads set to one and the interpreter's switch interval to
    ``SWITCH_INTERVAL`` until the outermost user leaves, then as they were.  torch's only if
    this process has imported it: gradings always have."""
    global _tuning_users, _tuning_before
    torch = sys.modules.get("torch")
    with _tuning_lock:
        if _tuning_users == 0:
            _tuning_before = (torch.get_num_threads() if torch is not None else 0, sys.getswitchinterval())
            if torch is not None:
                torch.set_num_threads(1)
            sys.setswitchinterval(min(SWITCH_INTERVAL, _tuning_before[1]))
        _tuning_users += 1
    try:
        yield
    finally:
        with _tuning_lock:
            _tuning_users -= 1
            if _tuning_users == 0:
                threads, interval = _tuning_before
                if torch is not None and threads:
                    torch.set_num_threads(threads)
                sys.setswitchinterval(interval)

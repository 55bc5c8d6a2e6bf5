"""Many gradings at once: one zygote shared by a pool of threads (grade, class grading, validate).

Each graded file still runs in a child of its own; the threads only wait on those children
and compute references meanwhile, so both cores stay busy.  The zygote must be started
before this process computes anything with torch or loads a reference module: a fork
would inherit torch's thread pool and the reference's code (grader.sandbox.zygote).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Optional, TypeVar

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
    items), results in the order of ``items``.  One worker, or no thread to be had: in this
    thread.  ``work`` must not raise: each caller turns failures into results."""
    items = list(items)
    count = max(1, min(workers or os.cpu_count() or 1, len(items)))
    if count > 1:
        try:
            with ThreadPoolExecutor(max_workers=count) as pool:
                return list(pool.map(work, items))
        except RuntimeError:  # can't start new thread: grade one at a time instead
            pass
    return [work(item) for item in items]

"""Every student's file, read into the grader's memory before any worker starts.

Class grading runs many students' code one after another; a submission that got past its
confinement (an old kernel, a misconfigured machine) could otherwise rewrite a classmate's
file between the start of the run and the moment that classmate is graded.  Reading each
file once, up front, makes what is graded the files as they were when grading began.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

_lock = threading.Lock()
_files: dict[Path, bytes] = {}


@contextmanager
def preloaded(paths: Iterable[Path], limit: int) -> Iterator[None]:
    """Read ``paths`` now (up to ``limit`` + 1 bytes each, enough to tell one too large);
    while inside, read_bytes serves them from memory."""
    taken = {}
    for path in paths:
        try:
            with open(path, "rb") as f:
                taken[path.resolve()] = f.read(limit + 1)
        except OSError:
            continue  # unreadable: the grading reports it, as without a snapshot
    with _lock:
        _files.update(taken)
    try:
        yield
    finally:
        with _lock:
            for path in taken:
                _files.pop(path, None)


def read_bytes(path: Path) -> Optional[bytes]:
    """The snapshot of ``path``, or None when it was not preloaded."""
    with _lock:
        return _files.get(path.resolve())

"""Regrade a learner's file each time they save it.

One zygote serves the whole session, so each regrade starts a worker in milliseconds
instead of importing torch again.  Changes are noticed two ways at once: filesystem
events (watchfiles) when they arrive, and a check of the file's contents every
``poll_seconds`` for filesystems where they do not (network mounts, some containers and
VMs) — so nothing needs configuring.  ``poll=True`` skips events altogether.  Saving the
same contents again (or an editor touching the file) does not regrade.

Ctrl-C raises KeyboardInterrupt out of ``watch_question``; the zygote is closed first.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Optional

from grader.bank.loader import Bank
from grader.grading.engine import grade_submissions
from grader.grading.results import QuestionResult
from grader.sandbox.zygote import Zygote

_DONE = object()


def fingerprint(path: Path) -> Optional[str]:
    """The file's contents, hashed; None while it is missing (an editor mid-rename)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _ticks_from_events(path: Path, poll_seconds: float, stop: threading.Event) -> Iterator[None]:
    """One tick per batch of events on ``path`` and at least one every ``poll_seconds``."""
    import watchfiles

    target = path.resolve()

    def mine(_change: object, changed: str) -> bool:
        return Path(changed).resolve() == target

    for _changes in watchfiles.watch(
        target.parent, watch_filter=mine, rust_timeout=int(poll_seconds * 1000), yield_on_timeout=True,
        stop_event=stop, debounce=400, step=50,
    ):
        yield


def _ticks_from_polling(poll_seconds: float, stop: threading.Event) -> Iterator[None]:
    while not stop.wait(poll_seconds):
        yield


def watch_question(
    *,
    bank: Bank,
    question_id: str,
    path: Path,
    on_grading: Callable[[], None],
    on_result: Callable[[QuestionResult, int], None],
    poll: bool = False,
    poll_seconds: float = 1.0,
    stop: Optional[threading.Event] = None,
) -> int:
    """Grade ``path`` now and after every change until ``stop`` is set (or Ctrl-C).

    Returns how many times it graded.
    """
    stop = stop or threading.Event()
    graded = 0
    last: Optional[str] = None
    with Zygote() as zygote:
        ticks = _ticks_from_polling(poll_seconds, stop) if poll else _ticks_from_events(path, poll_seconds, stop)
        pending = True  # grade once at the start
        while True:
            now = fingerprint(path)
            if pending or (now is not None and now != last):
                if now is not None:
                    on_grading()
                    report = grade_submissions(bank=bank, targets=[(question_id, path)], zygote=zygote)
                    graded += 1
                    last = now
                    pending = False
                    on_result((report.questions or report.failures)[0], graded)  # a failure shows as not graded
            if stop.is_set() or next(ticks, _DONE) is _DONE:
                return graded

"""Reading a learner's file as Python itself would, within a size limit.

Python decodes a source file by its BOM or ``# coding:`` line (PEP 263), UTF-8 otherwise,
and ignores a UTF-8 BOM; some editors save one.  A file larger than ``SOURCE_LIMIT`` is not
sent to the child at all: no answer is that large, and the learner is told the sizes
instead of seeing every case fail on a transport error.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Optional

from grader.grading import snapshot
from grader.grading.reasons import Reason, reason

SOURCE_LIMIT = 4 << 20  # bytes


def _mb(n: int) -> float:
    return round(n / (1 << 20), 1)


def read_source(path: Path) -> tuple[str, Optional[Reason]]:
    """(the source text, None) or ("", why it is not graded); OSError if unreadable.
    Class grading's snapshot (grader.grading.snapshot), when it holds the file, wins."""
    data = snapshot.read_bytes(path)
    if data is None:
        size = path.stat().st_size
        if size > SOURCE_LIMIT:
            return "", reason("file-too-large", size_mb=_mb(size), limit_mb=_mb(SOURCE_LIMIT))
        data = path.read_bytes()
    if len(data) > SOURCE_LIMIT:  # grew since the stat
        return "", reason("file-too-large", size_mb=_mb(len(data)), limit_mb=_mb(SOURCE_LIMIT))
    try:
        return importlib.util.decode_source(data), None
    except (SyntaxError, UnicodeDecodeError, LookupError):
        # An unknown coding line, or bytes invalid in the declared encoding: read as UTF-8 with
        # replacement characters, so that the child still reports the learner's errors by line.
        return data.decode("utf-8", errors="replace"), None

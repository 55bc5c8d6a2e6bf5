"""How the command's consoles write: no trailing spaces, CJK-aware wrapping.

Tables and panels pad cells and wrapped lines with spaces up to the width; in a terminal
that is invisible, but piped into a file, `grep` or an e-mail every line carries a tail of blanks.
``TrimmedStream`` drops them from every complete line (keeping colour codes), and passes a
line without its newline (a prompt, a screen clear) through unchanged when flushed.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import TextIO

_TAIL = re.compile(r"(?:[ \t]|\x1b\[[0-9;]*m)+$")
_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")


def trim(line: str) -> str:
    """``line`` without trailing blanks; colour codes among them are kept (they reset styles)."""
    match = _TAIL.search(line)
    if match is None:
        return line
    return line[: match.start()] + "".join(_ESCAPE.findall(match.group()))


class TrimmedStream:
    """A text stream over the stream ``target()`` returns at each write (so that a test's
    captured stdout, swapped in later, is the one written to)."""

    def __init__(self, target: Callable[[], TextIO]):
        self._target = target
        self._pending = ""  # the start of a line whose end has not been written yet

    def write(self, text: str) -> int:
        lines = (self._pending + text).split("\n")
        self._pending = lines.pop()
        if lines:
            self._target().write("\n".join(trim(line) for line in lines) + "\n")
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self._target().write(self._pending)
            self._pending = ""
        self._target().flush()

    def isatty(self) -> bool:
        return self._target().isatty()

    def fileno(self) -> int:
        return self._target().fileno()

    @property
    def encoding(self) -> str:
        return getattr(self._target(), "encoding", None) or "utf-8"


def setup(out) -> None:
    """Called once a command starts: ``out`` (a grader.ui.term console) writes trimmed lines
    to stdout."""
    if not isinstance(out.file, TrimmedStream):
        out.file = TrimmedStream(lambda: sys.stdout)


_rich: dict[bool, object] = {}


def rich_console(*, stderr: bool):
    """The rich console of the grading screens (one per stream): stdout's writes trimmed
    lines, and every rich Text wraps with the CJK rules (grader.ui.cjk)."""
    if stderr not in _rich:
        from rich.console import Console

        from grader.ui import cjk

        cjk.install()
        console = Console(stderr=stderr, highlight=False)
        if not stderr:
            console.file = TrimmedStream(lambda: sys.stdout)
        _rich[stderr] = console
    return _rich[stderr]

"""Where the screens are written: width from COLUMNS or the terminal, colour only in a
terminal (FORCE_COLOR forces it, NO_COLOR keeps bold and dim but drops colours, TERM=dumb
turns styles off), rich's Console's conventions."""

from __future__ import annotations

import os
import re
import shutil
import sys
from typing import Any, Optional, TextIO

from grader.ui.term.style import RESET, join, sgr
from grader.ui.term.text import Line, Text

# Control characters in what is printed (an escape in a file name, a carriage return in an
# external bank's text) would move the cursor or restyle the terminal: dropped, as rich
# drops some of them.  Tabs and newlines stay.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _printable(text: str) -> str:
    return text if text.isprintable() or not _CONTROLS.search(text) else _CONTROLS.sub("", text)


class Console:
    def __init__(self, *, stderr: bool = False, file: Optional[TextIO] = None, width: Optional[int] = None,
                 force_terminal: Optional[bool] = None, highlight: bool = False):
        self.stderr = stderr
        self._file = file
        self._width = width
        self.force_terminal = force_terminal  # True or False overrides what the stream says

    @property
    def file(self) -> TextIO:
        # looked up at each write, so that a stream swapped in later (a test's capture) is used
        return self._file or (sys.stderr if self.stderr else sys.stdout)

    @file.setter
    def file(self, stream: TextIO) -> None:
        self._file = stream

    @property
    def is_terminal(self) -> bool:
        if self.force_terminal is not None:
            return self.force_terminal
        isatty = getattr(self.file, "isatty", None)
        try:
            return bool(isatty and isatty())
        except ValueError:  # a closed stream
            return False

    @property
    def width(self) -> int:
        if self._width is not None:
            return self._width
        columns = os.environ.get("COLUMNS", "")
        if columns.strip().isdigit() and int(columns) > 0:
            return int(columns)
        if self.is_terminal:
            return shutil.get_terminal_size((80, 24)).columns
        return 80

    def _styles(self) -> tuple[bool, bool]:
        """(styles on, colours on)."""
        if os.environ.get("TERM", "") in ("dumb", "unknown"):
            return False, False
        on = bool(os.environ.get("FORCE_COLOR")) or self.is_terminal
        return on, on and not os.environ.get("NO_COLOR")

    def render(self, renderable: Any, style: Optional[str] = None, soft_wrap: bool = False) -> list[Line]:
        if isinstance(renderable, str):
            renderable = Text(renderable, style or "")
        elif style and isinstance(renderable, Text):
            renderable = renderable.copy()
            renderable.style = join(style, renderable.style)
        if soft_wrap and isinstance(renderable, Text):
            return [renderable.styled(0, len(renderable.plain))] if renderable.plain else [[]]
        return renderable.lines(self.width)

    def encode(self, line: Line, styles: Optional[tuple[bool, bool]] = None) -> str:
        on, colour = styles or self._styles()
        if not on:
            return _printable("".join(text for text, _ in line))
        out = []
        for text, style in line:
            text = _printable(text)
            code = sgr(style, colour) if style else ""
            out.append(f"{code}{text}{RESET}" if code else text)
        return "".join(out)

    def print(self, *objects: Any, style: Optional[str] = None, end: str = "\n", soft_wrap: bool = False,
              markup: Any = None, highlight: Any = None) -> None:
        """Each object on its own lines (a string is plain text: no markup is parsed)."""
        chunks, styles = [], self._styles()
        for thing in objects:
            chunks.extend(self.encode(line, styles) for line in self.render(thing, style, soft_wrap))
        self.file.write("\n".join(chunks) + end)
        self.file.flush()

    def input(self, prompt: str = "") -> str:
        self.file.write(prompt)
        self.file.flush()
        return input()

    def rule(self) -> None:
        self.print(Text("─" * self.width, "green"))

    def clear(self) -> None:
        self.file.write("\x1b[2J\x1b[H")
        self.file.flush()

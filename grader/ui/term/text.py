"""Styled text: a plain string with style spans, wrapped into lines of segments.

A line is a list of ``(text, style)`` segments; every renderable of this package turns into
such lines for a given width (``lines(width)``), and reports the narrowest and widest it can
be (``measure(width)``), which tables use to size their columns.
"""

from __future__ import annotations

from typing import Any, NamedTuple, Optional, Union

from grader.ui.term.cells import cell_len, char_width, crop
from grader.ui.term.style import join
from grader.ui.term.to_rich import RichRenderable

Segment = tuple[str, str]
Line = list[Segment]


class Span(NamedTuple):
    start: int
    end: int
    style: str


class Text(RichRenderable):
    def __init__(self, text: str = "", style: Optional[str] = "", *, no_wrap: bool = False, overflow: Optional[str] = None):
        self.plain = text
        self.style = style or ""
        self.spans: list[Span] = []
        self.no_wrap = no_wrap
        self.overflow = overflow

    def __len__(self) -> int:
        return len(self.plain)

    def __bool__(self) -> bool:
        return bool(self.plain)

    def __str__(self) -> str:
        return self.plain

    def __repr__(self) -> str:
        return f"Text({self.plain!r}, {self.style!r})"

    @classmethod
    def assemble(cls, *parts: Union[str, Text, tuple[str, str]], style: str = "") -> Text:
        text = cls(style=style)
        for part in parts:
            if isinstance(part, tuple):
                text.append(*part)
            else:
                text.append(part)
        return text

    def append(self, text: Union[str, Text], style: Optional[str] = None) -> Text:
        if isinstance(text, Text):
            return self.append_text(text)
        start = len(self.plain)
        self.plain += text
        if style and text:
            self.spans.append(Span(start, len(self.plain), style))
        return self

    def append_text(self, other: Text) -> Text:
        offset = len(self.plain)
        self.plain += other.plain
        if other.style and other.plain:
            self.spans.append(Span(offset, len(self.plain), other.style))
        self.spans.extend(Span(offset + a, offset + b, s) for a, b, s in other.spans)
        return self

    def stylize(self, style: str, start: int = 0, end: Optional[int] = None) -> None:
        end = len(self.plain) if end is None else min(end, len(self.plain))
        if style and start < end:
            self.spans.append(Span(start, end, style))

    def rstrip(self) -> None:
        self.plain = self.plain.rstrip()
        size = len(self.plain)
        self.spans = [Span(a, min(b, size), s) for a, b, s in self.spans if a < size]

    def copy(self) -> Text:
        other = Text(self.plain, self.style, no_wrap=self.no_wrap, overflow=self.overflow)
        other.spans = list(self.spans)
        return other

    # -- rendering -----------------------------------------------------------------------

    def styled(self, start: int, end: int) -> Line:
        """Segments of ``plain[start:end]`` with the styles that cover each piece."""
        if start >= end:
            return []
        if not self.spans:
            return [(self.plain[start:end], self.style)]
        cuts = {start, end}
        for a, b, _ in self.spans:
            if start < a < end:
                cuts.add(a)
            if start < b < end:
                cuts.add(b)
        bounds = sorted(cuts)
        line: Line = []
        for a, b in zip(bounds, bounds[1:]):
            style = join(self.style, *(s for sa, sb, s in self.spans if sa <= a and sb >= b))
            line.append((self.plain[a:b], style))
        return line

    def measure(self, width: int) -> tuple[int, int]:
        from grader.ui.cjk import min_width

        widest = max((cell_len(line) for line in self.plain.splitlines()), default=0)
        if self.no_wrap:
            return widest, widest
        return (min_width(self.plain) if self.plain.strip() else widest), widest

    def lines(self, width: int, *, no_wrap: Optional[bool] = None, overflow: Optional[str] = None) -> list[Line]:
        """The text wrapped to ``width`` cells: at spaces and by the CJK rules (grader.ui.cjk),
        a piece wider than the line folded ("fold") or cut with … ("ellipsis")."""
        from grader.ui.cjk import divide_line

        no_wrap = self.no_wrap if no_wrap is None else no_wrap
        overflow = overflow or self.overflow or "fold"
        width = max(1, width)
        out: list[Line] = []
        offset = 0
        for paragraph in self.plain.split("\n"):
            if no_wrap:
                pieces = [(0, len(paragraph))]
            else:
                cuts = [0, *divide_line(paragraph, width, fold=overflow == "fold"), len(paragraph)]
                pieces = list(zip(cuts, cuts[1:]))
            for a, b in pieces:
                if not no_wrap:  # a wrapped line ends at its last character, not in the spaces after it
                    b = a + len(paragraph[a:b].rstrip())
                out.extend(self._fit(offset + a, offset + b, width, overflow))
            offset += len(paragraph) + 1
        return out

    def _fit(self, start: int, end: int, width: int, overflow: str) -> list[Line]:
        """plain[start:end] as one line, or folded / cut when it is wider than ``width``."""
        piece = self.plain[start:end]
        if cell_len(piece) <= width:
            return [self.styled(start, end)]
        if overflow == "fold":
            lines, at, used = [], start, 0
            for i, char in enumerate(piece, start):
                w = char_width(char)
                if used + w > width and i > at:
                    lines.append(self.styled(at, i))
                    at, used = i, 0
                used += w
            lines.append(self.styled(at, end))
            return lines
        keep = crop(piece, width - 1 if overflow == "ellipsis" else width)
        line = self.styled(start, start + len(keep))
        if overflow == "ellipsis":
            # styled as the character it stands for, even when nothing before it fits (a heading cut to "…")
            line.append(("…", line[-1][1] if line else self.styled(start, start + 1)[0][1]))
        return [line]


def as_text(thing: Any) -> Any:
    """A string as a Text; any other renderable as it is."""
    return Text(thing) if isinstance(thing, str) else thing


def line_len(line: Line) -> int:
    return sum(cell_len(text) for text, _ in line)


def pad(line: Line, width: int, justify: str = "left", style: str = "") -> Line:
    """``line`` made ``width`` cells wide with spaces, placed by ``justify``."""
    gap = width - line_len(line)
    if gap <= 0:
        return line
    if justify == "right":
        return [(" " * gap, style), *line]
    if justify == "center":
        left = gap // 2
        return [(" " * left, style), *line, (" " * (gap - left), style)]
    return [*line, (" " * gap, style)]

"""Group, Padding and Panel: renderables made of other renderables (Table: table.py).

Every renderable has ``lines(width) -> list[Line]`` and ``measure(width) -> (min, max)``;
a plain string is a Text.
"""

from __future__ import annotations

from typing import Any, Optional

from grader.ui.term import box as boxes
from grader.ui.term.cells import cell_len, crop
from grader.ui.term.text import Line, as_text, pad
from grader.ui.term.to_rich import RichRenderable


def lines_of(renderable: Any, width: int) -> list[Line]:
    return as_text(renderable).lines(width)


def measure(renderable: Any, width: int) -> tuple[int, int]:
    lo, hi = as_text(renderable).measure(width)
    return min(lo, width), min(hi, width)


class Group(RichRenderable):
    def __init__(self, *renderables: Any):
        self.renderables = list(renderables)

    def lines(self, width: int) -> list[Line]:
        return [line for r in self.renderables for line in lines_of(r, width)]

    def measure(self, width: int) -> tuple[int, int]:
        sizes = [measure(r, width) for r in self.renderables] or [(0, 0)]
        return max(lo for lo, _ in sizes), max(hi for _, hi in sizes)


def _sides(padding) -> tuple[int, int, int, int]:
    """rich's padding forms: n, (vertical, horizontal) or (top, right, bottom, left)."""
    if isinstance(padding, int):
        return padding, padding, padding, padding
    if len(padding) == 2:
        return padding[0], padding[1], padding[0], padding[1]
    return tuple(padding)  # type: ignore[return-value]


class Padding(RichRenderable):
    def __init__(self, renderable: Any, padding=(0, 0, 0, 0), *, expand: bool = True, style: str = ""):
        self.renderable = renderable
        self.top, self.right, self.bottom, self.left = _sides(padding)
        self.expand = expand
        self.style = style

    def lines(self, width: int) -> list[Line]:
        inner = max(1, width - self.left - self.right)
        body = [[(" " * self.left, self.style), *line] if self.left else line for line in lines_of(self.renderable, inner)]
        blank: Line = [(" " * width, self.style)] if self.expand else []
        return [list(blank) for _ in range(self.top)] + body + [list(blank) for _ in range(self.bottom)]

    def measure(self, width: int) -> tuple[int, int]:
        lo, hi = measure(self.renderable, max(1, width - self.left - self.right))
        return lo + self.left + self.right, hi + self.left + self.right


class Panel(RichRenderable):
    """A box around a renderable, a title in its top border; as wide as the line unless ``expand=False``."""

    def __init__(self, renderable: Any, *, title: Optional[str] = None, title_align: str = "center",
                 border_style: str = "", expand: bool = True, box: boxes.Box = boxes.ROUNDED, padding=(0, 1)):
        self.renderable = renderable
        self.title = title
        self.title_align = title_align
        self.border_style = border_style
        self.expand = expand
        self.box = box
        _, self.pad_right, _, self.pad_left = _sides(padding)

    def _width(self, width: int) -> int:
        if self.expand:
            return width
        return min(width, measure(self.renderable, width - 2 - self.pad_left - self.pad_right)[1] + 2 + self.pad_left + self.pad_right)

    def lines(self, width: int) -> list[Line]:
        width = self._width(width)
        inner = max(1, width - 2)
        content = max(1, inner - self.pad_left - self.pad_right)
        bs = self.border_style
        left, _, _, right = self.box.mid
        out = [self._top(inner)]
        for line in lines_of(self.renderable, content):
            out.append([(left, bs), (" " * self.pad_left, ""), *pad(line, content), (" " * self.pad_right, ""), (right, bs)])
        b_left, b_horizontal, _, b_right = self.box.bottom
        out.append([(b_left + b_horizontal * inner + b_right, bs)])
        return out

    def _top(self, inner: int) -> Line:
        t_left, horizontal, _, t_right = self.box.top
        bs = self.border_style
        if not self.title:
            return [(t_left + horizontal * inner + t_right, bs)]
        title = f" {self.title} "
        if cell_len(title) > inner - 2:  # cut to leave a stroke of the border at each end
            title = crop(title, inner - 2)
            title += " " * (inner - 2 - cell_len(title))
        rest = inner - cell_len(title)
        before = 1 if self.title_align == "left" else rest - 1 if self.title_align == "right" else rest // 2
        before = max(0, min(before, rest))
        # the title wears the border's style, as in rich (stylize_before(border_style))
        return [(t_left + horizontal * before, bs), (title, bs), (horizontal * (rest - before) + t_right, bs)]

    def measure(self, width: int) -> tuple[int, int]:
        extra = 2 + self.pad_left + self.pad_right
        lo, hi = measure(self.renderable, max(1, width - extra))
        return (width, width) if self.expand else (lo + extra, hi + extra)

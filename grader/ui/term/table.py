"""Tables: columns sized from what their cells measure, the way rich sizes them, so that the
screens look as they did: columns take their widest cell when it fits; when it does not,
the widest columns that may wrap give way first, then every column evenly.
"""

from __future__ import annotations

from typing import Any, Optional

from grader.ui.term import box as boxes
from grader.ui.term.cells import cell_len
from grader.ui.term.layout import _sides, lines_of, measure
from grader.ui.term.style import join
from grader.ui.term.text import Line, Text, as_text, pad
from grader.ui.term.to_rich import RichRenderable


class Column:
    """A column's heading and options, named as rich names them (a plain class: a
    dataclass costs ~0.8 ms to define, on every command's start)."""

    def __init__(self, header: str = "", *, style: str = "", justify: str = "left", no_wrap: bool = False,
                 overflow: str = "ellipsis", width: Optional[int] = None, min_width: Optional[int] = None,
                 max_width: Optional[int] = None, ratio: Optional[int] = None):
        self.header, self.style, self.justify, self.no_wrap, self.overflow = header, style, justify, no_wrap, overflow
        self.width, self.min_width, self.max_width, self.ratio = width, min_width, max_width, ratio


class Table(RichRenderable):
    def __init__(self, *, title: Optional[str] = None, box: Optional[boxes.Box] = None, expand: bool = False,
                 pad_edge: bool = True, show_lines: bool = False, show_header: bool = True,
                 title_justify: str = "center", padding=(0, 1), collapse_padding: bool = False,
                 header_style: str = "bold", title_style: str = "italic", border_style: str = ""):
        self.title = title
        self.box = box
        self.expand = expand
        self.pad_edge = pad_edge
        self.show_lines = show_lines
        self.show_header = show_header
        self.title_justify = title_justify
        _, self.pad_right, _, self.pad_left = _sides(padding)
        self.collapse_padding = collapse_padding
        self.header_style = header_style
        self.title_style = title_style
        self.border_style = border_style
        self.columns: list[Column] = []
        self.rows: list[list[Any]] = []
        self.sections: set[int] = set()  # a rule after these rows

    @classmethod
    def grid(cls, *, padding=0, expand: bool = False) -> Table:
        """Columns without borders or headers; neighbours share their padding (one space for (0, 1))."""
        return cls(box=None, show_header=False, pad_edge=False, padding=padding, collapse_padding=True, expand=expand)

    def add_column(self, header: str = "", **options: Any) -> None:
        self.columns.append(Column(header=header, **options))

    def add_row(self, *cells: Any) -> None:
        self.rows.append(["" if c is None else c for c in cells] + [""] * (len(self.columns) - len(cells)))

    def add_section(self) -> None:
        if self.rows:
            self.sections.add(len(self.rows) - 1)

    # -- layout ----------------------------------------------------------------------------

    def _pads(self) -> list[tuple[int, int]]:
        n = len(self.columns)
        pads = []
        for i in range(n):
            left, right = self.pad_left, self.pad_right
            if self.collapse_padding and i:
                left = max(0, left - self.pad_right)  # the neighbour's right padding is the gap
            if not self.pad_edge:
                left = 0 if i == 0 else left
                right = 0 if i == n - 1 else right
            pads.append((left, right))
        return pads

    def _borders(self) -> int:
        return 0 if self.box is None else 2 + max(0, len(self.columns) - 1)

    def _cells(self, index: int) -> list[Any]:
        header = [self.columns[index].header] if self.show_header else []
        return header + [row[index] for row in self.rows]

    def _column_range(self, index: int, width: int) -> tuple[int, int]:
        col = self.columns[index]
        if col.width is not None:
            return col.width, col.width
        if self.expand and col.ratio:  # its share of the width decides, not its cells
            return col.min_width or 1, width
        lo = hi = 0
        for cell in self._cells(index):
            if col.no_wrap and isinstance(cell, (str, Text)):  # only the widest line counts
                c_hi = min(width, max(map(cell_len, str(cell).split("\n"))))
                c_lo = c_hi
            else:
                c_lo, c_hi = measure(cell, width)
            lo, hi = max(lo, c_lo), max(hi, c_hi)
        if col.no_wrap:
            lo = hi
        if col.min_width is not None:
            lo, hi = max(lo, col.min_width), max(hi, col.min_width)
        if col.max_width is not None:
            lo, hi = min(lo, col.max_width), min(hi, col.max_width)
        return lo, hi

    def _widths(self, width: int) -> list[int]:
        """Each column's content width (without padding) for a table at most ``width`` wide."""
        pads = [a + b for a, b in self._pads()]
        avail = max(len(self.columns), width - self._borders() - sum(pads))
        ranges = [self._column_range(i, avail) for i in range(len(self.columns))]
        widths = [hi for _, hi in ranges]
        if self.expand:
            ratios = [c.ratio or 0 for c in self.columns]
            if any(ratios):
                fixed = sum(w for w, r in zip(widths, ratios) if not r)
                space, total = max(0, avail - fixed), sum(ratios)
                for i, r in enumerate(ratios):
                    if r:
                        share = -(-space * r // total)  # rounded up: the first columns get the remainder
                        widths[i] = max(self.columns[i].min_width or 1, share)  # long words fold
                        space, total = space - share, total - r
            elif sum(widths) < avail:
                extra = avail - sum(widths)
                for i in range(len(widths)):
                    widths[i] += extra // len(widths) + (1 if i < extra % len(widths) else 0)
        self._shrink(widths, ranges, avail)
        return widths

    def _shrink(self, widths: list[int], ranges: list[tuple[int, int]], avail: int) -> None:
        """Narrow ``widths`` to ``avail``: an exact width gives back the cells its cells do not
        use; then the widest of the columns that may wrap give way, down to the next widest,
        and so on (rich's order, so that screens look as they did), then any other column that
        folds; if that is not enough, every column gives way evenly (cut or folded)."""
        for i, c in enumerate(self.columns):  # spare cells of an exact width cost nothing to give back
            if c.width is not None:
                used = max((measure(cell, avail)[1] for cell in self._cells(i)), default=0)
                widths[i] -= max(0, min(sum(widths) - avail, widths[i] - max(1, used)))
        wrapping = [i for i, c in enumerate(self.columns) if not c.no_wrap and c.width is None]
        while sum(widths) > avail and wrapping:
            top = max(widths[i] for i in wrapping)
            widest = [i for i in wrapping if widths[i] == top]
            below = max((widths[i] for i in wrapping if widths[i] < top), default=0)
            step = min(top - below, -(-(sum(widths) - avail) // len(widest)))
            if step <= 0 or top <= 1:
                break
            for i in widest:
                excess = sum(widths) - avail
                if excess <= 0:
                    break
                widths[i] -= min(step, excess, widths[i] - 1)
        # A column that folds loses no text (list's id goes on two lines), even one of an exact
        # width: it gives way next, down to its heading, so that a short column (a score) is not cut.
        for i, c in enumerate(self.columns):
            if c.overflow == "fold":
                floor = max(1, c.min_width or 0, cell_len(c.header))
                widths[i] -= max(0, min(sum(widths) - avail, widths[i] - floor))
        excess = sum(widths) - avail
        if excess > 0:
            left = len(widths)
            for i in range(len(widths)):  # an even share each; rounding puts the remainder last
                cut = min(widths[i] - 1, round(excess / left))
                widths[i] -= cut
                excess, left = excess - cut, left - 1
        for i, (_, hi) in enumerate(ranges):  # never wider than its widest cell, never below its min_width
            widths[i] = max(min(widths[i], max(hi, 1)), self.columns[i].min_width or 0)
        free = [i for i, c in enumerate(self.columns) if not c.min_width]
        while sum(widths) > avail and any(widths[i] > 1 for i in free):
            for i in reversed(free):  # what the minimums took back, taken evenly from the rest, last first
                if sum(widths) > avail and widths[i] > 1:
                    widths[i] -= 1
        for i in reversed(range(len(widths))):  # a console too narrow for the minimums themselves
            widths[i] -= max(0, min(sum(widths) - avail, widths[i] - 1))

    def measure(self, width: int) -> tuple[int, int]:
        extra = self._borders() + sum(a + b for a, b in self._pads())
        ranges = [self._column_range(i, width) for i in range(len(self.columns))]
        lo = sum(r[0] for r in ranges) + extra
        hi = sum(r[1] for r in ranges) + extra
        return (width, width) if self.expand else (min(lo, width), min(hi, width))

    def lines(self, width: int) -> list[Line]:
        if not self.columns:
            return []
        widths = self._widths(width)
        pads = self._pads()
        full = [w + a + b for w, (a, b) in zip(widths, pads)]
        total = sum(full) + self._borders()
        out: list[Line] = []
        if self.title:
            out.extend(pad(line, total, self.title_justify) for line in Text(self.title, self.title_style).lines(total))
        if self.box is not None:
            out.append(self._rule("top", full))
        if self.show_header:
            out.extend(self._row([c.header for c in self.columns], widths, pads, header=True))
            if self.box is not None:
                out.append(self._rule("head_row", full))
        for n, row in enumerate(self.rows):
            out.extend(self._row(row, widths, pads))
            last = n == len(self.rows) - 1
            if self.box is not None and not last and (self.show_lines or n in self.sections):
                out.append(self._rule("row", full))
        if self.box is not None:
            out.append(self._rule("bottom", full))
        return out

    def _rule(self, which: str, full: list[int]) -> Line:
        return [(self.box.line(which, full), self.border_style)]  # type: ignore[union-attr]

    def _row(self, cells: list[Any], widths: list[int], pads: list[tuple[int, int]], header: bool = False) -> list[Line]:
        rendered = []
        for col, cell, w in zip(self.columns, cells, widths):
            text = as_text(cell)
            if isinstance(text, Text):
                text = text.copy()
                text.style = join(self.header_style if header else col.style, text.style)
                lines = text.lines(w, no_wrap=col.no_wrap or None, overflow=text.overflow or col.overflow)
            else:
                lines = lines_of(text, w)
            rendered.append([pad(line, w, col.justify) for line in lines])
        height = max((len(r) for r in rendered), default=0)
        if header:  # headings sit on the rule under them
            rendered = [[[(" " * w, "")]] * (height - len(r)) + r for r, w in zip(rendered, widths)]
        left, divider, right = self.box.verticals("head" if header else "mid") if self.box else ("", "", "")
        bs = self.border_style
        out: list[Line] = []
        for y in range(height):
            line: Line = [(left, bs)] if left else []
            for i, (cell_lines, w, (a, b)) in enumerate(zip(rendered, widths, pads)):
                if i and divider:
                    line.append((divider, bs))
                line.append((" " * a, ""))
                line.extend(cell_lines[y] if y < len(cell_lines) else [(" " * w, "")])
                line.append((" " * b, ""))
            if right:
                line.append((right, bs))
            out.append(line)
        return out

"""Table and panel borders, as rich draws them: eight lines of four characters each —
top, header, under the header, mid, between rows, above the footer, footer, bottom — and
in each line the left edge, the horizontal, the divider between columns and the right edge."""

from __future__ import annotations


class Box:
    def __init__(self, drawing: str):
        (self.top, self.head, self.head_row, self.mid, self.row, self.foot_row, self.foot, self.bottom) = drawing.splitlines()

    def line(self, which: str, widths: list[int], edge: bool = True) -> str:
        """A horizontal line (``which`` is "top", "head_row", "row" or "bottom") over columns of ``widths``."""
        left, horizontal, divider, right = getattr(self, which)
        body = divider.join(horizontal * w for w in widths)
        return f"{left}{body}{right}" if edge else body

    def verticals(self, which: str = "mid") -> tuple[str, str, str]:
        left, _, divider, right = getattr(self, which)
        return left, divider, right


SIMPLE_HEAVY = Box("    \n    \n ━━ \n    \n    \n ━━ \n    \n    ")
SIMPLE_HEAD = Box("    \n    \n ── \n    \n    \n    \n    \n    ")
ROUNDED = Box("╭─┬╮\n│ ││\n├─┼┤\n│ ││\n├─┼┤\n├─┼┤\n│ ││\n╰─┴╯")

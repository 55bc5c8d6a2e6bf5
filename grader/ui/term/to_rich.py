"""Printing this package's renderables on a rich console: the grading screens stay on rich
and embed pieces the other screens share (a prompt's Markdown, a quiz question's panel)."""

from __future__ import annotations

from typing import Any


class RichRenderable:
    """rich's console protocol over ``lines(width)`` and ``measure(width)``; rich is imported
    only when a rich console asks (the screens that use it have imported it already)."""

    def __rich_console__(self, console: Any, options: Any):
        from rich.segment import Segment
        from rich.style import Style

        for line in self.lines(options.max_width):  # type: ignore[attr-defined]
            for text, style in line:
                yield Segment(text, Style.parse(style) if style else None)
            yield Segment.line()

    def __rich_measure__(self, console: Any, options: Any):
        from rich.measure import Measurement

        return Measurement(*self.measure(options.max_width))  # type: ignore[attr-defined]

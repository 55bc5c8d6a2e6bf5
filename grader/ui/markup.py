"""The little Markdown the bank's prompts use, rendered straight to grader.ui.term objects.

Prompts and explanations use paragraphs, bullet lists ("- " or "* ", continuation lines
indented), indented code lines, `inline code`, **bold** and *italic*.  rich.markdown would
render them too, but importing it (markdown-it, pygments) costs ~40 ms on every command
that shows a question — more than the rest of `practice` together.
"""

from __future__ import annotations

import re
from typing import Any

from grader.ui.term import Group, Table, Text

RenderableType = Any

# `code` first so that ** or * inside code stays literal.
_INLINE = re.compile(r"`([^`]+)`|\*\*(.+?)\*\*|(?<![\w*])\*(?!\s)([^*]+?)(?<!\s)\*(?![\w*])")
_BULLET = re.compile(r"^(\s*)[-*] +(.*)$")


def inline(text: str) -> Text:
    out = Text()
    pos = 0
    for match in _INLINE.finditer(text):
        out.append(text[pos : match.start()])
        code, bold, italic = match.groups()
        if code is not None:
            out.append(code, style="cyan")
        elif bold is not None:
            start = len(out)
            out.append_text(inline(bold))
            out.stylize("bold", start, len(out))
        else:
            out.append(italic, style="italic")
        pos = match.end()
    out.append(text[pos:])
    return out


def _paragraph(lines: list[str]) -> Text:
    return inline(" ".join(line.strip() for line in lines))


def render(text: str) -> RenderableType:
    """Paragraphs, bullet lists and indented code of ``text`` as one rich renderable."""
    blocks: list[RenderableType] = []
    bullets: list[list[str]] = []
    para: list[str] = []
    code: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(_paragraph(para))
            para.clear()
        if bullets:
            grid = Table.grid(padding=(0, 1))
            grid.add_column(no_wrap=True)
            grid.add_column(overflow="fold")
            for item in bullets:
                grid.add_row(" •", _paragraph(item))
            blocks.append(grid)
            bullets.clear()
        if code:
            blocks.append(Text("\n".join(code), style="cyan"))
            code.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        bullet = _BULLET.match(line)
        if not line.strip():
            flush()
        elif bullet and not code:
            if para:
                flush()
            bullets.append([bullet.group(2)])
        elif bullets and raw.startswith(" "):
            bullets[-1].append(line)  # a continuation of the item above
        elif raw.startswith("    ") and not para:
            if bullets:
                flush()
            code.append(line[4:])
        else:
            if bullets or code:
                flush()
            para.append(line)
    flush()
    spaced: list[RenderableType] = []
    for i, block in enumerate(blocks):
        if i:
            spaced.append(Text())
        spaced.append(block)
    return Group(*spaced)

"""Line breaking that knows Chinese: between CJK characters, never inside a Latin word.

rich breaks lines only at spaces, so a Chinese paragraph is one long "word": it is folded
cell by cell, which splits identifiers (`（Met` / `a`) and lets a line start with `，` or
`）`.  ``divide_line`` here is a drop-in for rich's (same arguments, same result: the
character offsets where new lines start) that

- breaks at spaces, and between two characters when either is a CJK (wide) one;
- keeps a run of Latin letters, digits and ASCII punctuation whole (folded only when it is
  wider than the whole line);
- applies kinsoku: no line starts with closing punctuation (，。、；：？！）」』】〉》 …) and
  none ends with an opening bracket (（「『【〈《 …); ——  and …… stay in one piece.

``install()`` makes rich use it (rich.text looks the function up at each wrap), and the
same rule for the narrowest width a text can take, so tables size CJK columns sensibly.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from grader.ui.term.cells import cell_len

# No line may start with these (closing and trailing punctuation, full- and half-width).
NO_START = set("，。、；：？！）」』】〉》〕］｝〗〙”’・…‥—～％‰℃,.;:!?)]}%·")
# No line may end with these (opening brackets and quotes).
NO_END = set("（「『【〈《〔［｛〖〘“‘([{")
# Doubled in Chinese typography (—— and ……): a pair is never split.
PAIRED = set("—…")


@lru_cache(maxsize=4096)
def is_wide(char: str) -> bool:
    """A character that Chinese text may break around: wide or full-width (CJK ideographs
    and full-width punctuation).  Curly quotes, … and — are "ambiguous" width, one cell in
    rich: a break beside them needs a wide neighbour, so `Meta’s` stays whole."""
    return unicodedata.east_asian_width(char) in ("W", "F")


def _can_break(before: str, after: str) -> bool:
    """Whether a line may end after ``before`` and the next one start with ``after``."""
    if after.isspace():
        return False  # spaces stay at the end of the line they follow
    if before.isspace():
        return True
    if not (is_wide(before) or is_wide(after)):
        return False  # inside a Latin word or identifier
    if after in NO_START or before in NO_END:
        return False
    return not (before in PAIRED and after == before)


# Where _can_break can be true: after a space, or beside a wide character (all of which are
# at U+1100 or above).  Looking only there keeps English text at regex speed.
_AFTER_SPACE = re.compile(r"(?<=\s)(?=\S)")
# Written as "not below U+1100": the range up to U+10FFFF compiles 25x slower (~25 ms on every command).
_HIGH = re.compile("[^\x00-\u10ff]")


def segments(text: str) -> list[tuple[int, int]]:
    """(start, end) of the unbreakable pieces of ``text``, each with its trailing spaces:
    it breaks before every i where _can_break(text[i - 1], text[i])."""
    if 4 * len(_HIGH.findall(text)) > len(text):  # mostly Chinese: every position is a candidate anyway
        cuts = [i for i in range(1, len(text)) if _can_break(text[i - 1], text[i])]
    else:
        found = {m.start() for m in _AFTER_SPACE.finditer(text)}
        near = {i for m in _HIGH.finditer(text) for i in (m.start(), m.start() + 1) if 0 < i < len(text)} - found
        cuts = sorted(found.union(i for i in near if _can_break(text[i - 1], text[i])))
    bounds = [0, *cuts, len(text)] if text else []
    return list(zip(bounds, bounds[1:]))


def _fold(piece: str, width: int) -> list[str]:
    """``piece`` cut into chunks of at most ``width`` cells; a cut that would start a line
    with closing punctuation moves back (the line before it is a little shorter)."""
    chunks: list[str] = []
    start, used = 0, 0
    for j, char in enumerate(piece):
        w = cell_len(char)
        if used + w > width and j > start:
            cut = j
            while cut > start + 1 and piece[cut] in NO_START:
                cut -= 1
            chunks.append(piece[start:cut])
            start, used = cut, cell_len(piece[cut:j])
        used += w
    chunks.append(piece[start:])
    return chunks


def divide_line(text: str, width: int, fold: bool = True) -> list[int]:
    """Offsets at which ``text`` breaks into lines of at most ``width`` cells (rich's contract)."""
    breaks: list[int] = []
    offset = 0  # cells used on the current line
    line_start = 0
    for start, end in segments(text):
        piece = text[start:end]
        need = cell_len(piece.rstrip())
        if offset + need <= width:
            offset += cell_len(piece)
            continue
        if need > width:  # wider than any line: fold it (or crop it, as rich does)
            if not fold:
                if start:
                    breaks.append(start)
                    line_start = start
                offset = cell_len(piece)
                continue
            if text[line_start:start].strip():
                breaks.append(start)  # it starts on a fresh line rather than mid-line
                line_start = start
            # else only an indent precedes it (a long URL under a bullet): fold it from there,
            # rather than leaving a line of blanks above it
            at = line_start
            chunks = _fold(text[line_start:end], width)
            for chunk in chunks[:-1]:
                at += len(chunk)
                breaks.append(at)
            line_start = at
            offset = cell_len(chunks[-1])
        elif start:
            breaks.append(start)
            line_start = start
            offset = cell_len(piece)
    return breaks


def wrap(text: str, width: int) -> list[str]:
    """``text`` as lines of at most ``width`` cells, without trailing spaces (for plain output)."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        cuts = [0, *divide_line(paragraph, width), len(paragraph)]
        lines.extend(paragraph[a:b].rstrip() for a, b in zip(cuts, cuts[1:]))
    return lines


def min_width(text: str) -> int:
    """The narrowest a text can be wrapped to without folding a piece."""
    widths = [cell_len(text[a:b].rstrip()) for line in text.splitlines() for a, b in segments(line)]
    return max(widths, default=0)


_installed = False


def install() -> None:
    """Make rich wrap and measure every Text with these rules (idempotent)."""
    global _installed
    if _installed:
        return
    import rich.text
    from rich.measure import Measurement

    def measure(self, console, options) -> Measurement:
        plain = self.plain
        widest = max((cell_len(line) for line in plain.splitlines()), default=0)
        return Measurement(min_width(plain) if plain.strip() else widest, widest)

    rich.text.divide_line = divide_line
    rich.text.Text.__rich_measure__ = measure
    _installed = True

"""How many terminal cells a string takes: 2 for wide (CJK) characters, 0 for combining
marks and controls, 1 otherwise — the rule terminals (and rich) follow."""

from __future__ import annotations

import unicodedata
from functools import lru_cache


@lru_cache(maxsize=8192)
def char_width(char: str) -> int:
    code = ord(char)
    if code < 0x7F:
        return 1 if code >= 0x20 else 0
    if code < 0xA0 or unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cell_len(text: str) -> int:
    if text.isascii():
        return len(text) if text.isprintable() else sum(1 for c in text if " " <= c <= "~")
    return sum(map(char_width, text))


def crop(text: str, width: int) -> str:
    """The longest start of ``text`` that fits in ``width`` cells."""
    used = 0
    for i, char in enumerate(text):
        used += char_width(char)
        if used > width:
            return text[:i]
    return text

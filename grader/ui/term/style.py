"""rich-style strings ("bold red", "dim", "cyan on black", "italic") to ANSI SGR codes."""

from __future__ import annotations

from functools import lru_cache

ATTRIBUTES = {"bold": "1", "dim": "2", "italic": "3", "underline": "4", "blink": "5", "reverse": "7", "strike": "9"}
COLOURS = {name: i for i, name in enumerate(("black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"))}


def _colour(word: str, background: bool) -> str:
    base = 40 if background else 30
    if word.startswith("bright_") and word[7:] in COLOURS:
        return str(base + 60 + COLOURS[word[7:]])
    if word in COLOURS:
        return str(base + COLOURS[word])
    return ""  # a colour this renderer does not know is left out rather than guessed


@lru_cache(maxsize=512)
def sgr(style: str, colour: bool = True) -> str:
    """The escape sequence that turns ``style`` on ("" for no style); later words win, as in
    rich ("dim" then "bold green" is dim, bold and green).  Without ``colour`` (NO_COLOR)
    only the attributes are kept."""
    attrs: dict[str, bool] = {}
    fg = bg = ""
    words = style.split()
    i = 0
    while i < len(words):
        word = words[i]
        if word == "not" and i + 1 < len(words):
            attrs[words[i + 1]] = False
            i += 2
            continue
        if word == "on" and i + 1 < len(words):
            bg = _colour(words[i + 1], True)
            i += 2
            continue
        if word in ATTRIBUTES:
            attrs[word] = True
        elif word not in ("none", "default"):
            fg = _colour(word, False) or fg
        i += 1
    codes = [ATTRIBUTES[a] for a, on in attrs.items() if on]
    if colour:
        codes += [c for c in (fg, bg) if c]
    return f"\x1b[{';'.join(codes)}m" if codes else ""


RESET = "\x1b[0m"


def join(*styles: str | None) -> str:
    """Styles applied on top of each other, as one style string."""
    return " ".join(s for s in styles if s)

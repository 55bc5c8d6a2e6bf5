"""One sanitizer for every report format: text a submission (or a student's file name) put
into a result can neither break a report nor pass for the grader's own words.

- ``clean``: free text (messages, printed output).  Terminal escape sequences go; lone
  surrogates (no UTF-8 encoder takes them: a whole JSON or JUnit report would be lost),
  noncharacters (U+FFFE, U+FFFF...: invalid XML), C0 controls but tab and newline, DEL, C1
  controls and bidirectional overrides (text that reads differently from what it is)
  become U+FFFD.  What is left is valid UTF-8, valid XML 1.0 and inert on a terminal.
- ``one_line``: a field that is one line in every report (a reason's message, an
  exception's text): ``clean``, with every line break folded to a visible `` ⏎ ``, so that
  a child's message cannot start a line of its own that passes for the grader's (a fake
  "Total: 10/10" outside the table's frame).
- ``escaped``: names (students, files).  The same characters are written as visible
  escapes (``\\x1b``, ``\\u202e``), so that two different names stay different.
- ``csv_cell``: a cell that a spreadsheet will not run as a formula.
- ``clean_tree`` / ``clean_objects``: every string of a JSON tree, or of result objects in
  place, before any renderer sees them.
"""

from __future__ import annotations

import dataclasses
import re
from enum import Enum
from typing import Any

_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NONCHARS = "\ufdd0-\ufdef\ufffe\uffff" + "".join(f"{chr(p << 16 | 0xFFFE)}{chr(p << 16 | 0xFFFF)}" for p in range(1, 17))
# Everything to replace, but tab and newline.
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARS}{_BIDI}]")
_UNSAFE_IN_NAME = re.compile(f"[\\\\\x00-\x1f\x7f-\x9f\ud800-\udfff{_NONCHARS}{_BIDI}]")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")  # fullwidth forms too


def clean(text: Any) -> str:
    """Printable, encodable, XML-safe text; tab and newline kept."""
    return _UNSAFE.sub("\ufffd", _ESCAPES.sub("", str(text)))


LINE_BREAK_MARK = " ⏎ "
_LINE_BREAKS = re.compile("\r\n|[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def one_line(text: Any) -> str:
    """``clean`` text on one line: each line break (any Unicode counts) becomes LINE_BREAK_MARK."""
    return clean(_LINE_BREAKS.sub(LINE_BREAK_MARK, str(text)))


def _escape_char(match: re.Match) -> str:
    ch = match.group(0)
    if ch == "\\":
        return "\\\\"
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def escaped(name: Any) -> str:
    """A name with every unsafe character (and the backslash) written as an escape."""
    return _UNSAFE_IN_NAME.sub(_escape_char, str(name))


def csv_cell(text: Any) -> str:
    """A CSV cell a spreadsheet will not run: a leading = + - @ (the formula starts) gets a
    quote.  Names reach it escaped already (grader.instructor.classroom): cleaned, not
    escaped twice."""
    value = clean(text)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


OUTPUT_MARK = "│ "


def framed(output: str) -> str:
    """What a submission printed, each line behind a bar: it cannot pass for a line of the
    grader's own ("Total: 10/10 — Full marks.") in any report that shows it."""
    lines = output.split("\n")
    if lines[-1] == "":  # the newline that ends the text is no line of its own
        lines.pop()
    return "\n".join(OUTPUT_MARK + line for line in lines) + ("\n" if output.endswith("\n") else "")


def clean_tree(value: Any) -> Any:
    """A JSON tree with every string (keys too) cleaned."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(k) if isinstance(k, str) else k: clean_tree(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_tree(v) for v in value]
    return value


def _text(value: Any) -> bool:
    return isinstance(value, str) and not isinstance(value, Enum)  # a status is a str enum: kept


def clean_objects(value: Any, _seen: Any = None) -> Any:
    """Clean, in place, every string held by result objects (dataclasses, their lists and
    dicts, frozen ones too); returns ``value``."""
    seen = _seen if _seen is not None else set()
    if id(value) in seen:
        return value
    seen.add(id(value))
    if isinstance(value, list):
        for i, item in enumerate(value):
            value[i] = clean(item) if _text(item) else clean_objects(item, seen)
    elif isinstance(value, dict):
        for key in list(value):
            item = value[key]
            value[key] = clean(item) if _text(item) else clean_objects(item, seen)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if _text(item):
                object.__setattr__(value, f.name, clean(item))
            else:
                clean_objects(item, seen)
    return value

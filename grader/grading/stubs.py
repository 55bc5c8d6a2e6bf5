"""The stub's own ``raise NotImplementedError`` statements, so the child can tell them apart.

A stub marks what is left to do with ``raise NotImplementedError``; a learner's file that
still raises from one of those lines is "not implemented yet".  A learner's *own*
NotImplementedError (an unsupported head_dim, say) or one raised inside a library is an
exception like any other and is reported with its message and line.  The worker compares
the raising frame of the learner's file with these (function, line) pairs.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path


def _names_not_implemented(node: ast.AST | None) -> bool:
    if isinstance(node, ast.Call):
        node = node.func
    return isinstance(node, ast.Name) and node.id == "NotImplementedError"


@lru_cache(maxsize=256)
def _raises(path: str, mtime_ns: int) -> tuple[tuple[str, str], ...]:
    try:
        source = Path(path).read_text(encoding="utf-8-sig")
        tree = ast.parse(source)
    except (OSError, UnicodeDecodeError, SyntaxError, ValueError):
        return ()
    lines = source.splitlines()
    found: list[tuple[str, str]] = []

    def visit(node: ast.AST, function: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, child.name)
            elif isinstance(child, ast.Raise) and _names_not_implemented(child.exc) and child.lineno <= len(lines):
                found.append((function, lines[child.lineno - 1].strip()))
            else:
                visit(child, function)

    visit(tree, "<module>")
    return tuple(found)


def stub_raises(path: Path) -> list[list[str]]:
    """[function name, stripped line text] of each ``raise NotImplementedError`` in the stub
    at ``path`` (none when it is missing or unreadable)."""
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        return []
    return [list(pair) for pair in _raises(str(path), mtime)]

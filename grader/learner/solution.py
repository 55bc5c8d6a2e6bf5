"""The part of a reference solution a learner may read: the entry point and what it uses.

A solution module also holds the known-mistake variants and the property checks; those
stay hidden.  We parse the file (ast, never import it: no torch, nothing runs) and keep
the imports it needs, then the entry point and, transitively, the top-level functions, classes and
constants it names — in the file's own order.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Optional

from grader.bank.loader import Bank
from grader.bank.schema import CodeQuestion

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


@dataclass
class Reference:
    question: str
    path: str
    source: str


def _defined_names(node: ast.stmt) -> list[str]:
    if isinstance(node, _DEFS):
        return [node.name]
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        return [n.id for target in targets for n in ast.walk(target) if isinstance(n, ast.Name)]
    return []


def _used_names(node: ast.stmt) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def extract_reference(source: str, entry_point: str) -> Optional[str]:
    """Source of ``entry_point`` and its top-level dependencies, or None if it is not defined."""
    tree = ast.parse(source)
    lines = source.splitlines()
    by_name: dict[str, ast.stmt] = {}
    for node in tree.body:
        for name in _defined_names(node):
            by_name[name] = node
    if entry_point not in by_name:
        return None
    keep: set[int] = set()
    todo = [by_name[entry_point]]
    while todo:
        node = todo.pop()
        if id(node) in keep:
            continue
        keep.add(id(node))
        todo.extend(by_name[n] for n in _used_names(node) if n in by_name)
    used = set().union(*(_used_names(n) for n in tree.body if id(n) in keep))
    chunks: list[str] = []
    imports = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)) and _bound_names(n) & used]
    if imports:
        chunks.append("\n".join(_segment(lines, n) for n in imports))
    for node in tree.body:
        if id(node) in keep:
            chunks.append(_segment(lines, node))
    return "\n\n\n".join(chunks) + "\n"


def _bound_names(node: ast.stmt) -> set[str]:
    """Names an import binds; imports only the hidden checks use are left out."""
    return {(a.asname or a.name).split(".")[0] for a in getattr(node, "names", [])}


def _segment(lines: list[str], node: ast.stmt) -> str:
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return "\n".join(lines[first - 1 : node.end_lineno])


def reference_of(*, bank: Bank, question_id: str) -> Reference:
    """Raises BankError (unknown id), ValueError (quiz question or entry point missing), OSError."""
    q = bank.get(question_id)
    if not isinstance(q, CodeQuestion):
        raise ValueError(f"{question_id} is not a code question")
    path = bank.solution_path(question_id)
    text = extract_reference(path.read_text(encoding="utf-8"), q.entry_point)
    if text is None:
        raise ValueError(f"{path}: defines no {q.entry_point}")
    return Reference(question=question_id, path=str(path), source=text)

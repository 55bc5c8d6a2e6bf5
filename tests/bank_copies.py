"""Copies of built-in questions in throwaway banks, for the instructor-tool tests.

A copy gets a new id (ids must not collide with the built-in bank) and may be edited as
text, the way an instructor would edit it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Optional

from grader.bank.loader import load_bank

Edit = Optional[Callable[[str], str]]


def copy_question(root: Path, qid: str = "rmsnorm-forward", new_id: str = "rmsnorm-forward-copy", *,
                  yaml_edit: Edit = None, solution_edit: Edit = None, stub_edit: Edit = None) -> Path:
    """Write ``qid`` as ``new_id`` into the bank folder ``root``; returns the YAML's path."""
    bank = load_bank()
    q = bank.get(qid)
    topic = new_id.split("-")[0]
    stem = new_id.replace("-", "_")
    qdir, sdir = root / "questions" / topic, root / "solutions" / topic
    qdir.mkdir(parents=True, exist_ok=True)
    sdir.mkdir(parents=True, exist_ok=True)
    text = bank.paths[qid].read_text(encoding="utf-8").replace(f"id: {qid}\n", f"id: {new_id}\n", 1)
    files = {
        qdir / f"{new_id}.yaml": (text, yaml_edit),
        qdir / f"{stem}.py": (bank.stub_path(qid).read_text(encoding="utf-8"), stub_edit),
        sdir / f"{stem}.py": (bank.solution_path(qid).read_text(encoding="utf-8"), solution_edit),
    }
    for path, (content, edit) in files.items():
        path.write_text(edit(content) if edit else content, encoding="utf-8")
    assert q.id == qid
    return qdir / f"{new_id}.yaml"


def fast_limits(text: str, time_limit: float = 1.0, question_limit: float = 4.0) -> str:
    """YAML edit: short time limits, so that hostile submissions cost seconds, not minutes."""
    return text.replace("grading:\n", f"grading:\n  time_limit: {time_limit}\n  question_time_limit: {question_limit}\n", 1)

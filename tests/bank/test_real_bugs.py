"""Bugs documented in public Llama implementations, each re-implemented independently in the
style of the original code (tests/corpus/real_bugs/<question>/<mistake>.py, the issue's address
in its docstring) and graded through the engine: each loses points and is named as the listed
mistake; a case may name another mistake only where the two mistakes' outputs coincide.
docs/real-bugs.md is the table of the bugs found, these and the ones no question fits."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from grader.bank.loader import load_bank
from grader.grading.engine import grade_submissions
from grader.instructor.validate import _coincide

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "real_bugs"
DOC = Path(__file__).resolve().parents[2] / "docs" / "real-bugs.md"
FILES = sorted(CORPUS.glob("*/*.py"))


def _ids(path: Path) -> tuple[str, str]:
    return path.parent.name.replace("_", "-"), path.stem.replace("_", "-")


@cache
def _solution(qid: str):
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"real_bugs_{qid.replace('-', '_')}", load_bank().solution_path(qid))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def graded(zygote):
    bank = load_bank()
    report = grade_submissions(bank=bank, targets=[(_ids(p)[0], p) for p in FILES], zygote=zygote)
    return {p: r for p, r in zip(FILES, report.questions)}


def test_every_bug_file_cites_its_source_and_names_a_listed_mistake():
    bank = load_bank()
    assert len(FILES) >= 30
    for path in FILES:
        qid, mistake = _ids(path)
        listed = {m.id for m in bank.get(qid).grading.mistakes}
        assert mistake in listed, f"{path.name}: {mistake!r} is not a mistake of {qid}"
        assert re.search(r"https://github\.com/\S+", path.read_text(encoding="utf-8")), f"{path}: no source address"


def test_the_table_lists_every_reimplemented_bug():
    table = DOC.read_text(encoding="utf-8")
    for path in FILES:
        qid, mistake = _ids(path)
        assert f"`{mistake}`" in table and qid in table, f"docs/real-bugs.md does not list {qid} {mistake}"


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_real_bug_loses_points_and_is_named(graded, path):
    bank = load_bank()
    qid, mistake = _ids(path)
    q = bank.get(qid)
    result = graded[path]
    assert result.score < result.max_score, f"{path.name} earned full marks"
    failed = [c for c in result.cases if c.status != "passed"]
    assert any(c.mistake == mistake for c in failed), [(c.name, c.status, c.mistake, c.message) for c in failed]
    fn = {m.id: m.function_name for m in q.grading.mistakes}
    for c in failed:
        if c.mistake not in (None, mistake):
            # named as another mistake only where the two listed mistakes give the same output
            assert _coincide(q, _solution(qid), c.name, fn[mistake], fn[c.mistake]), (c.name, c.mistake)

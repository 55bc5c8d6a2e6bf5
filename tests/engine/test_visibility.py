"""Visible and hidden cases: a failed visible case shows its inputs' shapes and an excerpt
of the expected value; a hidden one shows its kind of input and the error, never data."""

from __future__ import annotations

import math

import torch
from rich.console import Console

from grader.bank.schema import DEFAULT_TOLERANCES
from grader.grading.compare import compare, excerpt, shapes
from grader.grading.engine import grade_submissions
from grader.grading.results import GradeReport
from grader.ui.grade_view import grade_report

TOL = DEFAULT_TOLERANCES.__getitem__


def test_hidden_messages_state_differences_not_expected_values():
    assert "7" not in compare(5, 7, TOL) and "got 5" in compare(5, 7, TOL)
    assert "0.25" not in compare(0.5, 0.25, TOL)
    nan = compare(torch.tensor([1.0, math.nan]), torch.tensor([1.0, 0.123]), TOL)
    assert "0.123" not in nan and "index (1,)" in nan
    assert "hello" not in compare("bye", "hello", TOL)
    assert compare(True, False, TOL) == "got True, which is not the expected value"


def test_visible_messages_may_show_the_expected_value():
    assert "expected 7" in compare(5, 7, TOL, reveal=True)
    assert "0.123" in compare(torch.tensor([1.0, math.nan]), torch.tensor([1.0, 0.123]), TOL, reveal=True)


def test_excerpt_and_shapes_are_short():
    t = torch.arange(1000, dtype=torch.float32).reshape(10, 100)
    assert excerpt(t) == "float32 (10, 100) [0, 1, 2, 3, 4, 5, …]"
    assert shapes(["x", "eps"], [t, 1e-6]) == "x: float32 (10, 100); eps: 1e-06"


def test_a_wrong_submission_sees_data_only_for_visible_cases(bank, zygote, tmp_path):
    wrong = tmp_path / "rms_norm.py"
    wrong.write_text("def rms_norm(x, weight, eps=1e-5):\n    return x * weight * 2\n")
    result = grade_submissions(bank=bank, targets=[("rmsnorm-forward", wrong)], zygote=zygote).questions[0]
    visible = [c for c in result.cases if c.visible]
    hidden = [c for c in result.cases if not c.visible and c.name in {k.name for k in bank.get("rmsnorm-forward").grading.cases}]
    assert visible and hidden
    for case in visible:
        assert case.status == "failed"
        assert case.inputs == "x: float32 (2, 5, 32); weight: float32 (32,)"
        assert case.expected.startswith("float32 (2, 5, 32) [")
    for case in hidden:
        assert case.status == "failed" and case.inputs == "" and case.expected == ""
    console = Console(record=True, width=200)
    grade_report(console, GradeReport(questions=[result]), bank, "en", verbose=True)
    text = console.export_text()
    assert text.count("expected: float32 (2, 5, 32)") == len(visible)
    assert "inputs: x: float32 (2, 5, 32)" in text
    assert "hidden case" in text and "activations around 1e-4" in text

"""A reference may have an oracle beside it (grader.grading.engine.oracle_path): the function
the grader computes expected values with, when it is faster than the reference itself.  It
must be the same function: well inside the tolerance of the reference on every case."""

from __future__ import annotations

import pytest

from conftest import assert_agrees, builtin_bank, case_inputs, load_module, question, solution
from grader.grading.engine import ORACLE, oracle_path
from grader.sandbox import drivers

BANK = builtin_bank()
WITH_ORACLE = [q.id for q in BANK.questions.values() if q.kind == "code" and oracle_path(BANK.solution_path(q.id)).is_file()]


def oracle(qid: str):
    return getattr(load_module(oracle_path(BANK.solution_path(qid))), ORACLE)


def test_the_slow_question_has_one_and_the_grader_uses_it():
    from grader.grading.engine import _expected_function, load_solution

    assert "gqa-flash-attention" in WITH_ORACLE
    q = question("gqa-flash-attention")
    used = _expected_function(q, load_solution(BANK.solution_path(q.id), q.id))
    assert used.__name__ == ORACLE and used.__module__ != solution(q.id).__name__


@pytest.mark.parametrize("qid", WITH_ORACLE)
def test_the_oracle_is_the_reference_on_every_case(qid):
    q = question(qid)
    module = solution(qid)
    driver = drivers.DRIVERS[q.grading.driver]
    for case, values in case_inputs(q):
        names = list(case.args)
        expected = driver(getattr(module, q.entry_point), names, [v.clone() if hasattr(v, "clone") else v for v in values])
        fast = driver(oracle(qid), names, values)
        assert_agrees(fast, expected, q, f"{qid} / {case.name}")


def test_an_oracle_that_disagrees_fails_the_reference(tmp_path):
    """The bank's own check (every reference gets full marks) also catches an oracle that drifts."""
    import torch

    from grader.grading.compare import compare

    q = question("gqa-flash-attention")
    module = solution("gqa-flash-attention")
    case, values = case_inputs(q)[0]
    names = list(case.args)
    driver = drivers.DRIVERS[q.grading.driver]
    right = driver(getattr(module, q.entry_point), names, values)
    drifted = driver(lambda *a, **k: oracle(q.id)(*a, **k) * 1.01, names, values)
    assert compare(drifted, right, q.grading.tolerance) is not None and isinstance(right, torch.Tensor)

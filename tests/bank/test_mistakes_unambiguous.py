"""No two mistakes coincide on the case that names them: every listed mistake fails some case
where its output matches no other mistake's, so a learner who made it is named correctly there
whatever order the mistakes are listed in. (validate only requires a mistake to be named as
itself somewhere, which the first of two coinciding mistakes always is.)"""

from __future__ import annotations

import importlib.util
from functools import cache

import pytest
import torch

from grader.bank.loader import load_bank
from grader.grading.compare import compare
from grader.grading.inputs import build_args
from grader.sandbox import drivers


@cache
def bank():
    return load_bank()


def code_ids() -> list[str]:
    return sorted(qid for qid, q in bank().questions.items() if q.kind == "code" and q.grading.mistakes)


def _clone(values):
    return [v.clone() if isinstance(v, torch.Tensor) else v for v in values]


def _run(drive, fn, names, values):
    try:
        return drive(fn, names, _clone(values))
    except Exception:  # noqa: BLE001 - a variant that raises on a case names nothing there
        return None


@pytest.mark.parametrize("qid", code_ids())
def test_every_mistake_has_a_case_only_it_explains(qid):
    q = bank().get(qid)
    spec = importlib.util.spec_from_file_location(f"unambiguous_{qid.replace('-', '_')}", bank().solution_path(qid))
    solution = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(solution)
    drive = drivers.DRIVERS[q.grading.driver]
    tol = q.grading.tolerance
    alone = {m.id: False for m in q.grading.mistakes}
    for case in q.grading.cases:
        if all(alone.values()):
            break
        names, values = list(case.args), build_args(qid, case.name, case.args, case.seed)
        expected = drive(getattr(solution, q.entry_point), names, _clone(values))
        outs = {m.id: _run(drive, getattr(solution, m.function_name), names, values) for m in q.grading.mistakes}
        for mid, out in outs.items():
            if alone[mid] or out is None or compare(out, expected, tol) is None:
                continue
            alone[mid] = all(other is None or compare(out, other, tol) is not None for oid, other in outs.items() if oid != mid)
    assert all(alone.values()), f"mistakes that never fail a case alone: {[m for m, ok in alone.items() if not ok]}"

"""What every worker starts with, whatever the zygote was forked from: torch on one thread
(the grading threads and the other children are the parallelism) and no reference module."""

from __future__ import annotations

from conftest import REPO
from grader.grading.engine import grade_submissions, load_solution
from grader.sandbox.zygote import Zygote

QID = "rmsnorm-forward"
REFERENCE = (REPO / "solutions" / "rmsnorm" / "rmsnorm_forward.py").read_text()
# Correct only when the checks hold: otherwise every case fails with the reason in its message.
CHECKED = REFERENCE + '''

import sys as _sys
import torch as _torch

_correct = rms_norm


def rms_norm(*args, **kwargs):
    if _torch.get_num_threads() != 1:
        raise RuntimeError(f"torch runs on {_torch.get_num_threads()} threads in the worker")
    leaked = [name for name in _sys.modules if name.startswith("llamaprep_solution_")]
    if leaked:
        raise RuntimeError(f"the worker holds reference modules {leaked}")
    return _correct(*args, **kwargs)
'''


def test_a_worker_computes_on_one_thread_and_holds_no_reference(bank, tmp_path):
    load_solution(bank.solution_path(QID), QID)  # loaded before the zygote forks: it must not reach the worker
    path = tmp_path / "rmsnorm_forward.py"
    path.write_text(CHECKED)
    with Zygote() as zygote:
        result = grade_submissions(bank=bank, targets=[(QID, path)], zygote=zygote).questions[0]
    assert result.score == result.max_score, [(c.name, c.message) for c in result.cases if c.status != "passed"]

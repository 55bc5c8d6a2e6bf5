"""What every worker starts with, whatever the zygote was forked from: torch on one thread
(the grading threads and the other children are the parallelism), no reference module, and
glibc's malloc keeping a freed block of a few MiB for the next one (grader.sandbox.heap)."""

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


def _faults():
    with open("/proc/self/stat") as f:
        return int(f.read().rsplit(")", 1)[1].split()[7])  # minflt


def _second_block_faults():
    """Page faults of writing a 12 MiB malloc block after freeing one of the same size: 0
    when malloc kept the first; 3072 when it unmapped it (glibc's start-up thresholds)."""
    import ctypes

    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    counts = []
    for _ in range(2):
        before = _faults()
        block = libc.malloc(12 << 20)
        libc.memset(block, 1, 12 << 20)
        libc.free(block)
        counts.append(_faults() - before)
    return counts[1]


def rms_norm(*args, **kwargs):
    if _torch.get_num_threads() != 1:
        raise RuntimeError(f"torch runs on {_torch.get_num_threads()} threads in the worker")
    leaked = [name for name in _sys.modules if name.startswith("llamaprep_solution_")]
    if leaked:
        raise RuntimeError(f"the worker holds reference modules {leaked}")
    faults = _second_block_faults()
    if faults > 500:
        raise RuntimeError(f"a freed 12 MiB block was mapped afresh ({faults} page faults)")
    return _correct(*args, **kwargs)
'''


def test_a_worker_computes_on_one_thread_holds_no_reference_and_reuses_freed_blocks(bank, tmp_path):
    load_solution(bank.solution_path(QID), QID)  # loaded before the zygote forks: it must not reach the worker
    path = tmp_path / "rmsnorm_forward.py"
    path.write_text(CHECKED)
    with Zygote() as zygote:
        result = grade_submissions(bank=bank, targets=[(QID, path)], zygote=zygote).questions[0]
    assert result.score == result.max_score, [(c.name, c.message) for c in result.cases if c.status != "passed"]

"""The thread pool gradings share (grader.grading.parallel), the order it takes questions in,
malloc's thresholds (grader.sandbox.heap) and the worker's search for banned names
(grader.sandbox.worker.find_banned)."""

from __future__ import annotations

import ast
import platform
import sys
import threading

import pytest
import torch

from grader.grading import inputs
from grader.grading.engine import grading_weight
from grader.grading.parallel import SWITCH_INTERVAL, in_threads, tuned_for_grading
from grader.sandbox import heap
from grader.sandbox.worker import find_banned


def test_items_start_in_their_order_and_results_keep_it():
    ran: list[int] = []
    assert in_threads(lambda n: ran.append(n) or n * 10, [5, 4, 3, 1], workers=1) == [50, 40, 30, 10]
    assert ran == [5, 4, 3, 1]


def test_several_threads_share_the_items_and_this_thread_is_one_of_them():
    seen: set[int] = set()
    barrier = threading.Barrier(3, timeout=30)

    def work(n: int) -> int:
        seen.add(threading.get_ident())
        if n < 3:
            barrier.wait()  # three items at once: three threads, or this never returns
        return n

    assert in_threads(work, list(range(9)), workers=3) == list(range(9))
    assert threading.get_ident() in seen and len(seen) == 3


def test_no_thread_to_be_had_runs_everything_here(monkeypatch):
    def refuse(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    assert in_threads(lambda n: (n, threading.current_thread().name), [1, 2, 3], workers=3) == [
        (n, threading.current_thread().name) for n in (1, 2, 3)
    ]


def test_a_bug_in_the_work_is_raised_here_after_the_threads_end():
    def work(n: int) -> int:
        if n == 2:
            raise ValueError("bug")
        return n

    with pytest.raises(ValueError, match="bug"):
        in_threads(work, [1, 2, 3, 4], workers=2)


def test_tuned_for_grading_and_a_short_switch_interval_while_gradings_run_and_as_before_after():
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(2)
        interval = sys.getswitchinterval()
        seen = in_threads(lambda _: (torch.get_num_threads(), sys.getswitchinterval()), [0, 1, 2], workers=2)
        assert seen == [(1, min(interval, SWITCH_INTERVAL))] * 3
        assert torch.get_num_threads() == 2 and sys.getswitchinterval() == interval
        with tuned_for_grading():
            with tuned_for_grading():  # nested: only the outermost restores
                pass
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)


def test_the_heaviest_question_of_the_bank_is_graded_first(bank):
    code = [q.id for q in bank.by_topic(kind="code")]
    ordered = sorted(code, key=lambda qid: grading_weight(bank, qid), reverse=True)
    assert ordered[0] == "gqa-flash-attention"  # its 10240-token case alone outlasts most questions
    assert grading_weight(bank, "no-such-question") == (0.0, 0)
    assert grading_weight(bank, "rope-quiz-acronym") == (0.0, 0)  # a quiz: nothing to grade


@pytest.mark.parametrize(("spec", "count"), [
    ({"randn": [2, 3, 4]}, 24), ({"zeros": 5}, 5), ({"arange": [2, 10, 2]}, 4), ({"arange": 7}, 7),
    ({"randperm": 6}, 6), ({"tensor": [[1, 2], [3, 4], [5, 6]]}, 6), (3.5, 0), ([1, 2], 0),
])
def test_spec_elements_counts_what_a_spec_builds(spec, count):
    assert inputs.spec_elements(spec) == count
    if inputs.is_tensor_spec(spec):
        assert inputs.build_value(spec, torch.Generator().manual_seed(0)).numel() == count


BANNED = ["torch.nn.functional.scaled_dot_product_attention", "torch.nn.MultiheadAttention"]


@pytest.mark.parametrize(("source", "found"), [
    ("import torch\ntorch.nn.functional.scaled_dot_product_attention(q, k, v)\n", ("torch.nn.functional.scaled_dot_product_attention", 2)),
    ("def f(q):\n    return F.scaled_dot_product_attention(q, q, q)\n\nimport torch.nn.functional as F\n",  # aliased after its use
     ("torch.nn.functional.scaled_dot_product_attention", 2)),
    ("from torch.nn import MultiheadAttention as M\n", ("torch.nn.MultiheadAttention", 1)),
    ("import torch as t\nx = t.nn.MultiheadAttention.forward\n", ("torch.nn.MultiheadAttention", 2)),
    ("import numpy as np\nnp.nn.MultiheadAttention\nMultiheadAttention()\n", None),
    ("def broken(:\n", None),
])
def test_find_banned_names_the_first_banned_api_and_its_line(source, found):
    assert find_banned(source, BANNED) == found
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    assert find_banned(tree, BANNED) == found  # the tree the worker compiles gives the same answer
    assert find_banned(tree, []) is None


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_malloc_thresholds_are_set_where_glibc_settles_them():
    assert heap.settle()
    assert heap.TRIM_THRESHOLD == 2 * heap.MMAP_THRESHOLD == 64 << 20

"""The comparison's shortcut for a value exactly equal to the expected one: it passes only
what the full comparison (grader.grading.compare.difference) would pass too."""

from __future__ import annotations

import pytest
import torch

from grader.grading.compare import compared, identical

T = torch.tensor([1.5, float("inf"), -0.0, 3.0])
PAIRS = [
    (T.clone(), T, True),
    (torch.tensor([1.5, float("inf"), 0.0, 3.0]), T, True),  # -0.0 == 0.0
    (T[::2].clone(), T[::2].contiguous(), True),
    (T.double(), T, False),  # another dtype: the comparison decides (accepted dtypes, tolerances)
    (T.reshape(2, 2), T, False),
    (torch.tensor([float("nan")]), torch.tensor([float("nan")]), False),
    (torch.tensor([1, 2]), torch.tensor([1, 2]), True),
    ((T.clone(), 3), (T, 3), True),
    ([T.clone()], (T,), False),  # a list for a tuple: the comparison decides
    ({"a": T.clone(), "b": "x"}, {"a": T, "b": "x"}, True),
    ({"a": 1}, {"a": 1, "b": 2}, False),
    (True, 1, False), (1, True, False), (1, 1.0, False), (2.5, 2.5, True), (float("nan"), float("nan"), False),
    (None, None, True), ("x", "x", True), (T.clone() + 1e-7, T, False),
]


@pytest.mark.parametrize(("actual", "expected", "same"), PAIRS)
def test_identical_passes_only_what_the_comparison_passes(bank, actual, expected, same):
    assert identical(actual, expected) is same
    if same:
        assert compared(actual, expected, bank.questions["rmsnorm-forward"].grading.tolerance) is None  # the full comparison

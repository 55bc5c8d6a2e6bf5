"""Property checks: relations a correct answer satisfies beyond fixed cases.

A property is a function in a question's solution module, named in its YAML under
``grading.properties``.  It receives a seeded ``torch.Generator`` and returns a
``Property``: the calls to make (positional arguments, evaluated by the learner's code in
the child) and a judge that runs in the trusted parent on the returned values and says
what is wrong, or ``None`` when the property holds.  The judge only ever sees plain
decoded values (tensors, numbers, tuples), never the learner's objects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Optional

import torch


@dataclass(frozen=True)
class Property:
    calls: Sequence[Sequence[Any]]
    judge: Callable[[list[Any]], Optional[str]]


def greatest_difference(actual: torch.Tensor, expected: torch.Tensor) -> tuple[float, tuple[int, ...]]:
    """Largest absolute difference (in float64) and where it is."""
    diff = (actual.detach().double() - expected.detach().double()).abs()
    diff = torch.where(torch.isnan(diff), torch.full_like(diff, float("inf")), diff)
    if diff.numel() == 0:
        return 0.0, ()
    flat = int(diff.argmax())
    return float(diff.reshape(-1)[flat]), unravel(flat, tuple(diff.shape))


def unravel(flat: int, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The index of element ``flat`` of a row-major tensor of ``shape`` (plain Python: fast)."""
    index = []
    for size in reversed(shape):
        flat, i = divmod(flat, size)
        index.append(i)
    return tuple(reversed(index))


def mismatch(actual: Any, expected: torch.Tensor, *, rtol: float, atol: float, what: str) -> Optional[str]:
    """A one-line reason when ``actual`` is not a tensor close to ``expected``, else None.

    The reason is a str (its English sentence) that also carries it as data (``.reason``),
    so that the grade table can say it in the learner's language."""
    from grader.grading.reasons import ReasonText, reason

    if not isinstance(actual, torch.Tensor):
        return ReasonText(reason("property-not-a-tensor", what=what, got=type(actual).__name__))
    if tuple(actual.shape) != tuple(expected.shape):
        return ReasonText(reason("property-shape", what=what, got=list(actual.shape), expected=list(expected.shape)))
    a, e = actual.double(), expected.double()
    ok = torch.isclose(a, e, rtol=rtol, atol=atol)
    if bool(ok.all()):
        return None
    diff, index = greatest_difference(a, e)
    return ReasonText(reason("property-mismatch", what=what, value=diff, index=list(index)))


def mismatch_each(
    actual: Sequence[Any], expected: Sequence[torch.Tensor], names: Sequence[str], *, rtol: float, atol: float, what: str = "{}"
) -> Optional[str]:
    """``mismatch`` for each output of a tuple answer, in order; ``what`` formats each name."""
    for got, want, name in zip(actual, expected, names):
        problem = mismatch(got, want, rtol=rtol, atol=atol, what=what.format(name))
        if problem:
            return problem
    return None

"""Comparing a returned value with the expected one (trusted parent side).

``difference`` walks tensors, numbers and containers together and returns the first
difference as a Reason (grader/grading/reasons.py), or None when they match; ``compare``
is the same as an English sentence.  Tensors follow
``torch.testing.assert_close``: same shape, same dtype, values within the tolerance of the
expected tensor's dtype.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Optional

import torch

from grader.bank.schema import Tolerance
from grader.grading.dtypes import lower_precision
from grader.grading.reasons import Reason, reason
from grader.properties import greatest_difference, unravel
from grader.report.reasons import render
from grader.sandbox.wire import Unsupported

ToleranceFor = Callable[[str], Tolerance]


def dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def describe(value: Any) -> dict:
    """What a value is, as data for a reason (rendered by grader/report/reasons.py)."""
    if isinstance(value, torch.Tensor):
        return {"kind": "tensor", "dtype": dtype_name(value.dtype), "shape": list(value.shape)}
    if value is None:
        return {"kind": "none"}
    if isinstance(value, Unsupported):
        return {"kind": "unsupported", "what": value.what}
    return {"kind": "type", "name": type(value).__name__}


Where = tuple  # a path into the returned value: ints index outputs/elements, strs are dict keys


def _at(where: Where) -> dict:
    return {"where": list(where)} if where else {}


def tensor_difference(actual: torch.Tensor, expected: torch.Tensor, tol: Tolerance, where: Where = (), *, reveal: bool = False) -> Optional[Reason]:
    at = _at(where)
    if tuple(actual.shape) != tuple(expected.shape):
        return reason("shape-mismatch", got=list(actual.shape), expected=list(expected.shape), **at)
    if actual.dtype != expected.dtype:
        return reason("dtype-mismatch", got=dtype_name(actual.dtype), expected=dtype_name(expected.dtype), **at)
    if actual.numel() == 0:
        return None
    if not expected.dtype.is_floating_point and not expected.dtype.is_complex:
        if torch.equal(actual, expected):
            return None
        wrong = int((actual != expected).sum())
        _, index = greatest_difference(actual != expected, torch.zeros_like(expected, dtype=torch.bool))
        return reason("values-differ", count=wrong, total=expected.numel(), index=list(index), **at)
    a, e = actual.double(), expected.double()
    close = torch.isclose(a, e, rtol=tol.rtol, atol=tol.atol)
    if bool(close.all()):
        return None
    bad_nan = torch.isnan(a) & ~torch.isnan(e)
    if bool(bad_nan.any()):
        flat = int(bad_nan.reshape(-1).nonzero()[0])
        index = unravel(flat, tuple(a.shape))
        wanted = float(e.reshape(-1)[flat]) if reveal else None  # a hidden case never shows its data
        return reason("unexpected-nan", index=list(index), expected=wanted, **at)
    diff, index = greatest_difference(a, e)
    mismatched = int((~close).sum())
    return reason("max-abs-diff", value=diff, index=list(index), count=mismatched, total=close.numel(), rtol=tol.rtol, atol=tol.atol, **at)


def compare(actual: Any, expected: Any, tolerance_for: ToleranceFor, *, reveal: bool = False, accept: frozenset[str] = frozenset()) -> Optional[str]:
    """The first difference as an English sentence, or None (see ``difference``)."""
    found = difference(actual, expected, tolerance_for, reveal=reveal, accept=accept)
    return None if found is None else render(found, "en")


def identical(actual: Any, expected: Any) -> bool:
    """Whether ``actual`` is exactly ``expected``: same types, shapes and dtypes, equal values
    (NaN never, so the comparison decides).  Every tolerance accepts that, so ``difference``
    passes such a value without its float64 copies of both: a file computing what the
    reference computes, in the same order, gives bit-equal tensors."""
    if isinstance(expected, torch.Tensor):
        return (
            isinstance(actual, torch.Tensor) and actual.dtype == expected.dtype and actual.shape == expected.shape
            and bool(torch.equal(actual, expected))
        )
    if type(actual) is not type(expected):
        return False
    if isinstance(expected, (list, tuple)):
        return len(actual) == len(expected) and all(identical(a, e) for a, e in zip(actual, expected))
    if isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(identical(actual[k], expected[k]) for k in expected)
    return isinstance(expected, (bool, int, float, str, type(None))) and actual == expected


def difference(
    actual: Any, expected: Any, tolerance_for: ToleranceFor, where: Where = (), *, reveal: bool = False, accept: frozenset[str] = frozenset()
) -> Optional[Reason]:
    """The first difference, or None.  Unless ``reveal`` (a visible case), the reason
    states differences, shapes, dtypes and indices but never an expected value: a
    hidden case must not hand out its data.  ``accept``: dtype names a floating-point
    tensor may have instead of the expected one (grader/grading/dtypes.py); such a
    tensor is judged at the tolerance of the lower of the two precisions."""
    if identical(actual, expected):  # every tolerance accepts it: no float64 copies needed
        return None
    return compared(actual, expected, tolerance_for, where, reveal=reveal, accept=accept)


def compared(
    actual: Any, expected: Any, tolerance_for: ToleranceFor, where: Where = (), *, reveal: bool = False, accept: frozenset[str] = frozenset()
) -> Optional[Reason]:
    """``difference`` without its shortcut for an identical value: the comparison itself."""
    at = _at(where)
    if isinstance(expected, torch.Tensor):
        if not isinstance(actual, torch.Tensor):
            return reason("wrong-type", expected=describe(expected), got=describe(actual), **at)
        if actual.dtype != expected.dtype and expected.dtype.is_floating_point:
            if dtype_name(actual.dtype) in accept and actual.dtype.is_floating_point:
                lower = lower_precision(actual.dtype, expected.dtype)
                wide = expected.dtype if lower is actual.dtype else actual.dtype  # widening is exact
                tol = tolerance_for(dtype_name(lower))
                return tensor_difference(actual.to(wide), expected.to(wide), tol, where, reveal=reveal)
            if accept and tuple(actual.shape) == tuple(expected.shape):
                wanted = " or ".join(sorted({dtype_name(expected.dtype), *accept}))
                return reason("dtype-mismatch", got=dtype_name(actual.dtype), expected=wanted, **at)
        return tensor_difference(actual, expected, tolerance_for(dtype_name(expected.dtype)), where, reveal=reveal)
    if isinstance(expected, bool) or expected is None:
        if actual is expected or (isinstance(actual, bool) and actual == expected):
            return None
        return _mismatch(repr(expected), _got(actual), at, reveal)
    if isinstance(expected, int):
        if isinstance(actual, bool) or not isinstance(actual, int):
            return reason("not-an-integer", got=describe(actual), expected=expected if reveal else None, **at)
        if actual == expected:
            return None
        return _mismatch(str(expected), str(actual), at, reveal)
    if isinstance(expected, float):
        if isinstance(actual, bool) or not isinstance(actual, (int, float)):
            return reason("not-a-number", got=describe(actual), **at)
        tol = tolerance_for("float64")
        if math.isclose(actual, expected, rel_tol=tol.rtol, abs_tol=tol.atol):
            return None
        if reveal:
            return reason("value-mismatch", expected=f"{expected:.6g}", got=f"{actual:.6g}", **at)
        return reason("wrong-number", got=actual, rtol=tol.rtol, atol=tol.atol, **at)
    if isinstance(expected, str):
        if actual == expected:
            return None
        return _mismatch(repr(expected), _got(actual), at, reveal)
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)):
            return reason("not-a-sequence", expected_type=type(expected).__name__, length=len(expected), got=describe(actual), **at)
        if len(actual) != len(expected):
            return reason("length-mismatch", expected=len(expected), got=len(actual), **at)
        for i, (a, e) in enumerate(zip(actual, expected)):
            problem = compared(a, e, tolerance_for, (*where, i), reveal=reveal, accept=accept)
            if problem:
                return problem
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return reason("not-a-dict", got=describe(actual), **at)
        if set(actual) != set(expected):
            return reason("keys-mismatch", expected=sorted(expected), got=sorted(map(str, actual)), **at)
        for key in expected:
            problem = compared(actual[key], expected[key], tolerance_for, (*where, str(key)), reveal=reveal, accept=accept)
            if problem:
                return problem
        return None
    return None if actual == expected else reason("unexpected-value", **at)


def _mismatch(expected: str, got: Any, at: dict, reveal: bool) -> Reason:
    """A plain value that differs: shown beside the expected one only in a visible case."""
    return reason("value-mismatch", expected=expected, got=got, **at) if reveal else reason("wrong-value", got=got, **at)


def _got(value: Any) -> Any:
    """A returned plain value for a reason: its (short) repr, or the description of a
    tensor or of an object the child could only name."""
    return describe(value) if isinstance(value, (torch.Tensor, Unsupported)) else _short(value)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def excerpt(value: Any, limit: int = 6) -> str:
    """A short look at a value for a visible case: dtype, shape and its first values."""
    if isinstance(value, torch.Tensor):
        flat = value.detach().reshape(-1)[:limit]
        shown = ", ".join(f"{float(v):.4g}" if value.dtype.is_floating_point else str(int(v)) for v in flat)
        more = ", …" if value.numel() > limit else ""
        return f"{dtype_name(value.dtype)} {tuple(value.shape)} [{shown}{more}]"
    if isinstance(value, (list, tuple)):
        return "(" + "; ".join(excerpt(v, limit) for v in value[:4]) + (", …" if len(value) > 4 else "") + ")"
    if isinstance(value, dict):
        return "{" + "; ".join(f"{k}: {excerpt(v, limit)}" for k, v in list(value.items())[:4]) + "}"
    return _short(value)


def shapes(names: list[str], values: list[Any]) -> str:
    """The arguments of a visible case as ``x: float32 (2, 5, 32); eps: 1e-06``."""
    parts = []
    for name, value in zip(names, values):
        if isinstance(value, torch.Tensor):
            parts.append(f"{name}: {dtype_name(value.dtype)} {tuple(value.shape)}")
        else:
            parts.append(f"{name}: {_short(value)}")
    return "; ".join(parts)

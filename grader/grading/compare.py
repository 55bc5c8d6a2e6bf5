"""Comparing a returned value with the expected one (trusted parent side).

``compare`` walks tensors, numbers and containers together and returns a one-line reason
for the first difference, or None when they match.  Tensors follow
``torch.testing.assert_close``: same shape, same dtype, values within the tolerance of the
expected tensor's dtype.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Optional

import torch

from grader.properties import greatest_difference, unravel
from grader.bank.schema import Tolerance
from grader.sandbox.wire import Unsupported

ToleranceFor = Callable[[str], Tolerance]


def dtype_name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _describe(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        return f"a {dtype_name(value.dtype)} tensor of shape {tuple(value.shape)}"
    if value is None:
        return "None"
    if isinstance(value, Unsupported):
        return f"an object that is not plain data ({value.what})"
    return f"a {type(value).__name__}"


def compare_tensors(actual: torch.Tensor, expected: torch.Tensor, tol: Tolerance, where: str = "", *, reveal: bool = False) -> Optional[str]:
    at = f" at {where}" if where else ""
    if tuple(actual.shape) != tuple(expected.shape):
        return f"shape mismatch{at}: got {tuple(actual.shape)}, expected {tuple(expected.shape)}"
    if actual.dtype != expected.dtype:
        return f"dtype mismatch{at}: got {dtype_name(actual.dtype)}, expected {dtype_name(expected.dtype)}"
    if actual.numel() == 0:
        return None
    if not expected.dtype.is_floating_point and not expected.dtype.is_complex:
        if torch.equal(actual, expected):
            return None
        wrong = int((actual != expected).sum())
        _, index = greatest_difference(actual != expected, torch.zeros_like(expected, dtype=torch.bool))
        return f"{wrong} of {expected.numel()} values differ{at}, first at index {index}"
    a, e = actual.double(), expected.double()
    close = torch.isclose(a, e, rtol=tol.rtol, atol=tol.atol)
    if bool(close.all()):
        return None
    bad_nan = torch.isnan(a) & ~torch.isnan(e)
    if bool(bad_nan.any()):
        flat = int(bad_nan.reshape(-1).nonzero()[0])
        index = unravel(flat, tuple(a.shape))
        wanted = f"{float(e.reshape(-1)[flat]):.4g}" if reveal else "a number"
        return f"NaN{at} at index {index} where {wanted} was expected"
    diff, index = greatest_difference(a, e)
    mismatched = int((~close).sum())
    return (
        f"Greatest absolute difference {diff:.3g} at index {index}{at} "
        f"({mismatched} of {close.numel()} values outside rtol={tol.rtol:g}, atol={tol.atol:g})"
    )


def compare(actual: Any, expected: Any, tolerance_for: ToleranceFor, where: str = "", *, reveal: bool = False) -> Optional[str]:
    """The first difference, or None.  Unless ``reveal`` (a visible case), the message
    states differences, shapes, dtypes and indices but never an expected value: a
    hidden case must not hand out its data."""
    at = f" at {where}" if where else ""
    wrong = f"{at}, which is not the expected value"
    if isinstance(expected, torch.Tensor):
        if not isinstance(actual, torch.Tensor):
            return f"expected {_describe(expected)}{at}, got {_describe(actual)}"
        return compare_tensors(actual, expected, tolerance_for(dtype_name(expected.dtype)), where, reveal=reveal)
    if isinstance(expected, bool) or expected is None:
        if actual is expected or (isinstance(actual, bool) and actual == expected):
            return None
        return f"expected {expected!r}{at}, got {_short(actual)}" if reveal else f"got {_short(actual)}{wrong}"
    if isinstance(expected, int):
        if isinstance(actual, bool) or not isinstance(actual, int):
            return f"expected {f'the integer {expected}' if reveal else 'an integer'}{at}, got {_describe(actual)}"
        if actual == expected:
            return None
        return f"expected {expected}{at}, got {actual}" if reveal else f"got {actual}{wrong}"
    if isinstance(expected, float):
        if isinstance(actual, bool) or not isinstance(actual, (int, float)):
            return f"expected a number{at}, got {_describe(actual)}"
        tol = tolerance_for("float64")
        if math.isclose(actual, expected, rel_tol=tol.rtol, abs_tol=tol.atol):
            return None
        return f"expected {expected:.6g}{at}, got {actual:.6g}" if reveal else f"got {actual:.6g}{wrong} (rtol={tol.rtol:g}, atol={tol.atol:g})"
    if isinstance(expected, str):
        if actual == expected:
            return None
        return f"expected {expected!r}{at}, got {_short(actual)}" if reveal else f"got {_short(actual)}{wrong}"
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)):
            return f"expected a {type(expected).__name__} of {len(expected)} values{at}, got {_describe(actual)}"
        if len(actual) != len(expected):
            return f"expected {len(expected)} values{at}, got {len(actual)}"
        for i, (a, e) in enumerate(zip(actual, expected)):
            problem = compare(a, e, tolerance_for, f"{where}[{i}]" if where else f"output {i}", reveal=reveal)
            if problem:
                return problem
        return None
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"expected a dict{at}, got {_describe(actual)}"
        if set(actual) != set(expected):
            return f"expected keys {sorted(expected)}{at}, got {sorted(map(str, actual))}"
        for key in expected:
            problem = compare(actual[key], expected[key], tolerance_for, f"{where}.{key}" if where else key, reveal=reveal)
            if problem:
                return problem
        return None
    return None if actual == expected else f"unexpected value{at}"


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, torch.Tensor) else _describe(value)
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

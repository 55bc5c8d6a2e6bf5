"""Declarative test inputs: YAML argument specs -> seeded tensors (trusted, parent side).

A case's argument is either a plain YAML value (passed as is) or a mapping with exactly
one generator key:

    randn: SHAPE          normal(0, 1)               rand: SHAPE    uniform [low, high)
    randint: SHAPE        integers [low, high)       arange: N | [START, STOP] | [START, STOP, STEP]
    ones / zeros: SHAPE   full: SHAPE (with value)   tensor: NESTED LIST    randperm: N

and optional modifiers: dtype, scale (multiply), shift (add), low, high, value,
noncontiguous (same values, strided memory).  Random values are drawn in float32
from one generator seeded per case, then cast, so they are identical on every run.
"""

from __future__ import annotations

import math
import zlib
from typing import Any

import torch

from grader.sandbox.wire import make_noncontiguous

GENERATORS = ("randn", "rand", "randint", "arange", "ones", "zeros", "full", "tensor", "randperm")
MODIFIERS = ("dtype", "scale", "shift", "low", "high", "value", "noncontiguous")
INT_DEFAULT = ("randint", "arange", "randperm")


class InputSpecError(ValueError):
    pass


def case_seed(question_id: str, case_name: str, seed: int | None = None) -> int:
    if seed is not None:
        return seed
    return zlib.crc32(f"{question_id}/{case_name}".encode())


def is_tensor_spec(value: Any) -> bool:
    return isinstance(value, dict) and any(k in value for k in GENERATORS)


def check_spec(value: Any) -> None:
    """Raise InputSpecError when a tensor spec is malformed (used by bank validation)."""
    if not isinstance(value, dict):
        return
    gens = [k for k in value if k in GENERATORS]
    if len(gens) != 1:
        raise InputSpecError(f"a tensor spec needs exactly one of {', '.join(GENERATORS)}; got {sorted(value)}")
    unknown = [k for k in value if k not in GENERATORS and k not in MODIFIERS]
    if unknown:
        raise InputSpecError(f"unknown key(s) {', '.join(unknown)} in tensor spec; allowed: {', '.join(MODIFIERS)}")
    dtype = value.get("dtype")
    if dtype is not None and not isinstance(getattr(torch, str(dtype), None), torch.dtype):
        raise InputSpecError(f"unknown dtype {dtype!r}")
    if gens[0] == "full" and "value" not in value:
        raise InputSpecError("full needs a value")


def _shape(spec: Any) -> list[int]:
    if isinstance(spec, int):
        return [spec]
    if isinstance(spec, list) and all(isinstance(n, int) and n >= 0 for n in spec):
        return spec
    raise InputSpecError(f"shape must be a list of non-negative integers, got {spec!r}")


def spec_elements(value: Any) -> int:
    """How many elements ``value`` builds (0 for a plain value), without building it."""
    if not is_tensor_spec(value):
        return 0
    kind = next(k for k in value if k in GENERATORS)
    arg = value[kind]
    if kind == "arange":
        return len(range(*(arg if isinstance(arg, list) else [arg])))
    if kind == "randperm":
        return int(arg)
    if kind == "tensor":
        return _leaves(arg)
    return math.prod(_shape(arg))


def _leaves(nested: Any) -> int:
    return sum(_leaves(v) for v in nested) if isinstance(nested, list) else 1


def build_value(value: Any, gen: torch.Generator) -> Any:
    if not is_tensor_spec(value):
        return value
    check_spec(value)
    kind = next(k for k in value if k in GENERATORS)
    arg = value[kind]
    dtype = getattr(torch, value.get("dtype", "int64" if kind in INT_DEFAULT else "float32"))
    if kind == "randn":
        t = torch.randn(_shape(arg), generator=gen, dtype=torch.float32)
    elif kind == "rand":
        low, high = float(value.get("low", 0.0)), float(value.get("high", 1.0))
        t = torch.rand(_shape(arg), generator=gen, dtype=torch.float32) * (high - low) + low
    elif kind == "randint":
        t = torch.randint(int(value.get("low", 0)), int(value["high"]), _shape(arg), generator=gen)
    elif kind == "arange":
        bounds = arg if isinstance(arg, list) else [arg]
        t = torch.arange(*bounds, dtype=torch.int64)
    elif kind == "randperm":
        t = torch.randperm(int(arg), generator=gen)
    elif kind in ("ones", "zeros"):
        t = (torch.ones if kind == "ones" else torch.zeros)(_shape(arg), dtype=torch.float64)
    elif kind == "full":
        t = torch.full(_shape(arg), float(value["value"]), dtype=torch.float64)
    else:  # tensor
        t = torch.tensor(arg, dtype=torch.float64 if dtype.is_floating_point else dtype)
    if "scale" in value or "shift" in value:
        t = t.double() * float(value.get("scale", 1.0)) + float(value.get("shift", 0.0))
    t = t.to(dtype)
    if value.get("noncontiguous"):
        t = make_noncontiguous(t)
    return t


def build_args(question_id: str, case_name: str, args: dict[str, Any], seed: int | None = None) -> list[Any]:
    """The positional arguments of one case, in the order the YAML lists them."""
    gen = torch.Generator().manual_seed(case_seed(question_id, case_name, seed))
    return [build_value(v, gen) for v in args.values()]

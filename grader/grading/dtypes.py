"""Which output dtypes a case accepts besides the reference's (``accept_dtypes`` in the YAML).

Established implementations disagree on some output dtypes while agreeing on the values:
Meta's and Hugging Face's RMSNorm modules multiply a half-precision activation by a float32
weight and return float32, ``torch.nn.RMSNorm`` returns the input's dtype.  An author names
the conventions a case accepts; this module turns the words into dtype names for one case:

- ``expected``: the reference's own dtype (always accepted; the word is for readability);
- ``input``: the dtype of the first floating-point tensor argument;
- ``promoted``: torch's type promotion of the floating-point tensor arguments; with the
  ``module`` driver the module's own parameters count too, and they are float32 (torch's
  default dtype: the driver copies ``param_*`` values into the parameters the learner built);
- a dtype name (``float32``, ...): that dtype.

Accepted values are then compared at the tolerance of the lower of the two precisions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch


def _name(dtype: torch.dtype) -> str:
    return str(dtype).removeprefix("torch.")


def _floating_tensors(values: Iterable[Any]) -> list[torch.Tensor]:
    return [v for v in values if isinstance(v, torch.Tensor) and v.dtype.is_floating_point]


def accepted_dtypes(words: Iterable[str], values: list[Any], driver: str = "call") -> frozenset[str]:
    """The dtype names ``words`` stand for on a case whose arguments are ``values``."""
    words = list(words)
    if not words:
        return frozenset()
    tensors = _floating_tensors(values)
    found: set[str] = set()
    for word in words:
        if word == "expected":
            continue
        if word == "input":
            if tensors:
                found.add(_name(tensors[0].dtype))
        elif word == "promoted":
            dtypes = [t.dtype for t in tensors] + ([torch.get_default_dtype()] if driver == "module" else [])
            if dtypes:
                promoted = dtypes[0]
                for d in dtypes[1:]:
                    promoted = torch.promote_types(promoted, d)
                found.add(_name(promoted))
        else:
            found.add(word)
    return frozenset(found)


def lower_precision(a: torch.dtype, b: torch.dtype) -> torch.dtype:
    """Of two floating-point dtypes, the one with the coarser resolution (larger machine epsilon)."""
    return a if torch.finfo(a).eps >= torch.finfo(b).eps else b

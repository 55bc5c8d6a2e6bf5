"""How a case's arguments are applied to an entry point.

Drivers run on both sides with the same code: in the child on the learner's object, in
the parent on the reference and the mistake variants.  Keep them free of anything but
torch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch

# Taken at import, before a question's bans replace the public names in the child.
_tensor_backward = torch.Tensor.backward


def call(entry: Callable, names: list[str], values: list[Any]) -> Any:
    return entry(*values)


def module(entry: Callable, names: list[str], values: list[Any]) -> Any:
    """Construct, load parameters, forward, and backward when ``grad_out`` is given.

    Args before ``x`` go to the constructor by name; ``param_<name>`` args are copied
    into the module's parameter (or attribute) ``<name>``.
    """
    args = dict(zip(names, values))
    if "x" not in args:
        raise ValueError("the module driver needs an argument named x")
    init = {}
    for name in names:
        if name == "x":
            break
        init[name] = args[name]
    mod = entry(**init)
    with torch.no_grad():
        for name, value in args.items():
            if name.startswith("param_"):
                getattr(mod, name.removeprefix("param_")).copy_(value)
    x = args["x"].detach().requires_grad_(True)  # keeps the strides of a non-contiguous input
    out = mod(x)
    grad_out = args.get("grad_out")
    if grad_out is not None and isinstance(out, torch.Tensor) and out.requires_grad:
        # Same gradients, bit for bit, as backward(grad_out) — d sum(out * g) / d out is g
        # exactly — without the path of torch that imports sympy (~0.4 s) on first use.
        _tensor_backward((out * grad_out).sum())
    params = dict(mod.named_parameters())
    return {
        "output": out.detach() if isinstance(out, torch.Tensor) else out,
        "grad_x": x.grad,
        "grads": {name: p.grad for name, p in sorted(params.items())},
        "parameters": sorted(params),
    }


DRIVERS = {"call": call, "module": module}

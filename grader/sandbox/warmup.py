"""One-time lazy initialisation of torch, done in the zygote before it forks workers.

Each worker is forked from the zygote, so whatever torch sets up on first use (the
autograd engine's Python side, dtype kernels) is paid once here, in parallel with the
parent's own work, instead of once per question in every worker.  Single-threaded: the
zygote must not start an intra-op thread pool before it forks.
"""

from __future__ import annotations


def warm_torch() -> None:
    import torch
    import torch.nn.functional  # noqa: F401 - loaded here once, so every forked worker has it

    torch.set_num_threads(1)
    x = torch.randn(2, 3, 4, requires_grad=True)
    module = torch.nn.Linear(4, 4)  # a module's forward and backward, as the module driver does
    y = module(x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5))
    (torch.softmax(y @ y.transpose(-1, -2), dim=-1) * torch.ones(2, 3, 3)).sum().backward()
    for dtype in (torch.float16, torch.bfloat16, torch.float64):
        a = torch.randn(2, 4, 4).to(dtype)
        torch.softmax((a @ a.transpose(-1, -2)).float(), -1).to(dtype)
    torch.view_as_real(torch.polar(torch.ones(2, 2), torch.zeros(2, 2)) * torch.view_as_complex(torch.randn(2, 2, 2)))
    torch.randn(3, 4).repeat_interleave(2, dim=0).reshape(-1).view(torch.uint8).numpy()

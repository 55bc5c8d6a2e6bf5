import torch

from grader.properties import Property, mismatch_each


def _rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    # x: (..., dim), weight: (dim,)
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).type_as(x) * weight


def add_rms_norm(
    x: torch.Tensor, residual: torch.Tensor, weight: torch.Tensor, eps: float = 1e-5
) -> tuple[torch.Tensor, torch.Tensor]:
    """Equivalent to: h = x + residual; return rms_norm(h, weight, eps), h"""
    # x, residual: (..., dim), weight: (dim,)
    h = x + residual  # (..., dim), x.dtype: the stream the next block adds to
    return _rms_norm(h, weight, eps), h


# Known mistakes: same signature, each wrong in one named way.

def mistake_returns_old_residual(x, residual, weight, eps=1e-5):
    return _rms_norm(x + residual, weight, eps), residual


def mistake_normalises_x_only(x, residual, weight, eps=1e-5):
    return _rms_norm(x, weight, eps), x + residual


def mistake_residual_kept_in_float32(x, residual, weight, eps=1e-5):
    h = x.float() + residual.float()
    return (h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + eps)).type_as(x) * weight, h


def mistake_no_float32_upcast(x, residual, weight, eps=1e-5):
    h = x + residual
    return h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + eps) * weight, h  # h**2 overflows in float16


# Properties.

def prop_symmetric_in_x_and_residual(gen: torch.Generator) -> Property:
    x = torch.randn(2, 6, 64, generator=gen)
    residual = torch.randn(2, 6, 64, generator=gen) * 3.0 + 0.5
    weight = torch.randn(64, generator=gen) * 0.5 + 1.0
    calls = [(x, residual, weight, 1e-5), (residual, x, weight, 1e-5)]

    def judge(outputs: list) -> str | None:
        if any(not isinstance(out, (tuple, list)) or len(out) != 2 for out in outputs):
            return "expected a pair (normed, new_residual)"
        # Anchor on the true answer, so that a constant output cannot pass.
        names = ("normed", "new_residual")
        problem = mismatch_each(outputs[0], add_rms_norm(x, residual, weight, 1e-5), names, rtol=1e-4, atol=1e-5)
        if problem:
            return problem
        # Only the sum x + residual matters: swapping the two changes nothing.
        return mismatch_each(outputs[1], outputs[0], names, rtol=1e-6, atol=1e-6, what="{} with x and residual swapped")

    return Property(calls=calls, judge=judge)

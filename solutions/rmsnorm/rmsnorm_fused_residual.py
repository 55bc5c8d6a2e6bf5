import torch

from grader.properties import Property, mismatch


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
        expected = add_rms_norm(x, residual, weight, 1e-5)
        for i, name in enumerate(("normed", "new_residual")):
            problem = mismatch(outputs[0][i], expected[i], rtol=1e-4, atol=1e-5, what=name)
            if problem:
                return problem
        # Only the sum x + residual matters: swapping the two changes nothing.
        for i, name in enumerate(("normed", "new_residual")):
            problem = mismatch(outputs[1][i], outputs[0][i], rtol=1e-6, atol=1e-6, what=f"{name} with x and residual swapped")
            if problem:
                return problem
        return None

    return Property(calls=calls, judge=judge)

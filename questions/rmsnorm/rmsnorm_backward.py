import torch


def rms_norm_backward(
    x: torch.Tensor, weight: torch.Tensor, grad_out: torch.Tensor, eps: float = 1e-5
) -> tuple[torch.Tensor, torch.Tensor]:
    # x, grad_out: (..., dim), weight: (dim,)  ->  grad_x (..., dim) x.dtype, grad_weight (dim,) weight.dtype
    # TODO: differentiate y = x / sqrt(mean(x**2) + eps) * weight by hand (in float32); no autograd
    raise NotImplementedError

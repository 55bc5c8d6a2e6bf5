import torch


def add_rms_norm(
    x: torch.Tensor, residual: torch.Tensor, weight: torch.Tensor, eps: float = 1e-5
) -> tuple[torch.Tensor, torch.Tensor]:
    # x, residual: (..., dim), weight: (dim,)  ->  normed (..., dim), new_residual (..., dim), both x.dtype
    # TODO: add first, keep the sum as the new residual, then RMS-normalise the sum as Llama does
    raise NotImplementedError

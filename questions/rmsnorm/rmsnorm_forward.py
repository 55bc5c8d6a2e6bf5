import torch


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    # x: (..., dim), weight: (dim,)  ->  (..., dim), x.dtype
    # TODO: divide by the root mean square over the last dim (in float32), cast back, times weight
    raise NotImplementedError

import torch


class RMSNorm(torch.nn.Module):
    def __init__(self, dim: int, eps: float = 1e-5):
        super().__init__()
        # TODO: keep eps; register the learned gain `weight` (dim,), initialised to ones
        raise NotImplementedError

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (..., dim) -> (..., dim), x.dtype
        # TODO: divide by the root mean square over the last dim (in float32), cast back, times weight
        raise NotImplementedError

import torch


def position_interpolation(
    positions: torch.Tensor, head_dim: int, factor: float, base: float = 10000.0
) -> tuple[torch.Tensor, torch.Tensor]:
    # positions: (n,) int64  ->  (cos, sin), each float32 (n, head_dim // 2)
    # TODO: RoPE's angles at the interpolated positions m / factor (linear position interpolation)
    raise NotImplementedError

import torch


def yarn_parameters(
    inv_freq: torch.Tensor,
    factor: float,
    original_max_positions: int,
    alpha: float = 1.0,
    beta: float = 32.0,
) -> tuple[torch.Tensor, float]:
    # inv_freq: (head_dim // 2,) float32 or float64  ->  (scaled inv_freq, same shape and dtype; attention factor)
    # TODO: r = L / wavelength; ramp gamma(r) from alpha to beta; blend f / factor and f; 0.1 ln(factor) + 1
    raise NotImplementedError

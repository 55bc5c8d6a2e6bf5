import torch


def llama3_scale_inv_freq(
    inv_freq: torch.Tensor,
    factor: float = 8.0,
    low_freq_factor: float = 1.0,
    high_freq_factor: float = 4.0,
    original_max_positions: int = 8192,
) -> torch.Tensor:
    # inv_freq: (head_dim // 2,) float32 or float64  ->  same shape and dtype
    # TODO: keep short wavelengths, divide long ones by factor, blend in between
    raise NotImplementedError

import torch


def ntk_inv_freq(
    head_dim: int,
    base: float,
    factor: float,
    seq_len: int | None = None,
    original_max_positions: int | None = None,
) -> torch.Tensor:
    # -> (head_dim // 2,) float32 frequencies 1 / base' ** (2i / head_dim)
    # TODO: base' = base * s ** (head_dim / (head_dim - 2)), s = factor (static) or the dynamic scale
    raise NotImplementedError

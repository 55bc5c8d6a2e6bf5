import torch


def apply_rope_half(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    # x: (batch, seq, heads, head_dim), positions: (seq,) int64  ->  (batch, seq, heads, head_dim), x.dtype
    # TODO: rotate each pair (i, i + head_dim/2) by positions[m] * base ** (-2i / head_dim)
    raise NotImplementedError

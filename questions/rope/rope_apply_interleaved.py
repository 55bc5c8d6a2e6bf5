import torch


def apply_rope_interleaved(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    # x: (batch, seq, heads, head_dim), positions: (seq,) int64  ->  (batch, seq, heads, head_dim), x.dtype
    # TODO: rotate each adjacent pair (2i, 2i+1) by positions[m] * base ** (-2i / head_dim), in float32
    raise NotImplementedError

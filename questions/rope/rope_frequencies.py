import torch


def rope_frequencies(head_dim: int, max_positions: int, base: float = 10000.0) -> tuple[torch.Tensor, torch.Tensor]:
    # -> (cos, sin), each float32 (max_positions, head_dim // 2)
    # TODO: angle[m, i] = m * base ** (-2i / head_dim); return its cos and sin
    raise NotImplementedError

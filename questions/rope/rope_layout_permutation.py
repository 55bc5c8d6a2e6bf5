import torch


def interleaved_to_half_permutation(head_dim: int) -> torch.Tensor:
    # -> perm: (head_dim,) int64, with apply_rope_half(x[..., perm], p) == apply_rope_interleaved(x, p)[..., perm]
    # TODO: new dim k holds old dim perm[k]
    raise NotImplementedError

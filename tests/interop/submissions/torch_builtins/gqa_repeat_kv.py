"""torch.repeat_interleave on the heads dim (dim 2 in Meta's layout)."""
import torch


def repeat_kv(x, n_rep):
    return torch.repeat_interleave(x, n_rep, dim=2)

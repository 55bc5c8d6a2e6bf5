"""nanochat#264: frequencies for Meta's adjacent pairs (2i, 2i+1), rotation by halves (i, i + d/2)
with no permutation.
https://github.com/karpathy/nanochat/issues/264"""
import torch


def apply_rope_interleaved(x, positions, base=10000.0):
    d = x.shape[-1]
    freqs = torch.outer(positions.float(), 1.0 / (base ** (torch.arange(0, d, 2).float() / d)))
    cos, sin = freqs.cos()[None, :, None, :], freqs.sin()[None, :, None, :]
    x1, x2 = x.float()[..., : d // 2], x.float()[..., d // 2 :]
    y1 = x1 * cos + x2 * sin * -1
    y2 = x1 * sin + x2 * cos
    return torch.cat([y1, y2], dim=-1).type_as(x)

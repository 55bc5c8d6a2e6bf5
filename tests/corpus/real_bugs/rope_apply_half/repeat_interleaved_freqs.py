"""how-to-train-your-gpt#6: frequencies duplicated with repeat_interleave (adjacent pairs) but
rotated with the split-half rotate_half.
https://github.com/raiyanyahya/how-to-train-your-gpt/issues/6"""
import torch


def apply_rope_half(x, positions, base=10000.0):
    dim = x.shape[-1]
    freqs = torch.outer(positions.float(), 1.0 / (base ** (torch.arange(0, dim, 2).float() / dim)))
    emb = freqs.repeat_interleave(2, dim=-1)  # [t0, t0, t1, t1, ...]
    x1, x2 = x.float()[..., : dim // 2], x.float()[..., dim // 2 :]
    rotated = torch.cat([-x2, x1], dim=-1)
    return (x.float() * emb.cos()[None, :, None] + rotated * emb.sin()[None, :, None]).type_as(x)

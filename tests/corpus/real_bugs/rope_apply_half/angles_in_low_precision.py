"""gpt-neox#1003 / transformers#29285: inv_freq (a buffer cast with the model) and the positions
in half precision, so the angles m * theta lose their precision.
https://github.com/EleutherAI/gpt-neox/issues/1003"""
import torch


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


def apply_rope_half(x, positions, base=10000.0):
    dim = x.shape[-1]
    inv_freq = (1.0 / (base ** (torch.arange(0, dim, 2).float() / dim))).to(x.dtype)  # model.half()
    t = positions.type_as(inv_freq)
    freqs = torch.einsum("i,j->ij", t, inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[None, :, None, :], emb.sin()[None, :, None, :]
    return x * cos + rotate_half(x) * sin

"""xformers#841 / open_lm#4: the rotary tables built along seq_dimension=-2, which in a
(batch, seq, heads, head_dim) tensor is the heads.
https://github.com/facebookresearch/xformers/issues/841"""
import torch


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


def apply_rope_half(x, positions, base=10000.0):
    dim = x.shape[-1]
    inv_freq = 1.0 / (base ** (torch.arange(0, dim, 2).float() / dim))
    t = torch.arange(x.shape[-2]).type_as(inv_freq)  # seq_dimension=-2: the heads here
    freqs = torch.einsum("i,j->ij", t, inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos()[None, None, :, :], emb.sin()[None, None, :, :]
    xf = x.float()
    return (xf * cos + rotate_half(xf) * sin).type_as(x)

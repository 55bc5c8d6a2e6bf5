"""mlx-vlm#1983: positions built as arange(seq_len) with no cache offset, so every decoded token
sits at position 0.
https://github.com/Blaizzy/mlx-vlm/issues/1983"""
import torch


def apply_rope_half(x, positions, base=10000.0):
    seq, dim = x.shape[1], x.shape[-1]
    position_ids = torch.arange(seq)  # ignores the offset of a decode step or a later chunk
    freqs = position_ids[:, None].float() * (1.0 / base ** (torch.arange(0, dim, 2).float() / dim))
    emb = torch.cat((freqs, freqs), dim=-1)
    xf = x.float()
    rot = torch.cat((-xf[..., dim // 2 :], xf[..., : dim // 2]), dim=-1)
    return (xf * emb.cos()[None, :, None] + rot * emb.sin()[None, :, None]).type_as(x)

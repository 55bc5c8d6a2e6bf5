"""executorch#2010: with a KV cache the rotary table must be sliced at start_pos:start_pos + seqlen;
it was sliced from 0.
https://github.com/pytorch/executorch/pull/2010"""
import torch


def apply_rope_interleaved(x, positions, base=10000.0):
    d, seqlen = x.shape[-1], x.shape[1]
    theta = 1.0 / (base ** (torch.arange(0, d, 2)[: d // 2].float() / d))
    table = torch.polar(torch.ones(8192, d // 2), torch.outer(torch.arange(8192).float(), theta))
    freqs_cis = table[:seqlen]  # should be table[positions]
    x_c = torch.view_as_complex(x.float().reshape(*x.shape[:-1], -1, 2))
    return torch.view_as_real(x_c * freqs_cis[None, :, None, :]).flatten(3).type_as(x)

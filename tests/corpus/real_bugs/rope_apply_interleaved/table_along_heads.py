"""open_lm#4: rotary embedding applied along dim -2 of (batch, seq, heads, head_dim), the heads.
https://github.com/mlfoundations/open_lm/issues/4"""
import torch


def apply_rope_interleaved(x, positions, base=10000.0):
    d, n = x.shape[-1], x.shape[-2]
    theta = 1.0 / (base ** (torch.arange(0, d, 2)[: d // 2].float() / d))
    freqs_cis = torch.polar(torch.ones(n, d // 2), torch.outer(torch.arange(n).float(), theta))
    x_c = torch.view_as_complex(x.float().reshape(*x.shape[:-1], -1, 2))
    return torch.view_as_real(x_c * freqs_cis).flatten(-2).type_as(x)  # broadcasts over dim -2

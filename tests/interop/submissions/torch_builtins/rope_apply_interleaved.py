"""Meta's apply_rotary_emb: complex pairs times torch.polar(1, m * theta)."""
import torch


def apply_rope_interleaved(x, positions, base=10000.0):
    d = x.shape[-1]
    freqs = 1.0 / (base ** (torch.arange(0, d, 2)[: d // 2].float() / d))
    freqs_cis = torch.polar(torch.ones(positions.shape[0], d // 2), torch.outer(positions.float(), freqs))
    x_c = torch.view_as_complex(x.float().reshape(*x.shape[:-1], -1, 2))
    return torch.view_as_real(x_c * freqs_cis[None, :, None, :]).flatten(3).type_as(x)

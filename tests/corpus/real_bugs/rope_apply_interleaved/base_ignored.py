"""airllm#368: rope_theta never read from the config, so the Llama 2 default 10000 is used for
Llama 3's 500000.
https://github.com/lyogavin/airllm/issues/368"""
import torch

ROPE_THETA = 10000  # sanitize_config's fallback


def apply_rope_interleaved(x, positions, base=10000.0):
    d = x.shape[-1]
    theta = 1.0 / (ROPE_THETA ** (torch.arange(0, d, 2)[: d // 2].float() / d))
    freqs_cis = torch.polar(torch.ones(len(positions), d // 2), torch.outer(positions.float(), theta))
    x_c = torch.view_as_complex(x.float().reshape(*x.shape[:-1], -1, 2))
    return torch.view_as_real(x_c * freqs_cis[None, :, None, :]).flatten(3).type_as(x)

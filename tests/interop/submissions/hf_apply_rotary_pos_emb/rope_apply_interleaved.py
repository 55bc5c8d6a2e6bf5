"""Meta's adjacent-pair layout from HF's rotate-half kernel: permute each head's dims the way
convert_llama_weights_to_hf permutes wq/wk rows, rotate, and permute back."""
import torch
from transformers.models.llama.modeling_llama import apply_rotary_pos_emb


def apply_rope_interleaved(x, positions, base=10000.0):
    d = x.shape[-1]
    to_half = torch.cat((torch.arange(0, d, 2), torch.arange(1, d, 2)))  # dims 2i, 2i+1 -> i, i + d/2
    back = torch.argsort(to_half)
    inv_freq = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    freqs = positions[None, :, None].float() * inv_freq
    emb = torch.cat((freqs, freqs), dim=-1)
    xh = x.float()[..., to_half]  # the question asks for float32 math
    q, _ = apply_rotary_pos_emb(xh, xh, emb.cos(), emb.sin(), unsqueeze_dim=2)
    return q[..., back].type_as(x)

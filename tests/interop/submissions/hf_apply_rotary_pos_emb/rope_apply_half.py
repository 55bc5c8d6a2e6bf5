"""HF's apply_rotary_pos_emb (rotate_half inside), fed cos/sin built as modeling_llama builds them."""
import torch
from transformers.models.llama.modeling_llama import apply_rotary_pos_emb


def apply_rope_half(x, positions, base=10000.0):
    # x: (batch, seq, heads, head_dim): HF's (batch, heads, seq, head_dim) layout needs unsqueeze_dim=2
    d = x.shape[-1]
    inv_freq = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    freqs = positions[None, :, None].float() * inv_freq  # (1, seq, d/2)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos().to(x.dtype), emb.sin().to(x.dtype)  # HF multiplies in x's dtype
    q, _ = apply_rotary_pos_emb(x, x, cos, sin, unsqueeze_dim=2)
    return q

"""F.rms_norm, complex RoPE and F.scaled_dot_product_attention(enable_gqa=True), in x's dtype."""
import torch
import torch.nn.functional as F


def _rope(x, positions, base):
    d = x.shape[-1]
    freqs = 1.0 / (base ** (torch.arange(0, d, 2)[: d // 2].float() / d))
    freqs_cis = torch.polar(torch.ones(positions.shape[0], d // 2), torch.outer(positions.float(), freqs))
    x_c = torch.view_as_complex(x.float().reshape(*x.shape[:-1], -1, 2))
    return torch.view_as_real(x_c * freqs_cis[None, :, None, :]).flatten(3).type_as(x)


def llama_attention_block(x, norm_weight, wq, wk, wv, wo, n_heads, n_kv_heads, positions, eps=1e-5, rope_base=10000.0):
    bs, seq, dim = x.shape
    head_dim = wq.shape[0] // n_heads
    h = F.rms_norm(x, (dim,), norm_weight, eps)
    xq = _rope(F.linear(h, wq).view(bs, seq, n_heads, head_dim), positions, rope_base).transpose(1, 2)
    xk = _rope(F.linear(h, wk).view(bs, seq, n_kv_heads, head_dim), positions, rope_base).transpose(1, 2)
    xv = F.linear(h, wv).view(bs, seq, n_kv_heads, head_dim).transpose(1, 2)
    out = F.scaled_dot_product_attention(xq, xk, xv, is_causal=True, enable_gqa=True)
    return x + F.linear(out.transpose(1, 2).reshape(bs, seq, -1), wo)

"""torch.nn.RMSNorm, RoPE on real pairs, and scaled_dot_product_attention on repeat_interleave'd heads."""
import torch
import torch.nn.functional as F


def _rope(x, positions, base):
    # real arithmetic on the adjacent pairs (2i, 2i+1), in float32
    d = x.shape[-1]
    angles = torch.outer(positions.float(), base ** (-torch.arange(0, d, 2).float() / d))[None, :, None, :]
    a, b = x.float().unflatten(-1, (-1, 2)).unbind(-1)
    return torch.stack((a * angles.cos() - b * angles.sin(), a * angles.sin() + b * angles.cos()), -1).flatten(-2).type_as(x)


def llama_attention_block(x, norm_weight, wq, wk, wv, wo, n_heads, n_kv_heads, positions, eps=1e-5, rope_base=10000.0):
    bs, seq, dim = x.shape
    head_dim = wq.shape[0] // n_heads
    norm = torch.nn.RMSNorm(dim, eps=eps, dtype=x.dtype)
    with torch.no_grad():
        norm.weight.copy_(norm_weight)
        h = norm(x)
        xq = _rope(F.linear(h, wq).view(bs, seq, n_heads, head_dim), positions, rope_base).transpose(1, 2)
        xk = _rope(F.linear(h, wk).view(bs, seq, n_kv_heads, head_dim), positions, rope_base).transpose(1, 2)
        xv = F.linear(h, wv).view(bs, seq, n_kv_heads, head_dim).transpose(1, 2)
        n_rep = n_heads // n_kv_heads
        out = F.scaled_dot_product_attention(xq, xk.repeat_interleave(n_rep, 1), xv.repeat_interleave(n_rep, 1), is_causal=True)
        return x + F.linear(out.transpose(1, 2).reshape(bs, seq, -1), wo)

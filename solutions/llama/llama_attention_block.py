import math

import torch
import torch.nn.functional as F

from grader.properties import Property, mismatch


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).type_as(x) * weight


def rope_interleaved(x: torch.Tensor, positions: torch.Tensor, base: float) -> torch.Tensor:
    # x: (bs, seqlen, n_heads, head_dim); rotates adjacent pairs (2i, 2i + 1) by positions * theta_i
    head_dim = x.shape[-1]
    theta = base ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)  # (head_dim // 2,)
    angles = positions.double()[:, None] * theta[None, :]  # (seqlen, head_dim // 2)
    cos, sin = angles.cos()[None, :, None, :], angles.sin()[None, :, None, :]
    pairs = x.double().reshape(*x.shape[:-1], head_dim // 2, 2)
    a, b = pairs[..., 0], pairs[..., 1]
    return torch.stack((a * cos - b * sin, a * sin + b * cos), dim=-1).flatten(-2)  # float64


def llama_attention_block(
    x: torch.Tensor,
    norm_weight: torch.Tensor,
    wq: torch.Tensor,
    wk: torch.Tensor,
    wv: torch.Tensor,
    wo: torch.Tensor,
    n_heads: int,
    n_kv_heads: int,
    positions: torch.Tensor,
    eps: float = 1e-5,
    rope_base: float = 10000.0,
) -> torch.Tensor:
    """x + wo(attention(rope(q), rope(k), v)) of rms_norm(x): the first half of a pre-norm Llama block.

    Computed in float64 after the norm and rounded once, so that any correct kernel is close to it.
    """
    bs, seqlen, dim = x.shape  # (bs, seqlen, dim)
    head_dim = wq.shape[0] // n_heads
    h = rms_norm(x, norm_weight, eps).double()  # (bs, seqlen, dim)
    xq = F.linear(h, wq.double()).view(bs, seqlen, n_heads, head_dim)
    xk = F.linear(h, wk.double()).view(bs, seqlen, n_kv_heads, head_dim)
    xv = F.linear(h, wv.double()).view(bs, seqlen, n_kv_heads, head_dim)
    xq, xk = rope_interleaved(xq, positions, rope_base), rope_interleaved(xk, positions, rope_base)
    n_rep = n_heads // n_kv_heads
    keys = xk.repeat_interleave(n_rep, dim=2).transpose(1, 2)  # (bs, n_heads, seqlen, head_dim)
    values = xv.repeat_interleave(n_rep, dim=2).transpose(1, 2)  # (bs, n_heads, seqlen, head_dim)
    scores = xq.transpose(1, 2) @ keys.transpose(2, 3) / math.sqrt(head_dim)  # (bs, n_heads, seqlen, seqlen)
    future = torch.ones(seqlen, seqlen, dtype=torch.bool).triu(1)
    probs = torch.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
    out = (probs @ values).transpose(1, 2).reshape(bs, seqlen, n_heads * head_dim)
    return (x.double() + F.linear(out, wo.double())).to(x.dtype)  # (bs, seqlen, dim)


# Known mistakes: same signature, each wrong in one named way.

def _rope_half(x, positions, base):
    # Hugging Face's rotate-half pairing (i, i + head_dim / 2), the wrong layout for Meta's weights
    head_dim = x.shape[-1]
    theta = base ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
    angles = positions.double()[:, None] * theta[None, :]
    cos = torch.cat((angles.cos(), angles.cos()), -1)[None, :, None, :]
    sin = torch.cat((angles.sin(), angles.sin()), -1)[None, :, None, :]
    xd = x.double()
    rotated = torch.cat((-xd[..., head_dim // 2:], xd[..., : head_dim // 2]), -1)
    return xd * cos + rotated * sin


def _block(x, norm_weight, wq, wk, wv, wo, n_heads, n_kv_heads, positions, eps=1e-5, rope_base=10000.0, *,
           residual=True, post_norm=False, rope=rope_interleaved, rope_values=False, tiled=False, causal=True,
           own_positions=True):
    bs, seqlen, _ = x.shape
    head_dim = wq.shape[0] // n_heads
    h = x.double() if post_norm else rms_norm(x, norm_weight, eps).double()
    pos = positions if own_positions else torch.arange(seqlen)
    xq = rope(F.linear(h, wq.double()).view(bs, seqlen, n_heads, head_dim), pos, rope_base)
    xk = rope(F.linear(h, wk.double()).view(bs, seqlen, n_kv_heads, head_dim), pos, rope_base)
    xv = F.linear(h, wv.double()).view(bs, seqlen, n_kv_heads, head_dim)
    if rope_values:
        xv = rope(xv, pos, rope_base)
    n_rep = n_heads // n_kv_heads
    if tiled:
        keys, values = xk.repeat(1, 1, n_rep, 1), xv.repeat(1, 1, n_rep, 1)
    else:
        keys, values = xk.repeat_interleave(n_rep, dim=2), xv.repeat_interleave(n_rep, dim=2)
    scores = xq.transpose(1, 2) @ keys.permute(0, 2, 3, 1) / math.sqrt(head_dim)
    if causal:
        scores = scores.masked_fill(torch.ones(seqlen, seqlen, dtype=torch.bool).triu(1), float("-inf"))
    out = (torch.softmax(scores, dim=-1) @ values.transpose(1, 2)).transpose(1, 2).reshape(bs, seqlen, -1)
    delta = F.linear(out, wo.double())
    if post_norm:
        return rms_norm(x.double() + delta, norm_weight.double(), eps).to(x.dtype)
    return ((x.double() if residual else 0) + delta).to(x.dtype)


def mistake_no_residual(*args):
    return _block(*args, residual=False)


def mistake_post_norm(*args):
    return _block(*args, post_norm=True)


def mistake_rope_on_values(*args):
    return _block(*args, rope_values=True)


def mistake_rope_half_layout(*args):
    return _block(*args, rope=_rope_half)


def mistake_tiled_kv_heads(*args):
    return _block(*args, tiled=True)


def mistake_no_causal_mask(*args):
    return _block(*args, causal=False)


def mistake_ignores_positions(*args):
    return _block(*args, own_positions=False)


# Properties.

def _weights(gen: torch.Generator, dim=64, n_heads=4, n_kv_heads=2):
    head_dim = dim // n_heads
    s = dim ** -0.5
    return (
        torch.randn(dim, generator=gen) * 0.2 + 1.0,
        torch.randn(n_heads * head_dim, dim, generator=gen) * s,
        torch.randn(n_kv_heads * head_dim, dim, generator=gen) * s,
        torch.randn(n_kv_heads * head_dim, dim, generator=gen) * s,
        torch.randn(dim, n_heads * head_dim, generator=gen) * s,
    )


def prop_relative_positions(gen: torch.Generator) -> Property:
    """Adding a constant to every position changes nothing: RoPE scores depend on relative position only."""
    x = torch.randn(2, 6, 64, generator=gen)
    norm_weight, wq, wk, wv, wo = _weights(gen)
    base = torch.tensor([0, 1, 2, 4, 5, 9])
    calls = [(x, norm_weight, wq, wk, wv, wo, 4, 2, base + shift) for shift in (0, 29)]

    def judge(outputs: list) -> str | None:
        expected = llama_attention_block(x, norm_weight, wq, wk, wv, wo, 4, 2, base)
        problem = mismatch(outputs[0], expected, rtol=1e-4, atol=1e-5, what="block output at positions p")
        if problem:
            return problem
        return mismatch(outputs[1], outputs[0], rtol=1e-4, atol=1e-4, what="output at positions p + 29 vs at p")

    return Property(calls=calls, judge=judge)


def prop_identity_without_output_projection(gen: torch.Generator) -> Property:
    """With wo = 0 the attention adds nothing, and pre-norm leaves the residual stream untouched."""
    x = torch.randn(2, 5, 64, generator=gen) * 3.0
    norm_weight, wq, wk, wv, wo = _weights(gen)
    calls = [(x, norm_weight, wq, wk, wv, torch.zeros_like(wo), 4, 2, torch.arange(5))]

    def judge(outputs: list) -> str | None:
        return mismatch(outputs[0], x, rtol=1e-6, atol=1e-6, what="output with wo = 0 vs the input x")

    return Property(calls=calls, judge=judge)

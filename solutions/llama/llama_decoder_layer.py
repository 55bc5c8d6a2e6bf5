import math

import torch
import torch.nn.functional as F

from grader.properties import Property, mismatch

# A solution module stands alone (validate runs it inside a learner's process), so the norm and
# the rotation are written out here rather than imported from llama_attention_block.


def _norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    # Meta's RMSNorm: statistic in float32 (float64 stays float64), cast back to x's dtype, then the gain
    xf = x.to(torch.promote_types(x.dtype, torch.float32))
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).type_as(x) * weight


def _rotate(t: torch.Tensor, positions: torch.Tensor, base: float, *, half: bool = False) -> torch.Tensor:
    # t: (bs, seqlen, heads, head_dim) in float64; Meta pairs (2i, 2i + 1), or HF's (i, i + d/2) when half
    d = t.shape[-1]
    theta = base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angles = positions.double()[:, None] * theta[None, :]  # (seqlen, d // 2)
    cos, sin = angles.cos()[None, :, None, :], angles.sin()[None, :, None, :]
    if half:
        a, b = t[..., : d // 2], t[..., d // 2 :]
        return torch.cat((a * cos - b * sin, a * sin + b * cos), dim=-1)
    a, b = t[..., 0::2], t[..., 1::2]
    return torch.stack((a * cos - b * sin, a * sin + b * cos), dim=-1).flatten(-2)


def _layer(x, attention_norm, wq, wk, wv, wo, ffn_norm, w1, w2, w3, n_heads, n_kv_heads, positions,
           eps=1e-5, rope_base=10000.0, *, attn_residual=True, ffn_residual=True, residual_normed=False,
           post_norm=False, parallel=False, norms_swapped=False, gate_on_w3=False, half=False):
    """The whole pre-norm layer in float64 after each norm; the keywords switch on one named mistake each."""
    bs, seqlen, _ = x.shape
    head_dim = wq.shape[0] // n_heads
    n_rep = n_heads // n_kv_heads
    first, second = (ffn_norm, attention_norm) if norms_swapped else (attention_norm, ffn_norm)
    xn = x if post_norm else _norm(x, first, eps)
    hd = xn.double()
    xq = _rotate(F.linear(hd, wq.double()).view(bs, seqlen, n_heads, head_dim), positions, rope_base, half=half)
    xk = _rotate(F.linear(hd, wk.double()).view(bs, seqlen, n_kv_heads, head_dim), positions, rope_base, half=half)
    xv = F.linear(hd, wv.double()).view(bs, seqlen, n_kv_heads, head_dim)
    keys = xk.repeat_interleave(n_rep, dim=2).transpose(1, 2)  # (bs, n_heads, seqlen, head_dim)
    values = xv.repeat_interleave(n_rep, dim=2).transpose(1, 2)
    scores = xq.transpose(1, 2) @ keys.transpose(2, 3) / math.sqrt(head_dim)
    scores = scores.masked_fill(torch.ones(seqlen, seqlen, dtype=torch.bool).triu(1), float("-inf"))
    attn = (torch.softmax(scores, dim=-1) @ values).transpose(1, 2).reshape(bs, seqlen, -1)
    stream = xn.double() if residual_normed else x.double()
    h = (stream if attn_residual else 0) + F.linear(attn, wo.double())  # float64
    if post_norm:
        h = _norm(h, first.double(), eps)
    ffn_in = _norm(x, second, eps).double() if parallel else (h if post_norm else _norm(h, second.double(), eps))
    gate, up = F.linear(ffn_in, w1.double()), F.linear(ffn_in, w3.double())
    if gate_on_w3:
        gate, up = up, gate
    ffn = F.linear(F.silu(gate) * up, w2.double())
    h_stream = ffn_in if residual_normed else h
    out = (h_stream if ffn_residual else 0) + ffn
    if post_norm:
        out = _norm(out, second.double(), eps)
    return out.to(x.dtype)


def llama_decoder_layer(
    x: torch.Tensor,
    attention_norm: torch.Tensor,
    wq: torch.Tensor,
    wk: torch.Tensor,
    wv: torch.Tensor,
    wo: torch.Tensor,
    ffn_norm: torch.Tensor,
    w1: torch.Tensor,
    w2: torch.Tensor,
    w3: torch.Tensor,
    n_heads: int,
    n_kv_heads: int,
    positions: torch.Tensor,
    eps: float = 1e-5,
    rope_base: float = 10000.0,
) -> torch.Tensor:
    """Meta's TransformerBlock.forward without a cache:
    h = x + attention(attention_norm(x)); out = h + feed_forward(ffn_norm(h)).

    h is kept in float64 (no rounding between the two halves), so that any correct kernel is close.
    """
    return _layer(x, attention_norm, wq, wk, wv, wo, ffn_norm, w1, w2, w3, n_heads, n_kv_heads, positions, eps, rope_base)


# Known mistakes: same signature, each wrong in one named way.

def mistake_no_ffn_residual(*args):
    return _layer(*args, ffn_residual=False)


def mistake_no_attention_residual(*args):
    return _layer(*args, attn_residual=False)


def mistake_residual_from_normed(*args):
    return _layer(*args, residual_normed=True)


def mistake_post_norm(*args):
    return _layer(*args, post_norm=True)


def mistake_parallel_block(*args):
    return _layer(*args, parallel=True)


def mistake_norms_swapped(*args):
    return _layer(*args, norms_swapped=True)


def mistake_gate_on_w3(*args):
    return _layer(*args, gate_on_w3=True)


def mistake_rope_half_layout(*args):
    return _layer(*args, half=True)


# Properties.

def _weights(gen: torch.Generator, dim=32, n_heads=4, n_kv_heads=2, hidden=64):
    head_dim = dim // n_heads
    s = dim ** -0.5
    return (
        torch.randn(dim, generator=gen) * 0.2 + 1.0,
        torch.randn(n_heads * head_dim, dim, generator=gen) * s,
        torch.randn(n_kv_heads * head_dim, dim, generator=gen) * s,
        torch.randn(n_kv_heads * head_dim, dim, generator=gen) * s,
        torch.randn(dim, n_heads * head_dim, generator=gen) * s,
        torch.randn(dim, generator=gen) * 0.2 + 1.0,
        torch.randn(hidden, dim, generator=gen) * s,
        torch.randn(dim, hidden, generator=gen) * hidden ** -0.5,
        torch.randn(hidden, dim, generator=gen) * s,
    )


def prop_zero_outputs_pass_the_stream(gen: torch.Generator) -> Property:
    """With wo = 0 and w2 = 0 neither sub-layer adds anything: the layer returns x unchanged."""
    x = torch.randn(2, 5, 32, generator=gen) * 3.0
    an, wq, wk, wv, wo, fn, w1, w2, w3 = _weights(gen)
    calls = [(x, an, wq, wk, wv, torch.zeros_like(wo), fn, w1, torch.zeros_like(w2), w3, 4, 2, torch.arange(5))]

    def judge(outputs: list) -> str | None:
        return mismatch(outputs[0], x, rtol=1e-6, atol=1e-6, what="output with wo = 0 and w2 = 0 vs the input x")

    return Property(calls=calls, judge=judge)


def _ffn_half(h: torch.Tensor, ffn_norm, w1, w2, w3) -> torch.Tensor:
    hn = _norm(h.double(), ffn_norm.double(), 1e-5)
    return h.double() + F.linear(F.silu(F.linear(hn, w1.double())) * F.linear(hn, w3.double()), w2.double())


def prop_two_residual_halves(gen: torch.Generator) -> Property:
    """The layer is two residual halves: with w2 = 0 it returns h = x + attention(attention_norm(x)),
    and the full output is h + ffn(ffn_norm(h)) of that h; with wo = 0 it is x + ffn(ffn_norm(x))."""
    x = torch.randn(2, 6, 32, generator=gen)
    an, wq, wk, wv, wo, fn, w1, w2, w3 = _weights(gen)
    pos = torch.arange(6)
    calls = [(x, an, wq, wk, wv, wo, fn, w1, w2, w3, 4, 2, pos),
             (x, an, wq, wk, wv, wo, fn, w1, torch.zeros_like(w2), w3, 4, 2, pos),
             (x, an, wq, wk, wv, torch.zeros_like(wo), fn, w1, w2, w3, 4, 2, pos)]

    def judge(outputs: list) -> str | None:
        problem = mismatch(outputs[0], llama_decoder_layer(*calls[0]), rtol=1e-4, atol=1e-5, what="layer output")
        if problem:
            return problem
        if not isinstance(outputs[1], torch.Tensor) or outputs[1].shape != x.shape:
            return "with w2 = 0: expected a tensor shaped like x"
        problem = mismatch(outputs[0], _ffn_half(outputs[1], fn, w1, w2, w3), rtol=1e-4, atol=1e-5,
                           what="full output vs h + ffn(ffn_norm(h)), h being the output with w2 = 0")
        return problem or mismatch(outputs[2], _ffn_half(x, fn, w1, w2, w3), rtol=1e-4, atol=1e-5,
                                   what="with wo = 0: output vs x + ffn(ffn_norm(x))")

    return Property(calls=calls, judge=judge)

import math

import torch

from grader.properties import Property, mismatch


def _tiles(q, k, v, block_size, causal, *, rescale="right", rescale_sum=True, normalise=True, offset=True, tiled=False):
    """The tiled forward with an online softmax; the keyword arguments switch on one named mistake each.

    Per query tile, a running max m, running sum l and unnormalised output o are kept per row;
    each key tile updates them, and the output is o / l at the end.  Only one
    (query tile, key tile) block of scores exists at a time.
    """
    bs, n_heads, q_len, d = q.shape
    n_kv, kv_len = k.shape[1], k.shape[2]
    n_rep = n_heads // n_kv
    acc = torch.promote_types(q.dtype, torch.float32)  # float32 accumulators, float64 for float64 inputs
    if tiled:  # query head h reads kv head h % n_kv
        k, v = k.repeat(1, n_rep, 1, 1), v.repeat(1, n_rep, 1, 1)
        n_kv, n_rep = n_heads, 1
    # query head h = g * n_rep + r reads kv head g: a group axis instead of repeated copies
    qg = q.to(acc).reshape(bs, n_kv, n_rep, q_len, d) / math.sqrt(d)
    kg, vg = k.to(acc)[:, :, None], v.to(acc)[:, :, None]  # (bs, n_kv, 1, kv_len, d)
    shift = kv_len - q_len if offset else 0  # query i sits at position kv_len - q_len + i
    out = torch.empty(bs, n_kv, n_rep, q_len, d, dtype=acc)
    for qs in range(0, q_len, block_size):
        qe = min(qs + block_size, q_len)
        m = torch.full((bs, n_kv, n_rep, qe - qs, 1), float("-inf"), dtype=acc)
        l = torch.zeros_like(m)  # noqa: E741 - the paper's name for the running sum
        o = torch.zeros(bs, n_kv, n_rep, qe - qs, d, dtype=acc)
        stop = min(kv_len, shift + qe) if causal else kv_len  # key tiles wholly in the future are skipped
        for ks in range(0, stop, block_size):
            ke = min(ks + block_size, kv_len)
            s = qg[..., qs:qe, :] @ kg[..., ks:ke, :].transpose(-1, -2)  # (bs, n_kv, n_rep, tile_q, tile_k)
            if causal and ke - 1 > shift + qs:
                future = torch.arange(ks, ke)[None, :] > torch.arange(qs, qe)[:, None] + shift
                s = s.masked_fill(future, float("-inf"))
            m_new = torch.maximum(m, s.amax(-1, keepdim=True))
            p = torch.exp(s - m_new)
            if rescale == "right":
                alpha = torch.exp(m - m_new)  # 0 on the first tile, where m is -inf
            elif rescale == "inverted":  # the sign slip; the first tile starts from zero sums either way
                alpha = torch.where(torch.isinf(m), torch.zeros_like(m), torch.exp(m_new - m))
            else:
                alpha = torch.ones_like(m)
            l = (l * alpha if rescale_sum else l) + p.sum(-1, keepdim=True)  # noqa: E741
            o = o * alpha + p @ vg[..., ks:ke, :]
            m = m_new
        out[..., qs:qe, :] = o / l if normalise else o
    return out.reshape(bs, n_heads, q_len, d).to(q.dtype)


def flash_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, block_size: int = 32, causal: bool = True) -> torch.Tensor:
    # q: (bs, n_heads, q_len, d); k, v: (bs, n_kv_heads, kv_len, d) -> (bs, n_heads, q_len, d) in q.dtype
    return _tiles(q, k, v, block_size, causal)


# Known mistakes: same signature, each wrong in one named way.

def mistake_no_rescale(q, k, v, block_size=32, causal=True):
    return _tiles(q, k, v, block_size, causal, rescale="none")


def mistake_inverted_rescale(q, k, v, block_size=32, causal=True):
    return _tiles(q, k, v, block_size, causal, rescale="inverted")


def mistake_sum_not_rescaled(q, k, v, block_size=32, causal=True):
    return _tiles(q, k, v, block_size, causal, rescale_sum=False)


def mistake_no_final_normalise(q, k, v, block_size=32, causal=True):
    return _tiles(q, k, v, block_size, causal, normalise=False)


def mistake_mask_not_offset(q, k, v, block_size=32, causal=True):
    return _tiles(q, k, v, block_size, causal, offset=False)


def mistake_tiled_kv_heads(q, k, v, block_size=32, causal=True):
    return _tiles(q, k, v, block_size, causal, tiled=True)


# Properties.

def naive_attention(q, k, v, causal=True):
    """The whole score matrix at once, in float64: the definition the tiles must reproduce."""
    n_rep = q.shape[1] // k.shape[1]
    keys, values = k.double().repeat_interleave(n_rep, 1), v.double().repeat_interleave(n_rep, 1)
    s = q.double() @ keys.transpose(-1, -2) / math.sqrt(q.shape[-1])
    if causal:
        q_len, kv_len = q.shape[2], k.shape[2]
        s = s.masked_fill(~torch.ones(q_len, kv_len, dtype=torch.bool).tril(kv_len - q_len), float("-inf"))
    return s.softmax(-1) @ values


def prop_any_block_size(gen: torch.Generator) -> Property:
    """Every block size, from 1 to more than the whole sequence, gives the same output."""
    q = torch.randn(2, 8, 23, 16, generator=gen)
    k, v = torch.randn(2, 2, 2, 29, 16, generator=gen)
    sizes = (1, 3, 8, 16, 29, 64)
    calls = [(q, k, v, size, True) for size in sizes]

    def judge(outputs: list) -> str | None:
        problem = mismatch(outputs[0], naive_attention(q, k, v), rtol=1e-4, atol=1e-5, what="block_size 1")
        for size, out in zip(sizes[1:], outputs[1:]):
            problem = problem or mismatch(out, outputs[0], rtol=1e-4, atol=1e-5, what=f"block_size {size} vs block_size 1")
        return problem

    return Property(calls=calls, judge=judge)


def prop_equals_naive_attention(gen: torch.Generator) -> Property:
    """Tiles agree with the full-matrix definition: prefill, chunked prefill, decode, and no mask."""
    shapes = ((4, 2, 37, 37, 8, True), (6, 3, 5, 21, 4, True), (8, 2, 1, 40, 16, True), (4, 4, 9, 14, 4, False))
    calls = []
    for heads, kv_heads, q_len, kv_len, size, causal in shapes:
        q = torch.randn(1, heads, q_len, 16, generator=gen)
        k, v = torch.randn(2, 1, kv_heads, kv_len, 16, generator=gen)
        calls.append((q, k, v, size, causal))

    def judge(outputs: list) -> str | None:
        for (q, k, v, size, causal), out in zip(calls, outputs):
            what = f"q_len {q.shape[2]}, kv_len {k.shape[2]}, block_size {size}, causal={causal} vs the full score matrix"
            problem = mismatch(out, naive_attention(q, k, v, causal), rtol=1e-4, atol=1e-5, what=what)
            if problem:
                return problem
        return None

    return Property(calls=calls, judge=judge)

import math

import torch

from grader.properties import Property, mismatch


def grouped_query_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool = True
) -> torch.Tensor:
    # q: (bs, n_heads, q_len, head_dim); k, v: (bs, n_kv_heads, kv_len, head_dim)
    bs, n_heads, q_len, head_dim = q.shape
    n_kv_heads, kv_len = k.shape[1], k.shape[2]
    n_rep = n_heads // n_kv_heads
    acc = torch.promote_types(q.dtype, torch.float32)  # float32, or float64 for float64 inputs
    # query head h reads kv head h // n_rep
    keys = k.to(acc).repeat_interleave(n_rep, dim=1)  # (bs, n_heads, kv_len, head_dim)
    values = v.to(acc).repeat_interleave(n_rep, dim=1)  # (bs, n_heads, kv_len, head_dim)
    scores = q.to(acc) @ keys.transpose(-2, -1) / math.sqrt(head_dim)  # (bs, n_heads, q_len, kv_len)
    if causal:
        # query i sits at position kv_len - q_len + i and sees keys 0 .. that position
        allowed = torch.ones(q_len, kv_len, dtype=torch.bool).tril(kv_len - q_len)
        scores = scores.masked_fill(~allowed, float("-inf"))
    probs = torch.softmax(scores, dim=-1)
    return (probs @ values).to(q.dtype)  # (bs, n_heads, q_len, head_dim)


# Known mistakes: same signature, each wrong in one named way.

def _attend(q, keys, values, scale, causal, offset=True, softmax_dim=-1):
    q_len, kv_len = q.shape[2], keys.shape[2]
    scores = q.float() @ keys.float().transpose(-2, -1) * scale
    if causal:
        allowed = torch.ones(q_len, kv_len, dtype=torch.bool).tril(kv_len - q_len if offset else 0)
        scores = scores.masked_fill(~allowed, float("-inf"))
    probs = torch.softmax(scores, dim=softmax_dim)
    return (probs @ values.float()).to(q.dtype)


def _repeat(q, k, v):
    n_rep = q.shape[1] // k.shape[1]
    return k.repeat_interleave(n_rep, dim=1), v.repeat_interleave(n_rep, dim=1)


def mistake_tiled_kv_heads(q, k, v, causal=True):
    n_rep = q.shape[1] // k.shape[1]
    keys, values = k.repeat(1, n_rep, 1, 1), v.repeat(1, n_rep, 1, 1)  # head h reads kv head h % n_kv
    return _attend(q, keys, values, 1 / math.sqrt(q.shape[-1]), causal)


def mistake_mask_not_offset(q, k, v, causal=True):
    keys, values = _repeat(q, k, v)
    return _attend(q, keys, values, 1 / math.sqrt(q.shape[-1]), causal, offset=False)


def mistake_no_scale(q, k, v, causal=True):
    keys, values = _repeat(q, k, v)
    return _attend(q, keys, values, 1.0, causal)


def mistake_scale_by_head_dim(q, k, v, causal=True):
    keys, values = _repeat(q, k, v)
    return _attend(q, keys, values, 1 / q.shape[-1], causal)


def mistake_softmax_over_queries(q, k, v, causal=True):
    keys, values = _repeat(q, k, v)
    return _attend(q, keys, values, 1 / math.sqrt(q.shape[-1]), causal, softmax_dim=-2)



def _attend_masked(q, keys, values, causal, fill=float("-inf"), after_softmax=False, diagonal_shift=0):
    # like _attend, with the masking done the ways real code got it wrong
    q_len, kv_len = q.shape[2], keys.shape[2]
    scores = q.float() @ keys.float().transpose(-2, -1) / math.sqrt(q.shape[-1])
    allowed = torch.ones(q_len, kv_len, dtype=torch.bool).tril(kv_len - q_len + diagonal_shift)
    if causal and not after_softmax:
        scores = scores.masked_fill(~allowed, fill)
    probs = torch.softmax(scores, dim=-1)
    if causal and after_softmax:
        probs = probs.masked_fill(~allowed, 0.0)
    return (probs @ values.float()).to(q.dtype)


def mistake_group_queries_summed(q, k, v, causal=True):
    # the queries of a group summed into one score per kv head, every head of the group then
    # sharing its output (grouped-query-attention-pytorch#5)
    bs, n_heads, q_len, head_dim = q.shape
    n_kv_heads = k.shape[1]
    summed = q.float().view(bs, n_kv_heads, n_heads // n_kv_heads, q_len, head_dim).sum(2)
    out = _attend(summed, k, v, 1 / math.sqrt(head_dim), causal).to(q.dtype)
    return out.repeat_interleave(n_heads // n_kv_heads, dim=1)


def mistake_scale_by_model_dim(q, k, v, causal=True):
    # 1 / sqrt(n_heads * head_dim), the model width, instead of 1 / sqrt(head_dim) (ViT-CIFAR#11)
    keys, values = _repeat(q, k, v)
    return _attend(q, keys, values, 1 / math.sqrt(q.shape[1] * q.shape[-1]), causal)


def mistake_scale_by_num_heads(q, k, v, causal=True):
    # 1 / sqrt(n_heads) instead of 1 / sqrt(head_dim) (tt-metal#56789)
    keys, values = _repeat(q, k, v)
    return _attend(q, keys, values, 1 / math.sqrt(q.shape[1]), causal)


def mistake_scale_inverted(q, k, v, causal=True):
    # divided by scale = head_dim ** -0.5 instead of multiplying: scores times sqrt(head_dim)
    # (perceiver-io#9)
    keys, values = _repeat(q, k, v)
    return _attend(q, keys, values, math.sqrt(q.shape[-1]), causal)


def mistake_masked_scores_zero(q, k, v, causal=True):
    # masked scores set to 0 (or a tiny number), which softmax still weighs (transformer#10)
    keys, values = _repeat(q, k, v)
    return _attend_masked(q, keys, values, causal, fill=0.0)


def mistake_mask_after_softmax(q, k, v, causal=True):
    # the mask zeroes probabilities after the softmax: the rows no longer sum to one
    # (pytorch-image-models#2236)
    keys, values = _repeat(q, k, v)
    return _attend_masked(q, keys, values, causal, after_softmax=True)


def mistake_mask_excludes_self(q, k, v, causal=True):
    # the diagonal masked too: a query cannot see its own key (former#10). With HF's fill, the
    # dtype's minimum, a row with nothing left attends uniformly instead of giving NaN.
    keys, values = _repeat(q, k, v)
    return _attend_masked(q, keys, values, causal, fill=torch.finfo(torch.float32).min, diagonal_shift=-1)


# Properties.

def _plain_mha(q, k, v, causal):
    # multi-head attention head by head, in float64: (bs, n_heads, q_len, head_dim)
    q, k, v = q.double(), k.double(), v.double()
    q_len, kv_len = q.shape[2], k.shape[2]
    out = torch.empty_like(q)
    for h in range(q.shape[1]):
        s = q[:, h] @ k[:, h].transpose(-2, -1) / math.sqrt(q.shape[-1])
        if causal:
            rows = torch.arange(q_len)[:, None] + (kv_len - q_len)
            s = s.masked_fill(torch.arange(kv_len)[None, :] > rows, float("-inf"))
        out[:, h] = torch.softmax(s, dim=-1) @ v[:, h]
    return out


def prop_mha_extreme(gen: torch.Generator) -> Property:
    """With kv_heads == heads, GQA is plain multi-head attention."""
    q = torch.randn(2, 4, 6, 16, generator=gen)
    k, v = torch.randn(2, 2, 4, 9, 16, generator=gen)
    calls = [(q, k, v, True), (q[:, :, -1:], k, v, True), (q, k, v, False)]

    def judge(outputs: list) -> str | None:
        for (args, out, what) in zip(calls, outputs, ("causal prefill", "decode step", "causal=False")):
            problem = mismatch(out, _plain_mha(*args), rtol=1e-4, atol=1e-5, what=f"kv_heads == heads, {what}")
            if problem:
                return problem
        return None

    return Property(calls=calls, judge=judge)


def prop_repeated_kv_heads(gen: torch.Generator) -> Property:
    """GQA equals MHA fed with each kv head repeated for its group (repeat_interleave)."""
    q = torch.randn(2, 8, 5, 16, generator=gen)
    k, v = torch.randn(2, 2, 2, 11, 16, generator=gen)
    k_rep, v_rep = k.repeat_interleave(4, dim=1), v.repeat_interleave(4, dim=1)
    calls = [(q, k, v, True), (q, k_rep, v_rep, True)]

    def judge(outputs: list) -> str | None:
        problem = mismatch(outputs[0], grouped_query_attention(q, k, v), rtol=1e-4, atol=1e-5, what="GQA output")
        if problem:
            return problem
        return mismatch(outputs[1], outputs[0], rtol=1e-4, atol=1e-5,
                        what="MHA on repeat_interleave'd kv heads vs GQA")

    return Property(calls=calls, judge=judge)


def prop_chunked_prefill(gen: torch.Generator) -> Property:
    """Feeding the queries in two chunks (with the keys seen so far) gives the rows of one full pass."""
    q = torch.randn(1, 6, 10, 16, generator=gen)
    k, v = torch.randn(2, 1, 3, 10, 16, generator=gen)
    split = 4
    calls = [(q, k, v, True), (q[:, :, :split], k[:, :, :split], v[:, :, :split], True), (q[:, :, split:], k, v, True)]

    def judge(outputs: list) -> str | None:
        problem = mismatch(outputs[0], grouped_query_attention(q, k, v), rtol=1e-4, atol=1e-5, what="full pass")
        if problem:
            return problem
        for out, rows, what in ((outputs[1], slice(0, split), "first chunk"), (outputs[2], slice(split, None), "second chunk")):
            problem = mismatch(out, outputs[0][:, :, rows], rtol=1e-4, atol=1e-5, what=f"{what} vs the same rows of the full pass")
            if problem:
                return problem
        return None

    return Property(calls=calls, judge=judge)

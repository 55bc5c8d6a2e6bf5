"""pytorch#144858: scaled_dot_product_attention's is_causal aligns the mask top-left, so with a
KV cache a decode step sees only the first key. Written out by hand, as the question bans sdpa.
https://github.com/pytorch/pytorch/issues/144858"""
import math

import torch


def grouped_query_attention(q, k, v, causal=True):
    n, s = q.shape[2], k.shape[2]
    rep = q.shape[1] // k.shape[1]
    keys, values = k.float().repeat_interleave(rep, 1), v.float().repeat_interleave(rep, 1)
    scores = q.float() @ keys.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        attn_mask = torch.ones(n, s, dtype=torch.bool).tril(diagonal=0)  # sdpa's is_causal
        scores = scores.masked_fill(~attn_mask, float("-inf"))
    return (scores.softmax(-1) @ values).to(q.dtype)

"""former#10 (pbloem): the mask built with triu offset 0, which also hides each query's own key.
https://github.com/pbloem/former/issues/10"""
import math

import torch


def grouped_query_attention(q, k, v, causal=True):
    n, s = q.shape[2], k.shape[2]
    rep = q.shape[1] // k.shape[1]
    keys, values = k.float().repeat_interleave(rep, 1), v.float().repeat_interleave(rep, 1)
    dot = q.float() @ keys.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        blocked = torch.ones(n, s, dtype=torch.bool).triu(s - n)  # offset 0 past the cache: diagonal too
        dot = dot.masked_fill(blocked, float("-inf"))
    return (torch.softmax(dot, dim=-1) @ values).to(q.dtype)

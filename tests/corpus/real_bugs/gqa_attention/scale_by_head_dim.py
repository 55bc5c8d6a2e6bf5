"""cntkx#10: scaled dot-product attention divided by d_k without the square root.
https://github.com/delzac/cntkx/issues/10"""
import torch


def grouped_query_attention(q, k, v, causal=True):
    n, s, d = q.shape[2], k.shape[2], q.shape[-1]
    rep = q.shape[1] // k.shape[1]
    keys, values = k.float().repeat_interleave(rep, 1), v.float().repeat_interleave(rep, 1)
    scores = q.float() @ keys.transpose(-2, -1) / d  # C.sqrt missing
    if causal:
        scores = scores.masked_fill(torch.ones(n, s, dtype=torch.bool).triu(s - n + 1), float("-inf"))
    return (scores.softmax(dim=-1) @ values).to(q.dtype)

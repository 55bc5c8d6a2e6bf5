"""perceiver-io#9: self.scale = qk_head_dim ** -0.5, then the scores divided by it.
https://github.com/esceptico/perceiver-io/issues/9"""
import torch


def grouped_query_attention(q, k, v, causal=True):
    n, s, d = q.shape[2], k.shape[2], q.shape[-1]
    scale = d**-0.5
    rep = q.shape[1] // k.shape[1]
    keys, values = k.float().repeat_interleave(rep, 1), v.float().repeat_interleave(rep, 1)
    attention = q.float() @ keys.transpose(-2, -1) / scale  # should be * self.scale
    if causal:
        attention = attention.masked_fill(torch.ones(n, s, dtype=torch.bool).triu(s - n + 1), float("-inf"))
    return (attention.softmax(dim=-1) @ values).to(q.dtype)

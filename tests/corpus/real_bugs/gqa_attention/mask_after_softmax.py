"""pytorch-image-models#2236: the attention mask applied after the softmax.
https://github.com/huggingface/pytorch-image-models/pull/2236"""
import math

import torch


def grouped_query_attention(q, k, v, causal=True):
    n, s = q.shape[2], k.shape[2]
    rep = q.shape[1] // k.shape[1]
    keys, values = k.float().repeat_interleave(rep, 1), v.float().repeat_interleave(rep, 1)
    attn = (q.float() @ keys.transpose(-2, -1) * (1 / math.sqrt(q.shape[-1]))).softmax(dim=-1)
    if causal:
        attn = attn * torch.ones(n, s).tril(s - n)  # after the softmax: rows no longer sum to 1
    return (attn @ values).to(q.dtype)

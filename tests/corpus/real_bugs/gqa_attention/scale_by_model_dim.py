"""ViT-CIFAR#11: scores divided by sqrt(feats), the whole embedding width, not sqrt(feats // head).
https://github.com/omihub777/ViT-CIFAR/pull/11"""
import torch


def grouped_query_attention(q, k, v, causal=True):
    b, h, n, d = q.shape
    s = k.shape[2]
    feats = h * d
    keys = k.float().repeat_interleave(h // k.shape[1], dim=1)
    values = v.float().repeat_interleave(h // k.shape[1], dim=1)
    score = q.float() @ keys.transpose(-1, -2) / feats**0.5
    if causal:
        score = score.masked_fill(torch.ones(n, s, dtype=torch.bool).triu(s - n + 1), float("-inf"))
    return (score.softmax(-1) @ values).to(q.dtype)

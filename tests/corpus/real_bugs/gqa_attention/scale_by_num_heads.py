"""tt-metal#56789: attention scaled by 1/sqrt(num_heads) where the comment says 1/sqrt(head_dim).
https://github.com/tenstorrent/tt-metal/pull/56789"""
import torch


def grouped_query_attention(q, k, v, causal=True):
    b, h, n, d = q.shape
    s = k.shape[2]
    scale = 1 / h**0.5
    keys = k.float()[:, torch.arange(h) // (h // k.shape[1])]
    values = v.float()[:, torch.arange(h) // (h // k.shape[1])]
    score = torch.einsum("bhnd,bhsd->bhns", q.float(), keys) * scale
    if causal:
        score = score + torch.full((n, s), float("-inf")).triu(s - n + 1)
    return torch.einsum("bhns,bhsd->bhnd", score.softmax(-1), values).to(q.dtype)

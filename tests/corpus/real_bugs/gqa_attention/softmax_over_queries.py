"""annotated_deep_learning_paper_implementations#146: attn.softmax(dim=1) over the query index i
of einsum('bhid,bhjd->bhij'), where the keys j are dim 2.
https://github.com/labmlai/annotated_deep_learning_paper_implementations/issues/146"""
import math

import torch


def grouped_query_attention(q, k, v, causal=True):
    n, s, d = q.shape[2], k.shape[2], q.shape[-1]
    rep = q.shape[1] // k.shape[1]
    keys, values = k.float().repeat_interleave(rep, 1), v.float().repeat_interleave(rep, 1)
    attn = torch.einsum("bhid,bhjd->bhij", q.float(), keys) / math.sqrt(d)
    if causal:
        attn = attn.masked_fill(torch.ones(n, s, dtype=torch.bool).triu(s - n + 1), float("-inf"))
    attn = attn.softmax(dim=2)  # over i, the queries
    return torch.einsum("bhij,bhjd->bhid", attn, values).to(q.dtype)

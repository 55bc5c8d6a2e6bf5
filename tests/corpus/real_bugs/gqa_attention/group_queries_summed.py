"""grouped-query-attention-pytorch#5: queries folded into (kv_heads, group) and contracted with
the keys by einsum, which sums the group's query heads into one score.
https://github.com/fkodom/grouped-query-attention-pytorch/issues/5"""
import math

import torch


def grouped_query_attention(q, k, v, causal=True):
    b, h, n, d = q.shape
    hk, s = k.shape[1], k.shape[2]
    g = h // hk
    query = q.float().reshape(b, hk, g, n, d)
    similarity = torch.einsum("bhgnd,bhsd->bhns", query, k.float()) / math.sqrt(d)  # sums over g
    if causal:
        similarity = similarity.masked_fill(~torch.ones(n, s, dtype=torch.bool).tril(s - n), float("-inf"))
    out = torch.einsum("bhns,bhsd->bhnd", similarity.softmax(-1), v.float())  # (b, hk, n, d)
    return out.repeat_interleave(g, dim=1).to(q.dtype)

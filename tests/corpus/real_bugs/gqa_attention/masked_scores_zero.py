"""transformer#10 (hyunwoongko): score.masked_fill(mask == 0, -e) with e = 1e-12: masked scores are
about 0, which softmax still weighs.
https://github.com/hyunwoongko/transformer/issues/10"""
import math

import torch


def grouped_query_attention(q, k, v, causal=True, e=1e-12):
    n, s = q.shape[2], k.shape[2]
    rep = q.shape[1] // k.shape[1]
    keys, values = k.float().repeat_interleave(rep, 1), v.float().repeat_interleave(rep, 1)
    score = q.float() @ keys.transpose(2, 3) / math.sqrt(q.shape[-1])
    if causal:
        mask = torch.ones(n, s).tril(s - n)
        score = score.masked_fill(mask == 0, -e)
    return (torch.softmax(score, dim=-1) @ values).to(q.dtype)

"""onnx#7274: GQA's kv heads expanded with Tile, giving (head0, head1, head0, head1), where torch
uses repeat_interleave.
https://github.com/onnx/onnx/pull/7274"""
import math

import torch


def grouped_query_attention(q, k, v, causal=True):
    n, s = q.shape[2], k.shape[2]
    rep = q.shape[1] // k.shape[1]
    keys, values = k.float().tile(1, rep, 1, 1), v.float().tile(1, rep, 1, 1)
    scores = q.float() @ keys.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if causal:
        scores = scores.masked_fill(~torch.ones(n, s, dtype=torch.bool).tril(s - n), float("-inf"))
    return (scores.softmax(-1) @ values).to(q.dtype)

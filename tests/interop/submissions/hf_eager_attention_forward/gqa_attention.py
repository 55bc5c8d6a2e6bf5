"""HF's eager_attention_forward with a stand-in module and HF's additive causal mask."""
import math
from types import SimpleNamespace

import torch
from transformers.models.llama.modeling_llama import eager_attention_forward


def grouped_query_attention(q, k, v, causal=True):
    q_len, kv_len = q.shape[2], k.shape[2]
    module = SimpleNamespace(num_key_value_groups=q.shape[1] // k.shape[1], training=False)
    mask = None
    if causal:
        # HF's masks add the dtype's minimum where a query may not look; query i is at kv_len - q_len + i
        blocked = torch.ones(q_len, kv_len, dtype=torch.bool).triu(kv_len - q_len + 1)
        mask = torch.zeros(q_len, kv_len, dtype=q.dtype).masked_fill(blocked, torch.finfo(q.dtype).min)[None, None]
    out, _weights = eager_attention_forward(module, q, k, v, mask, scaling=1 / math.sqrt(q.shape[-1]))
    return out.transpose(1, 2)  # HF returns (batch, q_len, heads, head_dim)

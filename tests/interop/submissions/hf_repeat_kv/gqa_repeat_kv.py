"""HF's repeat_kv works on (batch, kv_heads, seq, head_dim): transpose in and out."""
from transformers.models.llama.modeling_llama import repeat_kv as hf_repeat_kv


def repeat_kv(x, n_rep):
    return hf_repeat_kv(x.transpose(1, 2), n_rep).transpose(1, 2)

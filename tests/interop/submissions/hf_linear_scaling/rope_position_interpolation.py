"""HF's LlamaRotaryEmbedding with rope_type "linear" (inv_freq / factor): the first half of its tables."""
import torch
from transformers import LlamaConfig
from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding


def position_interpolation(positions, head_dim, factor, base=10000.0):
    config = LlamaConfig(hidden_size=head_dim, num_attention_heads=1, head_dim=head_dim,
                         rope_parameters={"rope_type": "linear", "rope_theta": base, "factor": factor})
    dummy = torch.zeros(1, dtype=torch.float32)  # only its dtype and device are read
    cos, sin = LlamaRotaryEmbedding(config)(dummy, positions.reshape(1, -1))
    return cos[0, :, : head_dim // 2].contiguous(), sin[0, :, : head_dim // 2].contiguous()

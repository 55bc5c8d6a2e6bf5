"""HF's LlamaRotaryEmbedding tables: width head_dim (cat(freqs, freqs)); the first half is the answer."""
import torch
from transformers import LlamaConfig
from transformers.models.llama.modeling_llama import LlamaRotaryEmbedding


def rope_frequencies(head_dim, max_positions, base=10000.0):
    config = LlamaConfig(hidden_size=head_dim, num_attention_heads=1, head_dim=head_dim,
                         max_position_embeddings=max(max_positions, 1),
                         rope_parameters={"rope_type": "default", "rope_theta": base})
    dummy = torch.zeros(1, dtype=torch.float32)  # only its dtype and device are read
    cos, sin = LlamaRotaryEmbedding(config)(dummy, torch.arange(max_positions)[None])
    return cos[0, :, : head_dim // 2].contiguous(), sin[0, :, : head_dim // 2].contiguous()

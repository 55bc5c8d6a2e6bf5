"""HF's _compute_dynamic_ntk_parameters. Static NTK-aware scaling by s is the same function with
factor 1 at seq_len = s * L (the YaRN paper's dynamic rule s = seq_len / L), for any L."""
from transformers import LlamaConfig
from transformers.modeling_rope_utils import _compute_dynamic_ntk_parameters


def ntk_inv_freq(head_dim, base, factor, seq_len=None, original_max_positions=None):
    if seq_len is None:
        original_max_positions, seq_len, factor = 4096, factor * 4096, 1.0
    config = LlamaConfig(hidden_size=head_dim, num_attention_heads=1, head_dim=head_dim,
                         max_position_embeddings=original_max_positions,
                         rope_parameters={"rope_type": "dynamic", "rope_theta": base, "factor": factor})
    inv_freq, _attention_factor = _compute_dynamic_ntk_parameters(config, seq_len=seq_len)
    return inv_freq

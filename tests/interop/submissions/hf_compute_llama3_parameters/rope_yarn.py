"""YaRN from HF's own functions: the paper's NTK-by-parts ramp is _compute_llama3_parameters with
low_freq_factor = alpha and high_freq_factor = beta, and the attention factor is the one
_compute_yarn_parameters returns (HF's yarn frequencies ramp over pair indices instead, so they
are not used)."""
from types import SimpleNamespace

from transformers import LlamaConfig
from transformers.modeling_rope_utils import _compute_llama3_parameters, _compute_yarn_parameters


class _Base(float):
    # _compute_llama3_parameters builds inv_freq as 1 / base ** (...); this base returns ours
    def __new__(cls, inv_freq):
        obj = super().__new__(cls, 10000.0)
        obj.inv_freq = inv_freq
        return obj

    def __pow__(self, exponent):
        return 1.0 / self.inv_freq


def yarn_parameters(inv_freq, factor, original_max_positions, alpha=1.0, beta=32.0):
    params = {"rope_type": "llama3", "rope_theta": _Base(inv_freq), "factor": factor,
              "low_freq_factor": alpha, "high_freq_factor": beta,
              "original_max_position_embeddings": original_max_positions}
    config = SimpleNamespace(rope_parameters=params, head_dim=2 * inv_freq.shape[0], standardize_rope_params=lambda: None)
    scaled, _ = _compute_llama3_parameters(config)
    yarn = LlamaConfig(hidden_size=64, num_attention_heads=1, head_dim=64, max_position_embeddings=round(factor * original_max_positions),
                       rope_parameters={"rope_type": "yarn", "rope_theta": 10000.0, "factor": factor,
                                        "original_max_position_embeddings": original_max_positions})
    _, attention_factor = _compute_yarn_parameters(yarn)
    return scaled.to(inv_freq.dtype), float(attention_factor)

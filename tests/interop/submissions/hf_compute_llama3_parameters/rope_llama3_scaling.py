"""HF's _compute_llama3_parameters on the given frequencies.

It builds inv_freq itself as 1 / base ** (arange(0, dim, 2) / dim); a base whose power returns
1 / inv_freq makes it start from ours, in our dtype, whatever they are."""
from types import SimpleNamespace

from transformers.modeling_rope_utils import _compute_llama3_parameters


class _Base(float):
    def __new__(cls, inv_freq):
        obj = super().__new__(cls, 10000.0)
        obj.inv_freq = inv_freq
        return obj

    def __pow__(self, exponent):
        return 1.0 / self.inv_freq


def llama3_scale_inv_freq(inv_freq, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0, original_max_positions=8192):
    params = {"rope_type": "llama3", "rope_theta": _Base(inv_freq), "factor": factor,
              "low_freq_factor": low_freq_factor, "high_freq_factor": high_freq_factor,
              "original_max_position_embeddings": original_max_positions}
    config = SimpleNamespace(rope_parameters=params, head_dim=2 * inv_freq.shape[0],
                             standardize_rope_params=lambda: None)
    scaled, _attention_factor = _compute_llama3_parameters(config)
    return scaled.to(inv_freq.dtype)

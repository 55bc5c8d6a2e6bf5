"""felafax#59 / mlxcel#1355: Llama 3.1's rope_scaling parsed but never applied.
https://github.com/felafax/felafax/issues/59"""
import math


def llama3_scale_inv_freq(inv_freq, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0, original_max_positions=8192):
    scaling = {"factor": factor, "low_freq_factor": low_freq_factor, "high_freq_factor": high_freq_factor,
               "original_max_position_embeddings": original_max_positions}
    _wavelen = 2 * math.pi / inv_freq  # parsed, computed, never used
    del scaling
    return inv_freq

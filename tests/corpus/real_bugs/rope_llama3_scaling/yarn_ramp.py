"""YaRN's NTK-by-parts ramp with YaRN's defaults for Llama (alpha = beta_slow = 1, beta = beta_fast
= 32 turns) in place of Llama 3.1's band (low_freq_factor = 1 to high_freq_factor = 4 turns).
https://github.com/huggingface/transformers/blob/main/src/transformers/modeling_rope_utils.py"""
import math


def llama3_scale_inv_freq(inv_freq, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0, original_max_positions=8192):
    alpha, beta = 1, 32  # YaRN's beta_slow, beta_fast
    r = original_max_positions / (2 * math.pi / inv_freq)
    gamma = ((r - alpha) / (beta - alpha)).clamp(0, 1)
    return (1 - gamma) * inv_freq / factor + gamma * inv_freq

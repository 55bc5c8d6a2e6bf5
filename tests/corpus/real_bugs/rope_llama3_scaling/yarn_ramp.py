"""YaRN's ramp (linear over the rotary dimensions, i.e. in log wavelength) in place of Llama 3.1's
(linear in original_max_positions / wavelength).
https://github.com/huggingface/transformers/blob/main/src/transformers/modeling_rope_utils.py"""
import math

import torch


def llama3_scale_inv_freq(inv_freq, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0, original_max_positions=8192):
    wavelen = 2 * math.pi / inv_freq
    low = math.log(original_max_positions / high_freq_factor)  # short-wave edge
    high = math.log(original_max_positions / low_freq_factor)  # long-wave edge
    ramp = torch.clamp((wavelen.log() - low) / (high - low), 0, 1)  # 0 keeps f, 1 divides it
    return inv_freq / factor * ramp + inv_freq * (1 - ramp)

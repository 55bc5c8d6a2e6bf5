import math

import torch

from grader.properties import Property, mismatch


def llama3_scale_inv_freq(
    inv_freq: torch.Tensor,
    factor: float = 8.0,
    low_freq_factor: float = 1.0,
    high_freq_factor: float = 4.0,
    original_max_positions: int = 8192,
) -> torch.Tensor:
    # inv_freq: (head_dim // 2,) -> same shape and dtype
    low_freq_wavelen = original_max_positions / low_freq_factor  # longer waves: divide by factor
    high_freq_wavelen = original_max_positions / high_freq_factor  # shorter waves: keep
    wavelen = 2 * math.pi / inv_freq
    smooth = (original_max_positions / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
    blended = (1 - smooth) * inv_freq / factor + smooth * inv_freq
    out = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, blended)
    return torch.where(wavelen < high_freq_wavelen, inv_freq, out)


# Known mistakes: same signature, each wrong in one named way.

def mistake_no_smoothing_band(inv_freq, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0, original_max_positions=8192):
    wavelen = 2 * math.pi / inv_freq
    return torch.where(wavelen < original_max_positions / high_freq_factor, inv_freq, inv_freq / factor)


def mistake_scale_all(inv_freq, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0, original_max_positions=8192):
    return inv_freq / factor


def mistake_wavelength_without_2pi(inv_freq, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0, original_max_positions=8192):
    wavelen = 1 / inv_freq
    smooth = (original_max_positions / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
    blended = (1 - smooth) * inv_freq / factor + smooth * inv_freq
    out = torch.where(wavelen > original_max_positions / low_freq_factor, inv_freq / factor, blended)
    return torch.where(wavelen < original_max_positions / high_freq_factor, inv_freq, out)


def mistake_smooth_reversed(inv_freq, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0, original_max_positions=8192):
    wavelen = 2 * math.pi / inv_freq
    smooth = (original_max_positions / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
    blended = smooth * inv_freq / factor + (1 - smooth) * inv_freq
    out = torch.where(wavelen > original_max_positions / low_freq_factor, inv_freq / factor, blended)
    return torch.where(wavelen < original_max_positions / high_freq_factor, inv_freq, out)


def mistake_unscaled_returned(inv_freq, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0, original_max_positions=8192):
    # the scaled table is computed somewhere, but the original one is what reaches RoPE
    # (felafax#59, mlxcel#1355, unsloth#6197)
    return inv_freq.clone()


def mistake_yarn_ramp(inv_freq, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0, original_max_positions=8192):
    # YaRN's ramp with YaRN's band, r = L / w from beta_slow = 1 to beta_fast = 32 turns, in place
    # of Llama 3.1's from low_freq_factor to high_freq_factor (YaRN, arXiv:2309.00071, section 3.2)
    turns = original_max_positions * inv_freq / (2 * math.pi)  # r = L / w
    gamma = ((turns - 1.0) / (32.0 - 1.0)).clamp(0, 1)
    return (1 - gamma) * inv_freq / factor + gamma * inv_freq


def prop_smooth_ratio(gen: torch.Generator) -> Property:
    # dense, log-spaced frequencies from 1 down to 1e-6, across both band edges
    inv_freq = torch.logspace(0.0, -6.0, 601, dtype=torch.float64)
    offset = float(torch.rand((), generator=gen, dtype=torch.float64)) * 0.01
    inv_freq = inv_freq * 10 ** (-offset)

    def judge(outputs: list) -> str | None:
        (out,) = outputs
        problem = mismatch(out, llama3_scale_inv_freq(inv_freq), rtol=1e-6, atol=0, what="scaled frequencies")
        if problem:
            return problem
        ratio = out.double() / inv_freq  # goes from 1 (short waves) down to 1/8 (long waves)
        if float(ratio.max()) > 1 + 1e-9 or float(ratio.min()) < 1 / 8 - 1e-9:
            return "every frequency must end up between f / factor and f"
        steps = ratio[1:] - ratio[:-1]  # frequencies decrease along the sweep
        if float(steps.max()) > 1e-9:
            return "the scale f_new / f must not increase as the wavelength grows"
        if float(-steps.min()) > 0.05:
            return f"the scale f_new / f jumps by {float(-steps.min()):.3g} between neighbouring frequencies"
        return None

    return Property(calls=[(inv_freq,)], judge=judge)

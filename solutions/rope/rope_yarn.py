import math

import torch

from grader.properties import Property, mismatch


def yarn_parameters(
    inv_freq: torch.Tensor,
    factor: float,
    original_max_positions: int,
    alpha: float = 1.0,
    beta: float = 32.0,
) -> tuple[torch.Tensor, float]:
    # inv_freq: (head_dim // 2,) float32 or float64 -> (scaled inv_freq, same shape and dtype; attention factor)
    rotations = original_max_positions * inv_freq / (2 * math.pi)  # r = L / wavelength
    gamma = ((rotations - alpha) / (beta - alpha)).clamp(0.0, 1.0)  # 0: interpolate fully, 1: keep
    scaled = (1 - gamma) * inv_freq / factor + gamma * inv_freq
    # sqrt(1/t) = 0.1 ln(s) + 1 multiplies q and k (HF: cos and sin), so the logits get 1/t
    return scaled, 0.1 * math.log(factor) + 1.0


# Known mistakes: same signature, each wrong in one named way (none calls the entry point).

def _blend(inv_freq, gamma, factor):
    return (1 - gamma) * inv_freq / factor + gamma * inv_freq


def _gamma(inv_freq, original_max_positions, alpha, beta):
    rotations = original_max_positions * inv_freq / (2 * math.pi)
    return ((rotations - alpha) / (beta - alpha)).clamp(0.0, 1.0)


def mistake_ramp_reversed(inv_freq, factor, original_max_positions, alpha=1.0, beta=32.0):
    gamma = _gamma(inv_freq, original_max_positions, alpha, beta)
    return _blend(inv_freq, 1 - gamma, factor), 0.1 * math.log(factor) + 1.0


def mistake_rotations_without_2pi(inv_freq, factor, original_max_positions, alpha=1.0, beta=32.0):
    gamma = ((original_max_positions * inv_freq - alpha) / (beta - alpha)).clamp(0.0, 1.0)
    return _blend(inv_freq, gamma, factor), 0.1 * math.log(factor) + 1.0


def mistake_ramp_in_wavelength(inv_freq, factor, original_max_positions, alpha=1.0, beta=32.0):
    # the same band edges, but a ramp linear in the wavelength instead of in r = L / wavelength
    wavelen = 2 * math.pi / inv_freq
    long_edge, short_edge = original_max_positions / alpha, original_max_positions / beta
    gamma = ((long_edge - wavelen) / (long_edge - short_edge)).clamp(0.0, 1.0)
    return _blend(inv_freq, gamma, factor), 0.1 * math.log(factor) + 1.0


def mistake_temperature_squared(inv_freq, factor, original_max_positions, alpha=1.0, beta=32.0):
    gamma = _gamma(inv_freq, original_max_positions, alpha, beta)
    return _blend(inv_freq, gamma, factor), (0.1 * math.log(factor) + 1.0) ** 2


def mistake_temperature_log10(inv_freq, factor, original_max_positions, alpha=1.0, beta=32.0):
    gamma = _gamma(inv_freq, original_max_positions, alpha, beta)
    return _blend(inv_freq, gamma, factor), 0.1 * math.log10(factor) + 1.0


def mistake_no_temperature(inv_freq, factor, original_max_positions, alpha=1.0, beta=32.0):
    gamma = _gamma(inv_freq, original_max_positions, alpha, beta)
    return _blend(inv_freq, gamma, factor), 1.0


def _llama31_apply_scaling(freqs, factor, low_freq_factor, high_freq_factor, old_context_len):
    # Meta's apply_scaling (llama-models), written out independently of yarn_parameters
    out = []
    for f in freqs.double().tolist():
        wavelen = 2 * math.pi / f
        if wavelen < old_context_len / high_freq_factor:
            out.append(f)
        elif wavelen > old_context_len / low_freq_factor:
            out.append(f / factor)
        else:
            smooth = (old_context_len / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
            out.append((1 - smooth) * f / factor + smooth * f)
    return torch.tensor(out, dtype=torch.float64)


def prop_beta_4_is_llama31(gen: torch.Generator) -> Property:
    # Llama 3.1's apply_scaling is this ramp with alpha = low_freq_factor = 1, beta = high_freq_factor = 4,
    # factor 8, L = 8192, and no attention factor; YaRN's defaults widen the band to beta = 32
    head_dim = 128
    inv_freq = 500000.0 ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
    inv_freq = inv_freq * (1 + 0.01 * float(torch.rand((), generator=gen)))

    def judge(outputs: list) -> str | None:
        (out,) = outputs
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            return "expected a pair (inv_freq, attention_factor)"
        freqs, attention = out
        problem = mismatch(freqs, yarn_parameters(inv_freq, 8.0, 8192, 1.0, 4.0)[0], rtol=1e-9, atol=0.0,
                           what="frequencies")
        if problem:
            return problem
        problem = mismatch(freqs, _llama31_apply_scaling(inv_freq, 8.0, 1.0, 4.0, 8192), rtol=1e-9, atol=0.0,
                           what="frequencies with alpha 1, beta 4 vs Llama 3.1's apply_scaling")
        if problem:
            return problem
        if not isinstance(attention, float) or abs(attention - (0.1 * math.log(8.0) + 1.0)) > 1e-9:
            return f"the attention factor for factor 8 must be 0.1 * ln(8) + 1, got {attention!r}"
        return None

    return Property(calls=[(inv_freq, 8.0, 8192, 1.0, 4.0)], judge=judge)


def prop_ramp_between_pi_and_rope(gen: torch.Generator) -> Property:
    # over a dense sweep: wavelengths above L / alpha are divided by s (PI), below L / beta kept (RoPE),
    # and in between the ratio f_new / f falls steadily from 1 to 1 / s
    factor = 4.0 + 28.0 * float(torch.rand((), generator=gen))
    original = 4096
    inv_freq = torch.logspace(0.0, -6.0, 801, dtype=torch.float64)

    def judge(outputs: list) -> str | None:
        (out,) = outputs
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            return "expected a pair (inv_freq, attention_factor)"
        freqs = out[0]
        problem = mismatch(freqs, yarn_parameters(inv_freq, factor, original)[0], rtol=1e-9, atol=0.0,
                           what="scaled frequencies")
        if problem:
            return problem
        ratio = freqs.double() / inv_freq
        wavelen = 2 * math.pi / inv_freq
        if (ratio[wavelen < original / 32.0] - 1).abs().max() > 1e-12:
            return "frequencies with wavelength below L / beta must be kept"
        if (ratio[wavelen > original / 1.0] * factor - 1).abs().max() > 1e-12:
            return "frequencies with wavelength above L / alpha must be divided by factor"
        steps = ratio[1:] - ratio[:-1]  # wavelengths grow along the sweep
        if float(steps.max()) > 1e-12:
            return "the ratio f_new / f must not increase as the wavelength grows"
        return None

    return Property(calls=[(inv_freq, factor, original)], judge=judge)

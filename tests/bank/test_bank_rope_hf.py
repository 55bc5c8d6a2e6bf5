"""The context-extension references against Hugging Face's own functions, where HF's numbers and
ours must agree: the shared ends of YaRN's ramp and its attention factor, dynamic NTK at every
length, and linear scaling. (Case-by-case grading of HF wrappers is tests/interop/.)"""

from __future__ import annotations

import math

import pytest
import torch

pytest.importorskip("transformers")

from transformers import LlamaConfig  # noqa: E402
from transformers.modeling_rope_utils import (  # noqa: E402
    _compute_dynamic_ntk_parameters,
    _compute_linear_scaling_rope_parameters,
    _compute_yarn_parameters,
)

from conftest import question, solution  # noqa: E402


def reference(qid: str):
    return getattr(solution(qid), question(qid).entry_point)


def config(head_dim, max_positions, **rope):
    return LlamaConfig(hidden_size=head_dim, num_attention_heads=1, head_dim=head_dim,
                       max_position_embeddings=max_positions, rope_parameters=rope)


def plain_inv_freq(head_dim, base):
    return 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))


@pytest.mark.parametrize("head_dim,base,factor,original", [
    (128, 10000.0, 16.0, 4096),   # Llama 2 to 64k
    (128, 10000.0, 32.0, 4096),   # Llama 2 to 128k
    (128, 500000.0, 8.0, 8192),   # Llama 3 frequencies
    (64, 10000.0, 4.0, 2048),
])
def test_yarn_agrees_with_hf_outside_the_ramp_and_on_the_attention_factor(head_dim, base, factor, original):
    cfg = config(head_dim, int(factor * original), rope_type="yarn", rope_theta=base, factor=factor,
                 original_max_position_embeddings=original)
    hf_freq, hf_attention = _compute_yarn_parameters(cfg)
    ours, attention = reference("rope-yarn")(plain_inv_freq(head_dim, base), factor, original)
    assert attention == pytest.approx(hf_attention, rel=1e-12) and attention == pytest.approx(0.1 * math.log(factor) + 1)

    # HF's ramp runs over pair indices between floor(i(beta)) and ceil(i(alpha)), where
    # i(n) = d * ln(L / (2 pi n)) / (2 ln base) is the pair that turns n times within L
    def pair(turns):
        return head_dim * math.log(original / (turns * 2 * math.pi)) / (2 * math.log(base))

    low, high = math.floor(pair(32.0)), math.ceil(pair(1.0))
    i = torch.arange(head_dim // 2)
    kept, interpolated = i < low, i > high
    assert kept.any() and interpolated.any()
    torch.testing.assert_close(ours[kept], hf_freq[kept], rtol=1e-6, atol=0)
    torch.testing.assert_close(ours[interpolated], hf_freq[interpolated], rtol=1e-6, atol=0)
    torch.testing.assert_close(ours[kept], plain_inv_freq(head_dim, base)[kept], rtol=0, atol=0)
    # inside the band the two discretisations differ (which is why the question states the paper's)
    band = ~(kept | interpolated)
    assert not torch.allclose(ours[band], hf_freq[band], rtol=1e-3, atol=0)


@pytest.mark.parametrize("factor,original,seq_len", [
    (4.0, 4096, 3500), (2.0, 4096, 4096), (2.0, 4096, 8192), (4.0, 8192, 20000), (8.0, 2048, 100000),
])
def test_dynamic_ntk_equals_hf(factor, original, seq_len):
    for head_dim, base in ((128, 10000.0), (64, 500000.0)):
        cfg = config(head_dim, original, rope_type="dynamic", rope_theta=base, factor=factor)
        hf_freq, _ = _compute_dynamic_ntk_parameters(cfg, seq_len=seq_len)
        ours = reference("rope-ntk-scaling")(head_dim, base, factor, seq_len, original)
        torch.testing.assert_close(ours, hf_freq, rtol=2e-6, atol=0)


@pytest.mark.parametrize("s", [2.0, 2.5, 8.0, 16.0])
def test_static_ntk_is_hf_dynamic_at_s_times_the_context_with_factor_1(s):
    # the YaRN paper's dynamic rule (s = seq_len / L) is HF's with factor 1
    cfg = config(128, 4096, rope_type="dynamic", rope_theta=10000.0, factor=1.0)
    hf_freq, _ = _compute_dynamic_ntk_parameters(cfg, seq_len=s * 4096)
    torch.testing.assert_close(reference("rope-ntk-scaling")(128, 10000.0, s), hf_freq, rtol=2e-6, atol=0)


@pytest.mark.parametrize("factor", [1.0, 2.0, 4.0, 8.0])
def test_position_interpolation_equals_hf_linear_scaling(factor):
    cfg = config(64, 2048, rope_type="linear", rope_theta=10000.0, factor=factor)
    hf_freq, _ = _compute_linear_scaling_rope_parameters(cfg)
    positions = torch.arange(0, 16384, 7)
    angles = torch.outer(positions.float(), hf_freq)
    cos, sin = reference("rope-position-interpolation")(positions, 64, factor)
    torch.testing.assert_close(cos, angles.cos(), rtol=0, atol=2e-3)
    torch.testing.assert_close(sin, angles.sin(), rtol=0, atol=2e-3)

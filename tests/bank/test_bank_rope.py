"""The RoPE code questions: YAML, reference, independent implementations, mistakes, properties.

The context-extension questions (PI, NTK, YaRN) are also checked against Hugging Face's own
functions in test_bank_rope_hf.py."""

from __future__ import annotations

import math

import pytest
import torch

from conftest import builtin_bank, case_inputs, fresh, load_module, question, solution, stub
from grader.grading.compare import compare

IDS = [
    "rope-frequencies",
    "rope-apply-interleaved",
    "rope-apply-half",
    "rope-layout-permutation",
    "rope-llama3-scaling",
    "rope-position-interpolation",
    "rope-ntk-scaling",
    "rope-yarn",
]


def tolerance_for(qid):
    return question(qid).grading.tolerance


# ---------------------------------------------------------------- independent implementations


def freqs_float64(head_dim, max_positions, base=10000.0):
    i = torch.arange(head_dim // 2, dtype=torch.float64)
    angles = torch.arange(max_positions, dtype=torch.float64)[:, None] * base ** (-2.0 * i / head_dim)
    return angles.cos().float(), angles.sin().float()


def freqs_polar(head_dim, max_positions, base=10000.0):
    # Meta's precompute_freqs_cis, then split the complex numbers
    theta = 1.0 / (base ** (torch.arange(0, head_dim, 2)[: head_dim // 2].float() / head_dim))
    angles = torch.outer(torch.arange(max_positions, dtype=torch.float32), theta)
    cis = torch.polar(torch.ones_like(angles), angles)
    return cis.real.contiguous(), cis.imag.contiguous()


def rope_complex(x, positions, base=10000.0):
    # Meta's form: adjacent pairs as complex numbers times exp(i * m * theta), in complex64
    d = x.shape[-1]
    theta = 1.0 / (base ** (torch.arange(0, d, 2)[: d // 2].float() / d))
    cis = torch.polar(torch.ones(len(positions), d // 2), torch.outer(positions.float(), theta))
    xc = torch.view_as_complex(x.float().reshape(*x.shape[:-1], -1, 2))
    return torch.view_as_real(xc * cis[None, :, None, :]).flatten(3).type_as(x)


def rope_float64(x, positions, base=10000.0, half=False):
    d = x.shape[-1]
    i = torch.arange(d // 2, dtype=torch.float64)
    angles = positions.double()[:, None] * base ** (-2.0 * i / d)
    c, s = angles.cos()[None, :, None, :], angles.sin()[None, :, None, :]
    xd = x.double()
    if half:
        a, b = xd[..., : d // 2], xd[..., d // 2 :]
        return torch.cat((a * c - b * s, a * s + b * c), dim=-1).to(x.dtype)
    a, b = xd[..., 0::2], xd[..., 1::2]
    return torch.stack((a * c - b * s, a * s + b * c), dim=-1).flatten(-2).to(x.dtype)


def rope_half_float64(x, positions, base=10000.0):
    return rope_float64(x, positions, base, half=True)


def rope_hf(x, positions, base=10000.0):
    # Hugging Face's kernel: cos/sin from cat(freqs, freqs) in float32, cast to x.dtype, product in x.dtype
    d = x.shape[-1]
    inv_freq = 1.0 / (base ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    freqs = (inv_freq[:, None] @ positions[None, :].float()).transpose(0, 1)  # (seq, d/2)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos = emb.cos().to(x.dtype)[None, :, None, :]
    sin = emb.sin().to(x.dtype)[None, :, None, :]
    x1, x2 = x[..., : d // 2], x[..., d // 2 :]
    return x * cos + torch.cat((-x2, x1), dim=-1) * sin


def perm_from_hf_conversion(head_dim):
    # the per-head row reordering of HF's conversion script, applied to row indices
    return torch.arange(head_dim).view(head_dim // 2, 2).transpose(0, 1).reshape(head_dim)


def perm_by_search(head_dim):
    # the defining relation, solved for each output slot k
    perm = []
    for k in range(head_dim):
        j, second = k % (head_dim // 2), k >= head_dim // 2
        perm.append(2 * j + int(second))
    return torch.tensor(perm, dtype=torch.int64)


def scaling_loop(inv_freq, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0, original_max_positions=8192):
    # one frequency at a time, each a 0-d tensor of the input dtype, like the loop in Meta's first release
    out = []
    for f in inv_freq:
        w = 2 * math.pi / f
        if w < original_max_positions / high_freq_factor:
            out.append(f)
        elif w > original_max_positions / low_freq_factor:
            out.append(f / factor)
        else:
            s = (original_max_positions / w - low_freq_factor) / (high_freq_factor - low_freq_factor)
            out.append((1 - s) * f / factor + s * f)
    return torch.stack(out).to(inv_freq.dtype)


def scaling_python_floats(inv_freq, factor=8.0, low_freq_factor=1.0, high_freq_factor=4.0, original_max_positions=8192):
    out = []
    for f in inv_freq.double().tolist():
        w = 2 * math.pi / f
        s = min(max((original_max_positions / w - low_freq_factor) / (high_freq_factor - low_freq_factor), 0.0), 1.0)
        out.append((1 - s) * f / factor + s * f)
    return torch.tensor(out, dtype=torch.float64).to(inv_freq.dtype)


def pi_float64(positions, head_dim, factor, base=10000.0):
    # Chen et al.: angles at positions m * L / L' = m / factor, all in float64
    i = torch.arange(head_dim // 2, dtype=torch.float64)
    angles = (positions.double() / factor)[:, None] * base ** (-2.0 * i / head_dim)
    return angles.cos().float(), angles.sin().float()


def pi_scaled_frequencies(positions, head_dim, factor, base=10000.0):
    # HF's linear rope type: the factor folded into inv_freq, positions unchanged
    inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim)) / factor
    angles = (inv_freq[:, None] @ positions[None, :].float()).transpose(0, 1)
    return angles.cos(), angles.sin()


def ntk_float64(head_dim, base, factor, seq_len=None, original_max_positions=None):
    # in log space: log base' = log base + d / (d - 2) * log s
    if seq_len is None:
        s = factor
    else:
        s = factor * max(seq_len, original_max_positions) / original_max_positions - (factor - 1)
    log_base = math.log(base) + head_dim / (head_dim - 2) * math.log(s)
    i = torch.arange(head_dim // 2, dtype=torch.float64)
    return torch.exp(-2.0 * i / head_dim * log_base).float()


def ntk_per_pair(head_dim, base, factor, seq_len=None, original_max_positions=None):
    # pair i of base' ** (-2i/d) is RoPE's theta_i divided by s ** (2i / (d - 2))
    if seq_len is None:
        s = factor
    else:
        s = factor * max(seq_len, original_max_positions) / original_max_positions - (factor - 1)
    out = [base ** (-2.0 * i / head_dim) / s ** (2.0 * i / (head_dim - 2)) for i in range(head_dim // 2)]
    return torch.tensor(out, dtype=torch.float64).float()


def yarn_float64(inv_freq, factor, original_max_positions, alpha=1.0, beta=32.0):
    # the paper's Definition: h(theta) = (1 - gamma(r)) theta / s + gamma(r) theta, r = L / wavelength
    out = []
    for theta in inv_freq.double().tolist():
        r = original_max_positions / (2 * math.pi / theta)
        gamma = 0.0 if r < alpha else 1.0 if r > beta else (r - alpha) / (beta - alpha)
        out.append((1 - gamma) * theta / factor + gamma * theta)
    return torch.tensor(out, dtype=torch.float64).to(inv_freq.dtype), 0.1 * math.log(factor) + 1.0


def yarn_via_llama31(inv_freq, factor, original_max_positions, alpha=1.0, beta=32.0):
    # Llama 3.1's scaling (this file's loop) is the same ramp with low_freq_factor = alpha, high = beta
    freqs = scaling_loop(inv_freq, factor, alpha, beta, original_max_positions)
    return freqs, 1.0 + 0.1 * math.log(factor)


INDEPENDENT = {
    "rope-frequencies": [freqs_float64, freqs_polar],
    "rope-apply-interleaved": [rope_complex, rope_float64],
    "rope-apply-half": [rope_hf, rope_half_float64],
    "rope-layout-permutation": [perm_from_hf_conversion, perm_by_search],
    "rope-llama3-scaling": [scaling_loop, scaling_python_floats],
    "rope-position-interpolation": [pi_float64, pi_scaled_frequencies],
    "rope-ntk-scaling": [ntk_float64, ntk_per_pair],
    "rope-yarn": [yarn_float64, yarn_via_llama31],
}


# ---------------------------------------------------------------- (1) the YAML loads


@pytest.mark.parametrize("qid", IDS)
def test_question_loads_with_stub_and_reference(qid):
    q = question(qid)
    assert q.kind == "code" and q.topic == "rope"
    assert builtin_bank().stub_path(qid).is_file()
    assert builtin_bank().solution_path(qid).is_file()
    assert len(q.hints) >= 2 and len(q.grading.cases) >= 5
    sol = solution(qid)
    assert callable(getattr(sol, q.entry_point))
    for m in q.grading.mistakes:
        assert callable(getattr(sol, m.function_name)), m.id
    for p in q.grading.properties:
        assert callable(getattr(sol, p.function)), p.name
    # case arguments follow the signature's order
    import inspect

    params = list(inspect.signature(getattr(sol, q.entry_point)).parameters)
    for c in q.grading.cases:
        names = list(c.args)
        assert names == params[: len(names)], (c.name, names)
    # the untouched stub raises
    _, args = case_inputs(q)[0]
    with pytest.raises(NotImplementedError):
        getattr(stub(qid), q.entry_point)(*args)


def test_flagship_covers_the_rope_myths():
    q = question("rope-apply-interleaved")
    assert {"S1", "S2", "S3", "S4", "S5"} <= set(q.corrects)
    urls = " ".join(s.url for s in q.sources)
    assert "2104.09864" in urls and "meta-llama/llama" in urls
    assert len(q.grading.cases) >= 8 and len(q.grading.mistakes) >= 3 and len(q.grading.properties) >= 3


# ---------------------------------------------------------------- (2) reference vs independent implementations


@pytest.mark.parametrize("qid", IDS)
def test_reference_matches_independent_implementations(qid):
    q = question(qid)
    ref = getattr(solution(qid), q.entry_point)
    for case, args in case_inputs(qid):
        expected = ref(*fresh(args))
        for impl in INDEPENDENT[qid]:
            got = impl(*fresh(args))
            problem = compare(got, expected, q.grading.tolerance)
            assert problem is None, f"{qid} / {case.name} / {impl.__name__}: {problem}"
            # and with a margin: correct kernels use at most half of the tolerance
            ratio = _ratio(got, expected, q.grading.tolerance)
            assert ratio < 0.5, f"{qid} / {case.name} / {impl.__name__}: {ratio:.2f} of the tolerance"


@pytest.mark.parametrize("qid", ["rope-apply-interleaved", "rope-apply-half"])
def test_rope_keeps_shape_and_dtype(qid):
    q = question(qid)
    ref = getattr(solution(qid), q.entry_point)
    dtypes = set()
    for case, args in case_inputs(qid):
        out = ref(*fresh(args))
        assert out.shape == args[0].shape and out.dtype == args[0].dtype, case.name
        dtypes.add(out.dtype)
    assert {torch.float32, torch.float16, torch.bfloat16} <= dtypes


def test_frequencies_and_permutation_output_types():
    cos, sin = solution("rope-frequencies").rope_frequencies(128, 16, 500000.0)
    assert cos.dtype == sin.dtype == torch.float32 and cos.shape == sin.shape == (16, 64)
    perm = solution("rope-layout-permutation").interleaved_to_half_permutation(8)
    assert perm.dtype == torch.int64 and perm.tolist() == [0, 2, 4, 6, 1, 3, 5, 7]


def test_llama31_scaling_constants():
    scale = solution("rope-llama3-scaling").llama3_scale_inv_freq
    two_pi = 2 * math.pi
    f = torch.tensor([two_pi / 1000.0, two_pi / 20000.0, two_pi / 4096.0], dtype=torch.float64)
    out = scale(f)
    assert out[0] == f[0]  # wavelength 1000 < 2048: kept
    assert torch.isclose(out[1], f[1] / 8)  # wavelength 20000 > 8192: divided by 8
    s = (8192 / 4096 - 1) / 3  # wavelength 4096 in the band
    assert torch.isclose(out[2], (1 - s) * f[2] / 8 + s * f[2])


# ---------------------------------------------------------------- (3) mistakes fail, and are told apart


def _ratio(actual, expected, tolerance):
    """Greatest error as a multiple of the tolerance (inf for shape, dtype or integer mismatches)."""
    if isinstance(expected, (tuple, list)):
        return max(_ratio(a, e, tolerance) for a, e in zip(actual, expected))
    if isinstance(expected, float):  # judged like the grader: at the float64 tolerance
        tol = tolerance("float64")
        return abs(actual - expected) / (tol.atol + tol.rtol * abs(expected) + 1e-300)
    if actual.shape != expected.shape or actual.dtype != expected.dtype:
        return math.inf
    if not expected.dtype.is_floating_point:
        return 0.0 if torch.equal(actual, expected) else math.inf
    tol = tolerance(str(expected.dtype).removeprefix("torch."))
    err = (actual.double() - expected.double()).abs() / (tol.atol + tol.rtol * expected.double().abs())
    return float(err.max())


@pytest.mark.parametrize("qid", IDS)
def test_every_mistake_fails_widely_and_is_diagnosed_as_itself(qid):
    q = question(qid)
    sol = solution(qid)
    ref = getattr(sol, q.entry_point)
    mistakes = {m.id: getattr(sol, m.function_name) for m in q.grading.mistakes}
    assert len(mistakes) >= 3
    failed = {mid: 0 for mid in mistakes}
    diagnosed = {mid: 0 for mid in mistakes}
    for case, args in case_inputs(qid):
        expected = ref(*fresh(args))
        outputs = {mid: f(*fresh(args)) for mid, f in mistakes.items()}
        for mid, out in outputs.items():
            ratio = _ratio(out, expected, q.grading.tolerance)
            if ratio <= 1:
                continue
            if not failed[mid]:  # the grader's own comparison agrees (once per mistake: it is slow on big tables)
                assert compare(out, expected, q.grading.tolerance) is not None, (mid, case.name)
            failed[mid] += 1
            assert ratio > 10, f"{mid} fails {case.name} by less than 10x ({ratio:.3g})"
            # diagnosis: the learner's output (here, exactly this mistake's) is within tolerance of no other mistake
            others = [oid for oid, other in outputs.items() if oid != mid and _ratio(out, other, q.grading.tolerance) <= 1]
            if not others:
                diagnosed[mid] += 1
    assert all(failed.values()), f"mistakes that never fail: {[m for m, n in failed.items() if not n]}"
    assert all(diagnosed.values()), f"mistakes never told apart: {[m for m, n in diagnosed.items() if not n]}"


@pytest.mark.parametrize("qid", IDS)
def test_mistakes_run_as_a_submission(qid):
    """A learner's file that makes the mistake is the solution module with the entry point
    rebound to it (as `llamaprep validate` builds it): a mistake must not call the entry point."""
    q = question(qid)
    case, args = case_inputs(qid)[0]
    for m in q.grading.mistakes:
        module = load_module(builtin_bank().solution_path(qid), f"test_rope_rebound_{q.file_stem}_{m.function_name}")
        setattr(module, q.entry_point, getattr(module, m.function_name))
        expected = getattr(solution(qid), m.function_name)(*fresh(args))
        got = getattr(module, q.entry_point)(*fresh(args))
        assert compare(got, expected, q.grading.tolerance) is None, m.id


# ---------------------------------------------------------------- (4) properties


def _run_property(fn, gen_seed, impl):
    prop = fn(torch.Generator().manual_seed(gen_seed))
    outputs = [impl(*fresh(call)) for call in prop.calls]
    return prop.judge(outputs)


def _constant_like(value):
    if isinstance(value, tuple):
        return tuple(_constant_like(v) for v in value)
    if isinstance(value, float):
        return 0.0
    return torch.zeros_like(value)


@pytest.mark.parametrize("qid", IDS)
def test_properties_hold_for_reference_and_catch_wrong_answers(qid):
    q = question(qid)
    sol = solution(qid)
    ref = getattr(sol, q.entry_point)
    assert q.grading.properties
    for p in q.grading.properties:
        fn = getattr(sol, p.function)
        for seed in (0, 1, 2):
            assert _run_property(fn, seed, ref) is None, f"{p.name} fails on the reference (seed {seed})"
            for impl in INDEPENDENT[qid]:
                assert _run_property(fn, seed, impl) is None, f"{p.name} fails on {impl.__name__}"
        caught = [m.id for m in q.grading.mistakes if _run_property(fn, 0, getattr(sol, m.function_name))]
        constant = _run_property(fn, 0, lambda *a: _constant_like(ref(*a)))
        assert caught or constant, f"{p.name} catches neither a mistake nor a constant output"
        assert constant is not None, f"{p.name} accepts a constant output"


def test_rope_properties_catch_what_they_are_about():
    inter = solution("rope-apply-interleaved")
    # the pair-norm check in Meta's layout catches the rotate-half layout on its own merits
    assert _run_property(inter.prop_pair_norms, 0, inter.mistake_rotate_half_layout)
    assert _run_property(inter.prop_position_zero_identity, 0, inter.mistake_positions_ignored)
    # a translation (the source's "RoPE") breaks the relative-position property
    assert _run_property(inter.prop_relative_position, 0, lambda x, p, base=10000.0: x + 0.5)
    half = solution("rope-apply-half")
    assert _run_property(half.prop_pair_norms, 0, half.mistake_interleaved_layout)
    perm = solution("rope-layout-permutation")
    for m in ("inverse_permutation", "identity", "odds_first"):
        assert _run_property(perm.prop_layouts_agree, 0, getattr(perm, "mistake_" + m))
    scaling = solution("rope-llama3-scaling")
    for m in ("no_smoothing_band", "scale_all", "smooth_reversed", "wavelength_without_2pi"):
        assert _run_property(scaling.prop_smooth_ratio, 0, getattr(scaling, "mistake_" + m))

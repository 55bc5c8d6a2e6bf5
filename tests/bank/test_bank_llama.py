"""The capstone llama-attention-block: pre-norm, interleaved RoPE on q and k, causal GQA, residual.

The reference is checked against an implementation composed from library pieces
(F.rms_norm, complex-number RoPE as in Meta's apply_rotary_emb, and
scaled_dot_product_attention with enable_gqa=True) and against Meta's order of
operations in the input dtype; every mistake must fail and be recognisable; the
properties must hold on the reference and fail on the mistakes they target.
"""

from __future__ import annotations

import inspect
import math

import pytest
import torch
import torch.nn.functional as F

import conftest
from conftest import assert_agrees, case_inputs, excess, fresh, question, solution
from grader.grading.compare import compare
from grader.grading.inputs import build_args

QID = "llama-attention-block"


@pytest.fixture(scope="module")
def q():
    return question(QID)


@pytest.fixture(scope="module")
def mod():
    return solution(QID)


# ---------------------------------------------------------------- independent implementations


def complex_rope(t: torch.Tensor, positions: torch.Tensor, base: float) -> torch.Tensor:
    """Meta's apply_rotary_emb: float32 frequencies, torch.polar, adjacent pairs as complex numbers."""
    head_dim = t.shape[-1]
    freqs = 1.0 / (base ** (torch.arange(0, head_dim, 2)[: head_dim // 2].float() / head_dim))
    freqs_cis = torch.polar(torch.ones(len(positions), head_dim // 2), torch.outer(positions.float(), freqs))
    tc = torch.view_as_complex(t.float().reshape(*t.shape[:-1], -1, 2))
    return torch.view_as_real(tc * freqs_cis[None, :, None, :]).flatten(3).type_as(t)


def block_from_library(x, norm_weight, wq, wk, wv, wo, n_heads, n_kv_heads, positions, eps=1e-5, rope_base=10000.0):
    """F.rms_norm + complex RoPE + sdpa(enable_gqa=True), all in the input dtype."""
    bs, seqlen, dim = x.shape
    head_dim = wq.shape[0] // n_heads
    h = F.rms_norm(x, (dim,), norm_weight, eps)
    xq = complex_rope(F.linear(h, wq).view(bs, seqlen, n_heads, head_dim), positions, rope_base)
    xk = complex_rope(F.linear(h, wk).view(bs, seqlen, n_kv_heads, head_dim), positions, rope_base)
    xv = F.linear(h, wv).view(bs, seqlen, n_kv_heads, head_dim)
    out = F.scaled_dot_product_attention(
        xq.transpose(1, 2), xk.transpose(1, 2), xv.transpose(1, 2), is_causal=True, enable_gqa=True
    )
    return x + F.linear(out.transpose(1, 2).reshape(bs, seqlen, -1), wo)


def block_meta_order(x, norm_weight, wq, wk, wv, wo, n_heads, n_kv_heads, positions, eps=1e-5, rope_base=10000.0):
    """Meta's model.py: RMSNorm in float32 then type_as, matmuls in the input dtype, expand+reshape repeat_kv."""
    bs, seqlen, dim = x.shape
    head_dim = wq.shape[0] // n_heads
    xf = x.float()
    h = (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).type_as(x) * norm_weight
    xq = complex_rope(F.linear(h, wq).view(bs, seqlen, n_heads, head_dim), positions, rope_base)
    xk = complex_rope(F.linear(h, wk).view(bs, seqlen, n_kv_heads, head_dim), positions, rope_base)
    xv = F.linear(h, wv).view(bs, seqlen, n_kv_heads, head_dim)
    n_rep = n_heads // n_kv_heads

    def repeat(t):
        return t[:, :, :, None, :].expand(bs, seqlen, n_kv_heads, n_rep, head_dim).reshape(bs, seqlen, n_heads, head_dim)

    keys, values = repeat(xk).transpose(1, 2), repeat(xv).transpose(1, 2)
    scores = xq.transpose(1, 2) @ keys.transpose(2, 3) / math.sqrt(head_dim)
    scores = scores + torch.full((seqlen, seqlen), float("-inf")).triu(1).to(scores.dtype)
    probs = F.softmax(scores.float(), dim=-1).type_as(xq)
    out = (probs @ values).transpose(1, 2).reshape(bs, seqlen, -1)
    return x + F.linear(out, wo)


def block_rotate_half_permuted(x, norm_weight, wq, wk, wv, wo, n_heads, n_kv_heads, positions, eps=1e-5, rope_base=10000.0):
    """Hugging Face's route: permute wq/wk rows per head to the half layout, rotate_half, permute back.

    The permutation makes the half layout reproduce Meta's, so the block output is unchanged.
    """
    bs, seqlen, dim = x.shape
    head_dim = wq.shape[0] // n_heads
    perm = torch.cat((torch.arange(0, head_dim, 2), torch.arange(1, head_dim, 2)))  # interleaved -> half

    def permute_rows(w, n):
        return w.view(n, head_dim, dim)[:, perm].reshape(n * head_dim, dim)

    h = F.rms_norm(x.double(), (dim,), norm_weight.double(), eps)
    theta = rope_base ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)
    ang = positions.double()[:, None] * theta
    cos = torch.cat((ang.cos(), ang.cos()), -1)[None, :, None, :]
    sin = torch.cat((ang.sin(), ang.sin()), -1)[None, :, None, :]

    def rot(t):
        half = torch.cat((-t[..., head_dim // 2:], t[..., : head_dim // 2]), -1)
        return t * cos + half * sin

    xq = rot(F.linear(h, permute_rows(wq.double(), n_heads)).view(bs, seqlen, n_heads, head_dim))
    xk = rot(F.linear(h, permute_rows(wk.double(), n_kv_heads)).view(bs, seqlen, n_kv_heads, head_dim))
    xv = F.linear(h, wv.double()).view(bs, seqlen, n_kv_heads, head_dim)
    out = F.scaled_dot_product_attention(
        xq.transpose(1, 2), xk.transpose(1, 2), xv.transpose(1, 2), is_causal=True, enable_gqa=True
    )
    return (x.double() + F.linear(out.transpose(1, 2).reshape(bs, seqlen, -1), wo.double())).to(x.dtype)


# ---------------------------------------------------------------- tests


def test_question_is_complete(q, mod):
    assert q.kind == "code" and q.points == 10 and q.topic == "llama"
    assert len(q.grading.cases) >= 6
    assert len(q.grading.mistakes) >= 2
    assert 2 <= len(q.hints) <= 3
    urls = " ".join(s.url for s in q.sources)
    assert "2302.13971" in urls and "2305.13245" in urls
    assert set(q.corrects) == {"S5", "S10"}
    params = list(inspect.signature(mod.llama_attention_block).parameters)
    for case in q.grading.cases:
        keys = list(case.args)
        assert keys == params[: len(keys)], case.name
    stub = conftest.stub(QID)
    assert list(inspect.signature(stub.llama_attention_block).parameters) == params
    _, args = case_inputs(q)[0]
    with pytest.raises(NotImplementedError):
        stub.llama_attention_block(*args)


def test_cases_cover_the_brief(q):
    seen = []
    for _case, args in case_inputs(q):
        x, positions = args[0], args[8]
        seen.append((x.shape[0], x.dtype, args[6], args[7], int(positions[0]), x.is_contiguous()))
    assert any(b == 1 for b, *_ in seen)
    assert torch.bfloat16 in {s[1] for s in seen}
    assert any(h == g for _, _, h, g, *_ in seen), "MHA"
    assert any(g == 1 for _, _, _, g, *_ in seen), "MQA"
    assert any(p0 > 0 for *_, p0, _ in seen), "positions with an offset"


@pytest.mark.parametrize("impl", [block_from_library, block_meta_order, block_rotate_half_permuted])
def test_reference_agrees_with_independent_implementations(q, mod, impl):
    for case, args in case_inputs(q):
        expected = mod.llama_attention_block(*fresh(args))
        assert expected.dtype == args[0].dtype and expected.shape == args[0].shape
        actual = impl(*fresh(args))
        assert_agrees(actual, expected, q, f"{impl.__name__} on {case.name!r}")


def test_reduced_precision_margin_over_many_seeds(q, mod):
    reduced = [c for c in q.grading.cases if c.args["x"].get("dtype") in ("bfloat16", "float16")]
    assert reduced
    for case in reduced:
        for seed in range(4):
            args = build_args(q.id, case.name, case.args, seed)
            expected = mod.llama_attention_block(*fresh(args))
            for impl in (block_from_library, block_meta_order):
                assert excess(impl(*fresh(args)), expected, q) < 0.8, (case.name, seed, impl.__name__)


def test_inputs_are_not_modified(q, mod):
    _, args = case_inputs(q)[0]
    before = fresh(args)
    mod.llama_attention_block(*args)
    for a, b in zip(args, before):
        if isinstance(a, torch.Tensor):
            assert torch.equal(a, b)


def test_every_mistake_fails_and_is_recognisable(q, mod):
    runs = []
    for case, args in case_inputs(q):
        expected = mod.llama_attention_block(*fresh(args))
        wrong = {m.id: getattr(mod, m.function_name)(*fresh(args)) for m in q.grading.mistakes}
        runs.append((case, expected, wrong))
    for m in q.grading.mistakes:
        failing = [(c, e, w) for c, e, w in runs if compare(w[m.id], e, q.grading.tolerance) is not None]
        assert failing, f"mistake {m.id} passes every case"
        wide = [(c, e, w) for c, e, w in failing if excess(w[m.id], e, q) > 10]
        assert wide, f"mistake {m.id} never fails by 10x the tolerance"
        assert any(
            all(compare(w[m.id], w[o], q.grading.tolerance) is not None for o in w if o != m.id) for _, _, w in wide
        ), f"mistake {m.id} is confusable with another mistake wherever it fails"


def test_mistakes_do_what_their_names_say(mod):
    g = torch.Generator().manual_seed(5)
    dim, n_heads, n_kv = 32, 4, 2
    x = torch.randn(1, 4, dim, generator=g)
    nw = torch.ones(dim)
    wq, wk, wv = (torch.randn(n * 8, dim, generator=g) * 0.2 for n in (n_heads, n_kv, n_kv))
    wo = torch.randn(dim, n_heads * 8, generator=g) * 0.2
    pos = torch.arange(4)
    args = (x, nw, wq, wk, wv, wo, n_heads, n_kv, pos)
    ref = mod.llama_attention_block(*args)
    assert torch.allclose(mod.mistake_no_residual(*args), ref - x, atol=1e-5)
    # the last token sees every token with or without the mask: no-causal-mask changes only earlier rows
    unmasked = mod.mistake_no_causal_mask(*args)
    assert torch.allclose(unmasked[:, -1], ref[:, -1], atol=1e-5)
    assert not torch.allclose(unmasked[:, 0], ref[:, 0], atol=1e-2)
    # post-norm output has unit root mean square (weight of ones)
    post = mod.mistake_post_norm(*args)
    assert torch.allclose(post.pow(2).mean(-1), torch.ones(1, 4), atol=1e-3)
    # at position 0 every rotation is the identity: rotating v changes nothing there
    assert torch.allclose(mod.mistake_rope_on_values(*args)[:, 0], ref[:, 0], atol=1e-5)


def test_properties(q, mod):
    def run(fn_name, impl):
        prop = getattr(mod, fn_name)(torch.Generator().manual_seed(0))
        return prop.judge([impl(*fresh(call)) for call in prop.calls])

    def constant(x, *rest):
        return torch.zeros_like(x)

    for p in q.grading.properties:
        assert run(p.function, mod.llama_attention_block) is None, p.name
        assert run(p.function, block_from_library) is None, p.name
        assert run(p.function, constant) is not None, p.name
        assert any(run(p.function, getattr(mod, m.function_name)) for m in q.grading.mistakes), p.name
    # each property catches the mistake it is about
    assert run("prop_relative_positions", mod.mistake_rope_on_values) is not None
    assert run("prop_identity_without_output_projection", mod.mistake_no_residual) is not None
    assert run("prop_identity_without_output_projection", mod.mistake_post_norm) is not None

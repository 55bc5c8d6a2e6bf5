"""llama-swiglu-ffn and llama-decoder-layer: each reference against implementations written
independently of it (F.silu / F.rms_norm / complex-number RoPE / sdpa with enable_gqa in the
input dtype, Meta's order of operations, and Hugging Face's LlamaMLP and LlamaDecoderLayer when
transformers is installed), the hidden-size rule against the published sizes, the layer as
the composition of the two existing sub-block references, and every named mistake failing
and recognisable.
"""

from __future__ import annotations

import inspect
import math

import pytest
import torch
import torch.nn.functional as F
from test_bank_gqa import check_mistakes, check_properties, run_property

from conftest import assert_agrees, case_inputs, excess, fresh, question, solution, stub
from grader.grading.compare import compare
from grader.grading.inputs import build_args

FFN, LAYER = "llama-swiglu-ffn", "llama-decoder-layer"


@pytest.mark.parametrize("qid", [FFN, LAYER])
def test_question_is_complete(qid):
    q = question(qid)
    assert q.kind == "code" and q.points == 10 and q.topic == "llama"
    assert len(q.grading.cases) >= 8 and len(q.grading.mistakes) >= 5 and len(q.grading.properties) >= 2
    assert 2 <= len(q.hints) <= 3
    params = list(inspect.signature(getattr(solution(qid), q.entry_point)).parameters)
    for case in q.grading.cases:
        assert list(case.args) == params[: len(case.args)], case.name
    stub_fn = getattr(stub(qid), q.entry_point)
    assert list(inspect.signature(stub_fn).parameters) == params
    with pytest.raises(NotImplementedError):
        stub_fn(*case_inputs(q)[0][1])
    urls = " ".join(s.url for s in q.sources)
    assert "2002.05202" in urls and "8580eb9a896bdb82d376b7040d18a2e7b402b10f" in urls


# ---------------------------------------------------------------- llama-swiglu-ffn


def ffn_silu_in_dtype(x, w1, w2, w3):
    """Meta's FeedForward.forward as written: F.linear and F.silu in the input dtype."""
    return F.linear(F.silu(F.linear(x, w1)) * F.linear(x, w3), w2)


def ffn_float64_sigmoid(x, w1, w2, w3):
    """float64, silu spelled out as a / (1 + exp(-a)), matmuls with explicit transposes."""
    xd = x.double()
    a = xd @ w1.double().T
    return ((a / (1 + torch.exp(-a))) * (xd @ w3.double().T) @ w2.double().T).to(x.dtype)


@pytest.mark.parametrize("impl", [ffn_silu_in_dtype, ffn_float64_sigmoid])
def test_ffn_independent_implementations_agree(impl):
    q, ref = question(FFN), solution(FFN).swiglu_ffn
    for case, args in case_inputs(q):
        expected = ref(*fresh(args))
        assert expected.dtype == args[0].dtype and expected.shape == args[0].shape
        actual = impl(*fresh(args))
        assert_agrees(actual, expected, q, f"{impl.__name__} on {case.name!r}")


def test_ffn_reduced_precision_margin_over_many_seeds():
    q, ref = question(FFN), solution(FFN).swiglu_ffn
    for case in [c for c in q.grading.cases if c.args["x"].get("dtype") in ("bfloat16", "float16")]:
        for seed in range(5):
            args = build_args(q.id, case.name, case.args, seed)
            assert excess(ffn_silu_in_dtype(*fresh(args)), ref(*fresh(args)), q) < 0.8, (case.name, seed)


def test_ffn_agrees_with_hugging_face_llama_mlp():
    modeling = pytest.importorskip("transformers.models.llama.modeling_llama")
    from transformers import LlamaConfig

    q, ref = question(FFN), solution(FFN).swiglu_ffn
    for case, args in case_inputs(q):
        x, w1, w2, w3 = args
        config = LlamaConfig(hidden_size=x.shape[-1], intermediate_size=w1.shape[0], num_attention_heads=1,
                             num_key_value_heads=1, hidden_act="silu", mlp_bias=False)
        mlp = modeling.LlamaMLP(config).to(x.dtype)
        with torch.no_grad():
            mlp.gate_proj.weight.copy_(w1), mlp.up_proj.weight.copy_(w3), mlp.down_proj.weight.copy_(w2)
            out = mlp(x.clone())
        assert compare(out, ref(*fresh(args)), q.grading.tolerance) is None, case.name


# Published sizes (dim, multiple_of, ffn_dim_multiplier) -> hidden: Meta's params and the HF configs'
# intermediate_size. LLaMA 1 65B and Llama 2 7B/13B have no multiplier.
PUBLISHED = [
    ((4096, 256, None), 11008),  # LLaMA 1 7B, Llama 2 7B
    ((5120, 256, None), 13824),  # Llama 2 13B
    ((8192, 256, None), 22016),  # LLaMA 1 65B
    ((8192, 4096, 1.3), 28672),  # Llama 2 70B, Llama 3 70B
    ((4096, 1024, 1.3), 14336),  # Llama 3 / 3.1 8B
    ((16384, 4096, 1.2), 53248),  # Llama 3.1 405B
]


@pytest.mark.parametrize("config,hidden", PUBLISHED)
def test_hidden_size_rule_reproduces_published_sizes(config, hidden):
    assert solution(FFN).llama_ffn_hidden_dim(*config) == hidden


def test_hidden_size_rule_in_the_cases_and_prompt():
    rule = solution(FFN).llama_ffn_hidden_dim
    assert rule(64, 32) == 192 and rule(96, 64, 1.3) == 384
    assert int(2 * 384 / 3) == 256 and int(1.3 * 256) == 332  # the steps the case description spells out
    q = question(FFN)
    shapes = {c.name: c.args["w1"]["randn"] for c in q.grading.cases}
    assert shapes["float32, Llama-rule hidden size 192 for dim 64"] == [192, 64]
    assert shapes["with an ffn_dim_multiplier (hidden 384 for dim 96)"] == [384, 96]
    assert "192" in q.prompt.en and "192" in q.prompt.zh
    layer = question(LAYER)
    assert layer.grading.cases[0].args["w1"]["randn"] == [192, 64]


def test_ffn_mistakes():
    check_mistakes(question(FFN), solution(FFN))


def test_ffn_swapping_w1_and_w3_is_the_gate_on_w3_mistake():
    mod = solution(FFN)
    g = torch.Generator().manual_seed(1)
    x, w1, w3 = torch.randn(3, 8, generator=g), torch.randn(12, 8, generator=g), torch.randn(12, 8, generator=g)
    w2 = torch.randn(8, 12, generator=g)
    swapped = mod.swiglu_ffn(x, w3, w2, w1)
    assert torch.allclose(swapped, mod.mistake_gate_on_w3(x, w1, w2, w3), atol=1e-6)
    assert not torch.allclose(swapped, mod.swiglu_ffn(x, w1, w2, w3), atol=1e-2)  # and it does change the result


def test_ffn_properties():
    q, mod = question(FFN), solution(FFN)
    check_properties(q, mod, lambda x, w1, w2, w3: torch.zeros(*x.shape[:-1], w2.shape[0]))
    for p in q.grading.properties:
        assert run_property(mod, p.function, ffn_silu_in_dtype) is None, p.name
    assert run_property(mod, "prop_linear_in_w3", mod.mistake_gate_on_w3) is not None
    assert run_property(mod, "prop_silu_gate_values", mod.mistake_sigmoid_gate) is not None


# ---------------------------------------------------------------- llama-decoder-layer


def complex_rope(t, positions, base):
    """Meta's apply_rotary_emb on (bs, seqlen, heads, head_dim)."""
    d = t.shape[-1]
    freqs = 1.0 / (base ** (torch.arange(0, d, 2)[: d // 2].float() / d))
    cis = torch.polar(torch.ones(len(positions), d // 2), torch.outer(positions.float(), freqs))
    tc = torch.view_as_complex(t.float().reshape(*t.shape[:-1], -1, 2))
    return torch.view_as_real(tc * cis[None, :, None, :]).flatten(3).type_as(t)


def layer_from_library(x, attention_norm, wq, wk, wv, wo, ffn_norm, w1, w2, w3, n_heads, n_kv_heads, positions,
                       eps=1e-5, rope_base=10000.0):
    """F.rms_norm + complex RoPE + sdpa(enable_gqa=True) + F.silu, everything in the input dtype."""
    bs, seqlen, dim = x.shape
    head_dim = wq.shape[0] // n_heads
    n = F.rms_norm(x, (dim,), attention_norm, eps)
    xq = complex_rope(F.linear(n, wq).view(bs, seqlen, n_heads, head_dim), positions, rope_base)
    xk = complex_rope(F.linear(n, wk).view(bs, seqlen, n_kv_heads, head_dim), positions, rope_base)
    xv = F.linear(n, wv).view(bs, seqlen, n_kv_heads, head_dim)
    att = F.scaled_dot_product_attention(xq.transpose(1, 2), xk.transpose(1, 2), xv.transpose(1, 2), is_causal=True, enable_gqa=True)
    h = x + F.linear(att.transpose(1, 2).reshape(bs, seqlen, -1), wo)
    m = F.rms_norm(h, (dim,), ffn_norm, eps)
    return h + F.linear(F.silu(F.linear(m, w1)) * F.linear(m, w3), w2)


def layer_from_sub_blocks(x, attention_norm, wq, wk, wv, wo, ffn_norm, w1, w2, w3, n_heads, n_kv_heads, positions,
                          eps=1e-5, rope_base=10000.0):
    """The bank's own llama-attention-block reference, then its llama-swiglu-ffn reference on Meta's
    RMSNorm of h: the layer is exactly the two questions chained."""
    h = solution("llama-attention-block").llama_attention_block(x, attention_norm, wq, wk, wv, wo, n_heads, n_kv_heads,
                                                                positions, eps, rope_base)
    hf = h.float()
    m = (hf * torch.rsqrt(hf.pow(2).mean(-1, keepdim=True) + eps)).type_as(h) * ffn_norm
    return h + solution(FFN).swiglu_ffn(m, w1, w2, w3)


@pytest.mark.parametrize("impl", [layer_from_library, layer_from_sub_blocks])
def test_layer_independent_implementations_agree(impl):
    q, ref = question(LAYER), solution(LAYER).llama_decoder_layer
    for case, args in case_inputs(q):
        expected = ref(*fresh(args))
        assert expected.dtype == args[0].dtype and expected.shape == args[0].shape
        actual = impl(*fresh(args))
        assert_agrees(actual, expected, q, f"{impl.__name__} on {case.name!r}")


def test_layer_reduced_precision_margin_over_many_seeds():
    q, ref = question(LAYER), solution(LAYER).llama_decoder_layer
    reduced = [c for c in q.grading.cases if c.args["x"].get("dtype") in ("bfloat16", "float16")]
    assert reduced
    for case in reduced:
        for seed in range(4):
            args = build_args(q.id, case.name, case.args, seed)
            assert excess(layer_from_library(*fresh(args)), ref(*fresh(args)), q) < 0.8, (case.name, seed)


def test_layer_agrees_with_hugging_face_decoder_layer():
    """HF's LlamaDecoderLayer on weights converted as HF's conversion script does (rows of wq and wk
    permuted per head from Meta's interleaved pairs to the rotate-half layout)."""
    modeling = pytest.importorskip("transformers.models.llama.modeling_llama")
    from transformers import LlamaConfig

    q, ref = question(LAYER), solution(LAYER).llama_decoder_layer
    for case, args in case_inputs(q):
        x, an, wq, wk, wv, wo, fn, w1, w2, w3, n_heads, n_kv, positions = args[:13]
        eps = args[13] if len(args) > 13 else 1e-5
        base = args[14] if len(args) > 14 else 10000.0
        dim, head_dim = x.shape[-1], wq.shape[0] // n_heads
        perm = torch.cat((torch.arange(0, head_dim, 2), torch.arange(1, head_dim, 2)))

        def permute(w, heads, head_dim=head_dim, dim=dim, perm=perm):
            return w.view(heads, head_dim, dim)[:, perm].reshape(heads * head_dim, dim)

        config = LlamaConfig(hidden_size=dim, intermediate_size=w1.shape[0], num_attention_heads=n_heads,
                             num_key_value_heads=n_kv, rms_norm_eps=eps, rope_theta=base, hidden_act="silu",
                             head_dim=head_dim, attention_bias=False, mlp_bias=False)
        config._attn_implementation = "eager"
        layer = modeling.LlamaDecoderLayer(config, layer_idx=0).to(x.dtype).eval()
        rotary = modeling.LlamaRotaryEmbedding(config)
        with torch.no_grad():
            for param, value in ((layer.input_layernorm.weight, an), (layer.post_attention_layernorm.weight, fn),
                                 (layer.self_attn.q_proj.weight, permute(wq, n_heads)),
                                 (layer.self_attn.k_proj.weight, permute(wk, n_kv)),
                                 (layer.self_attn.v_proj.weight, wv), (layer.self_attn.o_proj.weight, wo),
                                 (layer.mlp.gate_proj.weight, w1), (layer.mlp.up_proj.weight, w3),
                                 (layer.mlp.down_proj.weight, w2)):
                param.copy_(value)
            position_ids = positions[None].expand(x.shape[0], -1)
            cos, sin = rotary(x, position_ids)
            seqlen = x.shape[1]
            mask = torch.full((seqlen, seqlen), float("-inf")).triu(1)[None, None].to(x.dtype)
            out = layer(x.clone(), attention_mask=mask, position_ids=position_ids, position_embeddings=(cos, sin))
        out = out[0] if isinstance(out, tuple) else out
        problem = compare(out, ref(*fresh(args)), q.grading.tolerance)
        assert problem is None, f"Hugging Face on {case.name!r}: {problem}"


def test_layer_mistakes():
    check_mistakes(question(LAYER), solution(LAYER))


def test_layer_named_mistakes_are_what_they_say():
    mod = solution(LAYER)
    _, args = case_inputs(LAYER)[0]
    ref = mod.llama_decoder_layer(*fresh(args))
    x, an, fn = args[0], args[1], args[6]
    # with identical norm weights, swapping them is no mistake at all
    same = list(fresh(args))
    same[6] = an.clone()
    assert torch.allclose(mod.mistake_norms_swapped(*same), mod.llama_decoder_layer(*same), atol=1e-6)
    assert not torch.allclose(mod.mistake_norms_swapped(*fresh(args)), ref, atol=1e-3)
    # post-norm: the output has unit root mean square before the gain, so out / ffn_norm does
    post = mod.mistake_post_norm(*fresh(args)).double() / fn.double()
    assert torch.allclose(post.pow(2).mean(-1), torch.ones(post.shape[:-1], dtype=torch.float64), atol=1e-3)
    # the layer's first token sees only itself, so RoPE's pair layout cannot matter there (position 0)
    assert torch.allclose(mod.mistake_rope_half_layout(*fresh(args))[:, 0], ref[:, 0], atol=1e-5)
    assert math.isfinite(float(ref.abs().max())) and x.shape == ref.shape


def test_layer_properties():
    q, mod = question(LAYER), solution(LAYER)
    check_properties(q, mod, lambda x, *rest: torch.zeros_like(x))
    for p in q.grading.properties:
        assert run_property(mod, p.function, layer_from_library) is None, p.name
    for name in ("mistake_no_ffn_residual", "mistake_post_norm", "mistake_residual_from_normed"):
        assert run_property(mod, "prop_zero_outputs_pass_the_stream", getattr(mod, name)) is not None, name
    assert run_property(mod, "prop_two_residual_halves", mod.mistake_parallel_block) is not None


# ---------------------------------------------------------------- the SwiGLU quizzes, recomputed


def _right(qid):
    q = question(qid)
    return q, q.choices[q.answer_index], [c for i, c in enumerate(q.choices) if i != q.answer_index]


def test_quiz_ffn_hidden_size_numbers():
    q, right, wrong = _right("llama-quiz-ffn-hidden-size")
    rule = solution(FFN).llama_ffn_hidden_dim
    assert rule(4096, 1024, 1.3) == 14336 and right.en.startswith("14336")
    # each distractor is one step of the rule left out, or another model's size
    assert {c.en.split(",")[0] for c in wrong} == {str(4 * 4096), str(int(1.3 * int(2 * 4 * 4096 / 3))), str(rule(4096, 256))}
    for text in (q.explanation.en, q.explanation.zh):
        for number in ("10922", "14198", "14336", "11008", "43 * 256"):
            assert number in text, number


def test_quiz_swiglu_two_thirds_numbers():
    q, right, _ = _right("llama-quiz-swiglu-two-thirds")
    d = 4096
    assert 3 * d * (8 * d / 3) == 2 * d * 4 * d and 2048 / 3072 == 2 / 3
    assert "3 * d * (2/3 * 4d) = 2 * d * 4d" in right.en and "3 * d * (2/3 * 4d) = 2 * d * 4d" in right.zh
    assert int(2 * 4 * d / 3) == 10922 and "10922" in q.explanation.en and "10922" in q.explanation.zh


def test_quiz_swiglu_formula_matches_the_reference():
    q, right, wrong = _right("llama-quiz-swiglu-formula")
    mod = solution(FFN)
    assert right.en == "w2(silu(w1(x)) * w3(x))"
    g = torch.Generator().manual_seed(4)
    x, w1, w3, w2 = torch.randn(2, 8, generator=g), torch.randn(6, 8, generator=g), torch.randn(6, 8, generator=g), torch.randn(8, 6, generator=g)
    spelled = {
        "w2(silu(w1(x)) * w3(x))": F.linear(F.silu(F.linear(x, w1)) * F.linear(x, w3), w2),
        "w2(silu(w1(x) * w3(x)))": F.linear(F.silu(F.linear(x, w1) * F.linear(x, w3)), w2),
        "w2(sigmoid(w1(x)) * w3(x))": F.linear(torch.sigmoid(F.linear(x, w1)) * F.linear(x, w3), w2),
        "w2(w1(x) * silu(w3(x)))": F.linear(F.linear(x, w1) * F.silu(F.linear(x, w3)), w2),
    }
    reference = mod.swiglu_ffn(x, w1, w2, w3)
    for choice in q.choices:
        formula = choice.en.split(",")[0]
        same = torch.allclose(spelled[formula], reference, atol=1e-6)
        assert same == (choice is right), formula  # the "symmetric roles" distractor is a different function

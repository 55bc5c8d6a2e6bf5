"""The GQA code questions: gqa-attention, gqa-repeat-kv, gqa-kv-cache-bytes, gqa-from-mha.

For each: the YAML loads and is complete, the reference agrees with independent
implementations on every case at the question's tolerance, every listed mistake fails
(by a wide margin) and is recognisable as itself, and every property holds on the
reference and fails on a mistake and on a constant answer.
"""

from __future__ import annotations

import inspect
import math

import pytest
import torch
import torch.nn.functional as F

from conftest import assert_agrees, case_inputs, excess, fresh, question, solution, stub
from grader.grading.compare import compare
from grader.grading.inputs import build_args

IDS = ["gqa-attention", "gqa-repeat-kv", "gqa-kv-cache-bytes", "gqa-from-mha"]
MIN_CASES = {"gqa-attention": 8}


# ---------------------------------------------------------------- helpers


def tol_for(q):
    return q.grading.tolerance


def check_mistakes(q, mod):
    """Every mistake fails some case by >10x the tolerance, and there is such a case on which
    its output is farther from every other mistake's output than the tolerance."""
    outputs = []
    for case, args in case_inputs(q):
        expected = getattr(mod, q.entry_point)(*fresh(args))
        wrong = {m.id: getattr(mod, m.function_name)(*fresh(args)) for m in q.grading.mistakes}
        outputs.append((case, expected, wrong))
    for m in q.grading.mistakes:
        failing = [(c, e, w) for c, e, w in outputs if compare(w[m.id], e, tol_for(q)) is not None]
        assert failing, f"{q.id}: mistake {m.id} passes every case"
        wide = [(c, e, w) for c, e, w in failing if excess(w[m.id], e, q) > 10]
        assert wide, f"{q.id}: mistake {m.id} never fails by more than 10x the tolerance"
        own = [
            c.name
            for c, e, w in wide
            if all(compare(w[m.id], w[other], tol_for(q)) is not None for other in w if other != m.id)
        ]
        assert own, f"{q.id}: mistake {m.id} is indistinguishable from another mistake on every case it fails"


def run_property(mod, fn_name, impl, gen_seed=0):
    prop = getattr(mod, fn_name)(torch.Generator().manual_seed(gen_seed))
    outputs = [impl(*fresh(call)) for call in prop.calls]
    return prop.judge(outputs)


def check_properties(q, mod, constant):
    ref = getattr(mod, q.entry_point)
    for p in q.grading.properties:
        assert run_property(mod, p.function, ref) is None, f"{q.id}: property {p.name!r} fails on the reference"
        broken = [m.id for m in q.grading.mistakes if run_property(mod, p.function, getattr(mod, m.function_name))]
        assert broken, f"{q.id}: property {p.name!r} passes every mistake"
        assert run_property(mod, p.function, constant) is not None, f"{q.id}: property {p.name!r} accepts a constant answer"


# ---------------------------------------------------------------- the files


@pytest.mark.parametrize("qid", IDS)
def test_question_is_complete(qid):
    q = question(qid)
    assert q.kind == "code" and q.points == 10
    assert len(q.grading.cases) >= MIN_CASES.get(qid, 6)
    assert len(q.grading.mistakes) >= 2
    assert 2 <= len(q.hints) <= 3
    assert any("2305.13245" in s.url for s in q.sources)
    assert q.corrects  # each corrects a claim of the source (quotes: tests/bank/test_quotes.py)
    mod = solution(qid)
    ref = getattr(mod, q.entry_point)
    params = list(inspect.signature(ref).parameters)
    for case in q.grading.cases:
        keys = list(case.args)
        assert keys == params[: len(keys)], f"{case.name}: args {keys} do not follow the signature {params}"
    for m in q.grading.mistakes:
        assert callable(getattr(mod, m.function_name))
    for p in q.grading.properties:
        assert callable(getattr(mod, p.function))
    # The stub has the same signature and scores zero.
    stub_fn = getattr(stub(qid), q.entry_point)
    assert list(inspect.signature(stub_fn).parameters) == params
    case, args = case_inputs(q)[0]
    with pytest.raises(NotImplementedError):
        stub_fn(*args)


# ---------------------------------------------------------------- gqa-attention


def attn_sdpa(q, k, v, causal=True):
    """PyTorch's own kernel, in the input dtype; the mask is offset by kv_len - q_len (is_causal is top-left)."""
    q_len, kv_len = q.shape[2], k.shape[2]
    mask = torch.ones(q_len, kv_len, dtype=torch.bool).tril(kv_len - q_len) if causal else None
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=True)


def attn_einsum_grouped(q, k, v, causal=True):
    """No repetition: the query heads get a group axis, float32."""
    bs, n_heads, q_len, d = q.shape
    n_kv, kv_len = k.shape[1], k.shape[2]
    qg = q.float().reshape(bs, n_kv, n_heads // n_kv, q_len, d)
    s = torch.einsum("bgrqd,bgkd->bgrqk", qg, k.float()) / math.sqrt(d)
    if causal:
        pos_q = torch.arange(q_len)[:, None] + (kv_len - q_len)
        s = s.masked_fill(torch.arange(kv_len)[None, :] > pos_q, float("-inf"))
    out = torch.einsum("bgrqk,bgkd->bgrqd", s.softmax(-1), v.float())
    return out.reshape(bs, n_heads, q_len, d).to(q.dtype)


def attn_float64_indexed(q, k, v, causal=True):
    """float64, kv heads picked by index h // n_rep, one head at a time."""
    n_heads, n_kv = q.shape[1], k.shape[1]
    out = torch.empty(q.shape, dtype=torch.float64)
    q_len, kv_len = q.shape[2], k.shape[2]
    for h in range(n_heads):
        g = h // (n_heads // n_kv)
        s = q[:, h].double() @ k[:, g].double().transpose(-1, -2) * q.shape[-1] ** -0.5
        if causal:
            s = s + torch.full((q_len, kv_len), float("-inf"), dtype=torch.float64).triu(kv_len - q_len + 1)
        out[:, h] = s.softmax(-1) @ v[:, g].double()
    return out.to(q.dtype)


def attn_meta_in_dtype(q, k, v, causal=True):
    """Meta's model.py order of operations: matmuls in the input dtype, softmax in float32."""
    n_rep = q.shape[1] // k.shape[1]
    bs, n_kv, kv_len, d = k.shape
    keys = k[:, :, None].expand(bs, n_kv, n_rep, kv_len, d).reshape(bs, n_kv * n_rep, kv_len, d)
    values = v[:, :, None].expand(bs, n_kv, n_rep, kv_len, d).reshape(bs, n_kv * n_rep, kv_len, d)
    s = q @ keys.transpose(2, 3) / math.sqrt(d)
    if causal:
        q_len = q.shape[2]
        s = s + torch.full((q_len, kv_len), float("-inf")).triu(kv_len - q_len + 1).to(s.dtype)
    return F.softmax(s.float(), dim=-1).type_as(q) @ values


@pytest.mark.parametrize("impl", [attn_sdpa, attn_einsum_grouped, attn_float64_indexed, attn_meta_in_dtype])
def test_attention_independent_implementations_agree(impl):
    q = question("gqa-attention")
    ref = solution("gqa-attention").grouped_query_attention
    for case, args in case_inputs(q):
        expected = ref(*fresh(args))
        assert expected.dtype == args[0].dtype and expected.shape == args[0].shape
        actual = impl(*fresh(args))
        assert_agrees(actual, expected, q, f"{impl.__name__} on {case.name!r}")


def test_attention_sdpa_margin_over_many_seeds():
    """Reduced-precision kernels stay inside the tolerance on fresh random inputs, not only the fixed seeds."""
    q = question("gqa-attention")
    ref = solution("gqa-attention").grouped_query_attention
    reduced = [c for c in q.grading.cases if any(isinstance(a, dict) and a.get("dtype") in ("bfloat16", "float16") for a in c.args.values())]
    assert reduced
    for case in reduced:
        for seed in range(5):
            args = build_args(q.id, case.name, case.args, seed)
            expected = ref(*fresh(args))
            for impl in (attn_sdpa, attn_meta_in_dtype):
                assert excess(impl(*fresh(args)), expected, q) < 0.8, (case.name, seed, impl.__name__)


def test_attention_cases_cover_the_brief():
    q = question("gqa-attention")
    shapes = []
    for _case, args in case_inputs(q):
        qq, k = args[0], args[1]
        causal = args[3] if len(args) > 3 else True
        shapes.append((qq.shape[0], qq.shape[1], k.shape[1], qq.shape[2], k.shape[2], qq.dtype, qq.is_contiguous(), causal))
    assert any(b == 1 for b, *_ in shapes)
    assert any(ql == 1 and kl > 1 for _, _, _, ql, kl, *_ in shapes), "decode"
    assert any(1 < ql < kl and c for _, _, _, ql, kl, _, _, c in shapes), "chunked prefill"
    assert any(not c for *_, c in shapes), "causal=False"
    assert any(h == g for _, h, g, *_ in shapes), "MHA"
    assert any(g == 1 for _, _, g, *_ in shapes), "MQA"
    assert {torch.bfloat16, torch.float16} <= {s[5] for s in shapes}
    assert any(not s[6] for s in shapes), "non-contiguous"
    assert any(ql % 2 == 1 and ql > 1 for _, _, _, ql, *_ in shapes), "odd length"
    assert len({h for _, h, *_ in shapes}) >= 3, "several head counts"


def test_attention_mistakes():
    check_mistakes(question("gqa-attention"), solution("gqa-attention"))


def test_attention_named_mistakes_are_what_they_say():
    mod = solution("gqa-attention")
    g = torch.Generator().manual_seed(3)
    q, k, v = torch.randn(1, 4, 3, 8, generator=g), torch.randn(1, 2, 7, 8, generator=g), torch.randn(1, 2, 7, 8, generator=g)
    # tiled: head 1 reads kv head 1 (1 % 2), the reference reads kv head 0 (1 // 2)
    tiled = mod.mistake_tiled_kv_heads(q, k, v)
    assert torch.allclose(tiled[:, 1], attn_float64_indexed(q[:, 1:2], k[:, 1:2], v[:, 1:2]).float()[:, 0], atol=1e-6)
    # top-left mask: the first query sees only key 0, so it returns v[key 0]
    top_left = mod.mistake_mask_not_offset(q, k, v)
    assert torch.allclose(top_left[:, 0, 0], v[:, 0, 0])


def test_attention_properties():
    q = question("gqa-attention")
    mod = solution("gqa-attention")
    check_properties(q, mod, lambda q_, k, v, causal=True: torch.zeros_like(q_))


def test_attention_property_catches_its_target():
    mod = solution("gqa-attention")
    assert run_property(mod, "prop_chunked_prefill", mod.mistake_mask_not_offset) is not None
    assert run_property(mod, "prop_mha_extreme", mod.mistake_no_scale) is not None
    assert run_property(mod, "prop_repeated_kv_heads", mod.mistake_tiled_kv_heads) is not None
    # the relation itself, not only the anchor: independent kernels satisfy every property
    for name in ("prop_mha_extreme", "prop_repeated_kv_heads", "prop_chunked_prefill"):
        assert run_property(mod, name, attn_sdpa) is None
        assert run_property(mod, name, attn_einsum_grouped) is None


# ---------------------------------------------------------------- gqa-repeat-kv


def repeat_by_index(x, n_rep):
    return x[:, :, torch.arange(x.shape[2] * n_rep) // n_rep]


def repeat_interleave(x, n_rep):
    return torch.repeat_interleave(x, n_rep, dim=2)


@pytest.mark.parametrize("impl", [repeat_by_index, repeat_interleave])
def test_repeat_kv_independent(impl):
    q = question("gqa-repeat-kv")
    ref = solution("gqa-repeat-kv").repeat_kv
    for case, args in case_inputs(q):
        expected = ref(*fresh(args))
        assert torch.equal(impl(*fresh(args)), expected), case.name
        assert compare(impl(*fresh(args)), expected, tol_for(q)) is None


def test_repeat_kv_n_rep_one_and_mapping():
    ref = solution("gqa-repeat-kv").repeat_kv
    x = torch.randn(2, 3, 4, 5)
    assert torch.equal(ref(x, 1), x)
    out = ref(x, 3)
    assert out.shape == (2, 3, 12, 5)
    for h in range(12):
        assert torch.equal(out[:, :, h], x[:, :, h // 3])


def test_repeat_kv_mistakes():
    check_mistakes(question("gqa-repeat-kv"), solution("gqa-repeat-kv"))


def test_repeat_kv_properties():
    check_properties(question("gqa-repeat-kv"), solution("gqa-repeat-kv"), lambda x, n_rep: torch.zeros(1))
    mod = solution("gqa-repeat-kv")
    assert run_property(mod, "prop_groups_are_copies", mod.mistake_tiled_heads) is not None


# ---------------------------------------------------------------- gqa-kv-cache-bytes


def bytes_by_allocation_shape(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, bytes_per_element=2):
    """Meta's cache_k / cache_v shapes (batch, seq, n_kv_heads, head_dim) per layer, times the element size."""
    dtype = {1: torch.int8, 2: torch.bfloat16, 4: torch.float32, 8: torch.float64}[bytes_per_element]
    element = torch.empty((), dtype=dtype).element_size()
    per_layer = 2 * math.prod((batch_size, seq_len, n_kv_heads, head_dim))  # cache_k and cache_v
    return n_layers * per_layer * element


def test_kv_cache_bytes_independent():
    q = question("gqa-kv-cache-bytes")
    ref = solution("gqa-kv-cache-bytes").kv_cache_bytes
    for case, args in case_inputs(q):
        expected = ref(*args)
        assert type(expected) is int
        assert compare(bytes_by_allocation_shape(*args), expected, tol_for(q)) is None, case.name


def test_kv_cache_bytes_facts():
    ref = solution("gqa-kv-cache-bytes").kv_cache_bytes
    assert ref(32, 8, 128, 1) == 131072 == 128 * 1024  # Llama 3 8B, bf16, per token
    assert ref(80, 8, 128, 1) == 327680 == 320 * 1024  # Llama 2 70B
    assert ref(80, 64, 128, 1) == int(2.5 * 1024 * 1024)  # the same model with MHA
    assert ref(32, 32, 128, 1) == 4 * ref(32, 8, 128, 1)  # Llama 2 7B (MHA) vs Llama 3 8B
    q = question("gqa-kv-cache-bytes")
    expected = {c.name: ref(*args) for c, args in case_inputs(q)}
    assert expected["Llama 3 8B, one token in bf16"] == 131072
    assert expected["Llama 2 70B, one token in bf16"] == 327680


def test_kv_cache_bytes_mistakes():
    check_mistakes(question("gqa-kv-cache-bytes"), solution("gqa-kv-cache-bytes"))


def test_kv_cache_bytes_float_is_rejected():
    q = question("gqa-kv-cache-bytes")
    assert compare(131072.0, 131072, tol_for(q)) is not None


def test_kv_cache_bytes_properties():
    check_properties(question("gqa-kv-cache-bytes"), solution("gqa-kv-cache-bytes"), lambda *a: 0)
    assert run_property(solution("gqa-kv-cache-bytes"), "prop_scaling", bytes_by_allocation_shape) is None


# ---------------------------------------------------------------- gqa-from-mha


def pool_by_loop(w, n_heads, n_kv_heads):
    """float64, one group at a time, row slices."""
    head_dim = w.shape[0] // n_heads
    group = n_heads // n_kv_heads
    pooled = []
    for g in range(n_kv_heads):
        heads = [w[(g * group + j) * head_dim:(g * group + j + 1) * head_dim].double() for j in range(group)]
        pooled.append(torch.stack(heads).mean(0))
    return torch.cat(pooled).to(w.dtype)


def pool_by_avg_pool(w, n_heads, n_kv_heads):
    """avg_pool1d over the head axis, float32."""
    head_dim, dim = w.shape[0] // n_heads, w.shape[1]
    group = n_heads // n_kv_heads
    x = w.float().reshape(n_heads, head_dim * dim).T[None]  # (1, head_dim * dim, n_heads)
    pooled = F.avg_pool1d(x, kernel_size=group, stride=group)[0].T  # (n_kv_heads, head_dim * dim)
    return pooled.reshape(n_kv_heads * head_dim, dim).to(w.dtype)


@pytest.mark.parametrize("impl", [pool_by_loop, pool_by_avg_pool])
def test_from_mha_independent(impl):
    q = question("gqa-from-mha")
    ref = solution("gqa-from-mha").mha_to_gqa
    for case, args in case_inputs(q):
        expected = ref(*fresh(args))
        assert expected.dtype == args[0].dtype
        problem = compare(impl(*fresh(args)), expected, tol_for(q))
        assert problem is None, f"{impl.__name__} on {case.name!r}: {problem}"


def test_from_mha_extremes():
    ref = solution("gqa-from-mha").mha_to_gqa
    w = torch.randn(6 * 4, 10)
    assert torch.equal(ref(w, 6, 6), w)
    assert torch.allclose(ref(w, 6, 1), w.reshape(6, 4, 10).mean(0))


def test_from_mha_mistakes():
    check_mistakes(question("gqa-from-mha"), solution("gqa-from-mha"))


def test_from_mha_properties():
    check_properties(question("gqa-from-mha"), solution("gqa-from-mha"), lambda w, n, g: torch.zeros(w.shape[0] * g // n, w.shape[1]))

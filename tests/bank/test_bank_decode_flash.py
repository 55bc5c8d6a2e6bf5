"""gqa-decode-step and gqa-flash-attention: each reference against implementations written
independently of it (PyTorch's scaled_dot_product_attention with enable_gqa, Meta's order of
operations with complex-number RoPE, a float64 loop over heads, the gqa-attention reference,
and Hugging Face's apply_rotary_pos_emb / eager_attention_forward when transformers is
installed), every named mistake failing and recognisable, the properties holding on the
reference and on the independent kernels, and the flash question's memory case checked
through the real grading engine: a full-score-matrix answer fails it, the tiled one passes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import inspect
import math

import pytest
import torch
import torch.nn.functional as F
from test_bank_gqa import check_mistakes, check_properties, run_property

from conftest import assert_agrees, case_inputs, excess, fresh, question, solution, stub
from grader.grading.compare import compare
from grader.grading.inputs import build_args

DECODE, FLASH = "gqa-decode-step", "gqa-flash-attention"


@contextlib.contextmanager
def one_thread():
    """The flash question's 10240-token case is hundreds of small tile operations: on a busy
    machine they run several times faster on one intra-op thread (as the grader's workers do)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


# ---------------------------------------------------------------- the files


@pytest.mark.parametrize("qid", [DECODE, FLASH])
def test_question_is_complete(qid):
    q = question(qid)
    assert q.kind == "code" and q.points == 10 and q.topic == "gqa"
    assert len(q.grading.cases) >= 10 and len(q.grading.mistakes) >= 5 and q.grading.properties
    assert 2 <= len(q.hints) <= 3
    assert "torch.nn.functional.scaled_dot_product_attention" in q.grading.banned
    params = list(inspect.signature(getattr(solution(qid), q.entry_point)).parameters)
    for case in q.grading.cases:
        assert list(case.args) == params[: len(case.args)], case.name
    stub_fn = getattr(stub(qid), q.entry_point)
    assert list(inspect.signature(stub_fn).parameters) == params
    with pytest.raises(NotImplementedError):
        stub_fn(*case_inputs(q)[0][1])
    assert all(s.url.startswith("https://") for s in q.sources)


# ---------------------------------------------------------------- gqa-decode-step: independent versions


def complex_rope_heads_second(t, positions, base):
    """Meta's apply_rotary_emb (float32 frequencies, torch.polar, adjacent pairs as complex numbers)
    on the (batch, heads, seq, head_dim) layout, cast back like type_as."""
    d = t.shape[-1]
    freqs = 1.0 / (base ** (torch.arange(0, d, 2)[: d // 2].float() / d))
    cis = torch.polar(torch.ones(len(positions), d // 2), torch.outer(positions.float(), freqs))
    tc = torch.view_as_complex(t.float().reshape(*t.shape[:-1], -1, 2).contiguous())
    return torch.view_as_real(tc * cis).flatten(-2).type_as(t)


def offset_mask(new_len, total):
    return torch.ones(new_len, total, dtype=torch.bool).tril(total - new_len)


def decode_sdpa(q, k_new, v_new, k_cache, v_cache, position, base=10000.0):
    """Complex RoPE in the input dtype, torch.cat, sdpa(enable_gqa=True) with the offset mask."""
    pos = torch.arange(position, position + q.shape[2])
    keys = torch.cat((k_cache, complex_rope_heads_second(k_new, pos, base)), dim=2)
    values = torch.cat((v_cache, v_new), dim=2)
    out = F.scaled_dot_product_attention(complex_rope_heads_second(q, pos, base), keys, values,
                                         attn_mask=offset_mask(q.shape[2], keys.shape[2]), enable_gqa=True)
    return out, keys, values


def decode_meta_order(q, k_new, v_new, k_cache, v_cache, position, base=10000.0):
    """Meta's Attention.forward: a preallocated cache (batch, max_seq, kv_heads, d) written at
    [start_pos, start_pos + seqlen), read back, repeat_kv by expand + reshape, matmuls in the
    input dtype, softmax in float32, and the (seqlen, cache_len + seqlen) hstack mask."""
    bs, n_heads, seqlen, d = q.shape
    n_kv, n_rep = k_cache.shape[1], n_heads // k_cache.shape[1]
    pos = torch.arange(position, position + seqlen)
    cache_k = torch.zeros(bs, position + seqlen + 3, n_kv, d, dtype=k_cache.dtype)
    cache_v = torch.zeros_like(cache_k)
    cache_k[:, :position], cache_v[:, :position] = k_cache.transpose(1, 2), v_cache.transpose(1, 2)
    xq = complex_rope_heads_second(q, pos, base)
    cache_k[:, position : position + seqlen] = complex_rope_heads_second(k_new, pos, base).transpose(1, 2)
    cache_v[:, position : position + seqlen] = v_new.transpose(1, 2)
    keys, values = cache_k[:, : position + seqlen], cache_v[:, : position + seqlen]

    def repeat(t):
        s = t.shape[1]
        return t[:, :, :, None, :].expand(bs, s, n_kv, n_rep, d).reshape(bs, s, n_heads, d).transpose(1, 2)

    scores = xq @ repeat(keys).transpose(2, 3) / math.sqrt(d)
    if seqlen > 1:
        mask = torch.triu(torch.full((seqlen, seqlen), float("-inf")), diagonal=1)
        scores = scores + torch.hstack([torch.zeros(seqlen, position), mask]).type_as(scores)
    out = F.softmax(scores.float(), dim=-1).type_as(xq) @ repeat(values)
    return out, keys.transpose(1, 2), values.transpose(1, 2)


def decode_float64_loop(q, k_new, v_new, k_cache, v_cache, position, base=10000.0):
    """float64 rotation by explicit cos/sin of each pair, heads one at a time, kv head h // n_rep."""
    new_len, d = q.shape[2], q.shape[3]
    pos = torch.arange(position, position + new_len, dtype=torch.float64)

    def rot(t):
        out = t.double().clone()
        for i in range(d // 2):
            ang = pos * base ** (-2 * i / d)
            a, b = t[..., 2 * i].double(), t[..., 2 * i + 1].double()
            out[..., 2 * i], out[..., 2 * i + 1] = a * ang.cos() - b * ang.sin(), a * ang.sin() + b * ang.cos()
        return out

    keys = torch.cat((k_cache, rot(k_new).to(k_cache.dtype)), dim=2)
    values = torch.cat((v_cache, v_new), dim=2)
    qr, n_rep, total = rot(q), q.shape[1] // k_cache.shape[1], keys.shape[2]
    out = torch.empty(qr.shape, dtype=torch.float64)
    for h in range(q.shape[1]):
        s = qr[:, h] @ keys[:, h // n_rep].double().transpose(-1, -2) / math.sqrt(d)
        s = s.masked_fill(~offset_mask(new_len, total), float("-inf"))
        out[:, h] = s.softmax(-1) @ values[:, h // n_rep].double()
    return out.to(q.dtype), keys, values


@pytest.mark.parametrize("impl", [decode_sdpa, decode_meta_order, decode_float64_loop])
def test_decode_independent_implementations_agree(impl):
    q, ref = question(DECODE), solution(DECODE).gqa_decode_step
    for case, args in case_inputs(q):
        expected = ref(*fresh(args))
        assert [t.dtype for t in expected] == [args[0].dtype, args[3].dtype, args[4].dtype], case.name
        actual = impl(*fresh(args))
        assert_agrees(actual, expected, q, f"{impl.__name__} on {case.name!r}")


def test_decode_reduced_precision_margin_over_many_seeds():
    q, ref = question(DECODE), solution(DECODE).gqa_decode_step
    reduced = [c for c in q.grading.cases if c.args["q"].get("dtype") in ("bfloat16", "float16")]
    assert reduced
    for case in reduced:
        for seed in range(5):
            args = build_args(q.id, case.name, case.args, seed)
            expected = ref(*fresh(args))
            for impl in (decode_sdpa, decode_meta_order):
                assert excess(impl(*fresh(args)), expected, q) < 0.8, (case.name, seed, impl.__name__)


def test_decode_chained_steps_equal_one_prefill():
    """The reference fed its own returned caches step after step (what a generation loop does)
    reproduces a single prefill, in float64 to the last bits."""
    ref = solution(DECODE).gqa_decode_step
    g = torch.Generator().manual_seed(7)
    q = torch.randn(1, 6, 11, 16, generator=g, dtype=torch.float64)
    k, v = torch.randn(2, 1, 3, 11, 16, generator=g, dtype=torch.float64)
    empty = torch.zeros(1, 3, 0, 16, dtype=torch.float64)
    full, full_k, full_v = ref(q, k, v, empty, empty, 0)
    out, kc, vc = ref(q[:, :, :4], k[:, :, :4], v[:, :, :4], empty, empty, 0)  # a prompt chunk, then steps
    rows = [out]
    for t in range(4, 11):
        step, kc, vc = ref(q[:, :, t : t + 1], k[:, :, t : t + 1], v[:, :, t : t + 1], kc, vc, t)
        rows.append(step)
    assert torch.allclose(torch.cat(rows, dim=2), full, rtol=1e-12, atol=1e-12)
    assert torch.allclose(kc, full_k, rtol=1e-12, atol=1e-12) and torch.equal(vc, full_v)
    assert kc.shape == (1, 3, 11, 16)  # kv heads, not the 6 query heads


def test_decode_empty_cache_prefill_is_causal_attention_of_rotated_inputs():
    """At position 0 with an empty cache the step is gqa-attention on RoPE-rotated q and k."""
    ref, attention = solution(DECODE).gqa_decode_step, solution("gqa-attention").grouped_query_attention
    g = torch.Generator().manual_seed(11)
    q, k, v = torch.randn(2, 8, 9, 32, generator=g), torch.randn(2, 2, 9, 32, generator=g), torch.randn(2, 2, 9, 32, generator=g)
    empty = torch.zeros(2, 2, 0, 32)
    pos = torch.arange(9)
    out, keys, values = ref(q, k, v, empty, empty, 0)
    expected = attention(complex_rope_heads_second(q, pos, 10000.0), complex_rope_heads_second(k, pos, 10000.0), v)
    assert torch.allclose(out, expected, rtol=1e-4, atol=1e-5)
    assert torch.equal(values, v)


def test_decode_mistakes():
    check_mistakes(question(DECODE), solution(DECODE))


def test_decode_named_mistakes_are_what_they_say():
    mod = solution(DECODE)
    q_, args = case_inputs(DECODE)[0]
    ref_out, ref_k, ref_v = mod.gqa_decode_step(*fresh(args))
    out, k, v = mod.mistake_cache_after_repeat(*fresh(args))
    assert torch.allclose(out, ref_out) and k.shape[1] == args[0].shape[1] != ref_k.shape[1]
    _, k, _ = mod.mistake_new_key_not_rotated(*fresh(args))
    assert torch.equal(k[:, :, -1:], args[1]) and torch.equal(k[:, :, :-1], args[3])
    _, k, _ = mod.mistake_rerotates_cache(*fresh(args))
    assert not torch.allclose(k[:, :, 1:-1], args[3][:, :, 1:])  # old keys turned a second time
    assert torch.allclose(k[:, :, -1:], ref_k[:, :, -1:], atol=1e-6)  # the new one at its right angle
    # a top-left mask on a decode step: the new query sees only key 0, so it returns v[0] for every head
    out, _, _ = mod.mistake_mask_not_offset(*fresh(args))
    n_rep = args[0].shape[1] // args[3].shape[1]
    assert torch.allclose(out[:, :, 0], args[4][:, :, 0].repeat_interleave(n_rep, dim=1), atol=1e-6)


def test_decode_properties():
    q, mod = question(DECODE), solution(DECODE)

    def constant(q_, k_new, v_new, k_cache, v_cache, position, base=10000.0):
        return torch.zeros_like(q_), torch.cat((k_cache, k_new), 2), torch.cat((v_cache, v_new), 2)

    check_properties(q, mod, constant)
    for impl in (decode_sdpa, decode_meta_order, decode_float64_loop):
        assert run_property(mod, "prop_steps_equal_full_pass", impl) is None, impl.__name__
    for name in ("mistake_mask_not_offset", "mistake_ignores_position", "mistake_cache_after_repeat"):
        assert run_property(mod, "prop_steps_equal_full_pass", getattr(mod, name)) is not None, name


# ---------------------------------------------------------------- gqa-decode-step: Hugging Face


def test_decode_agrees_with_hugging_face_kernels():
    """HF rotates in its half layout: permuting each head's dims (2j, 2j+1) -> (j, j + d/2) on q and
    on the keys (the conversion script does it on wq and wk) leaves every score unchanged, so HF's
    apply_rotary_pos_emb + a cache concatenation + eager_attention_forward must give our output,
    and our cache is HF's with the permutation undone."""
    modeling = pytest.importorskip("transformers.models.llama.modeling_llama")
    q, ref = question(DECODE), solution(DECODE).gqa_decode_step
    for case, args in case_inputs(q):
        qq, k_new, v_new, k_cache, v_cache, position = args[:6]
        base = args[6] if len(args) > 6 else 10000.0
        d, n_rep = qq.shape[-1], qq.shape[1] // k_cache.shape[1]
        perm = torch.cat((torch.arange(0, d, 2), torch.arange(1, d, 2)))
        inv = torch.argsort(perm)
        # HF builds cos/sin in float32; a float64 case asks for float64 accuracy, so build them in float64 there
        freq_dtype = torch.float64 if qq.dtype == torch.float64 else torch.float32
        pos = torch.arange(position, position + qq.shape[2], dtype=freq_dtype)
        inv_freq = 1.0 / base ** (torch.arange(0, d, 2, dtype=freq_dtype) / d)
        emb = torch.cat((torch.outer(pos, inv_freq),) * 2, dim=-1)
        cos, sin = emb.cos()[None].to(qq.dtype), emb.sin()[None].to(qq.dtype)
        hq, hk = modeling.apply_rotary_pos_emb(qq[..., perm], k_new[..., perm], cos, sin)
        keys = torch.cat((k_cache[..., perm], hk), dim=2)
        values = torch.cat((v_cache, v_new), dim=2)
        total = keys.shape[2]
        mask = torch.zeros(qq.shape[2], total).masked_fill(~offset_mask(qq.shape[2], total), float("-inf"))
        module = torch.nn.Module()
        module.num_key_value_groups, module.training = n_rep, False
        out, _ = modeling.eager_attention_forward(module, hq, keys, values, mask[None, None].to(qq.dtype), scaling=d**-0.5)
        hf = (out.transpose(1, 2), keys[..., inv], values)
        problem = compare(hf, ref(*fresh(args)), q.grading.tolerance)
        assert problem is None, f"Hugging Face on {case.name!r}: {problem}"


# ---------------------------------------------------------------- gqa-flash-attention


def flash_sdpa(q, k, v, block_size=32, causal=True):
    mask = offset_mask(q.shape[2], k.shape[2]) if causal else None
    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask, enable_gqa=True)


def flash_gqa_attention_reference(q, k, v, block_size=32, causal=True):
    return solution("gqa-attention").grouped_query_attention(q, k, v, causal)


def flash_naive_float64(q, k, v, block_size=32, causal=True):
    return solution(FLASH).naive_attention(q, k, v, causal).to(q.dtype)


def flash_fa1_loop_order(q, k, v, block_size=32, causal=True):
    """FlashAttention-1's loop order (Algorithm 1): key/value tiles outside, query tiles inside, with
    m, l and O kept for every row; the per-tile max m~ and sum l~ are merged into them, and O is
    renormalised at every step instead of once at the end. float32, kv heads by index."""
    bs, n_heads, q_len, d = q.shape
    n_rep, kv_len = n_heads // k.shape[1], k.shape[2]
    acc = torch.promote_types(q.dtype, torch.float32)
    keys, values = k.to(acc).repeat_interleave(n_rep, 1), v.to(acc).repeat_interleave(n_rep, 1)
    qs = q.to(acc) * d**-0.5
    o = torch.zeros(bs, n_heads, q_len, d, dtype=acc)
    l = torch.zeros(bs, n_heads, q_len, 1, dtype=acc)  # noqa: E741 - the paper's name
    m = torch.full((bs, n_heads, q_len, 1), float("-inf"), dtype=acc)
    shift = kv_len - q_len
    for j in range(0, kv_len, block_size):
        kj, vj = keys[:, :, j : j + block_size], values[:, :, j : j + block_size]
        for i in range(0, q_len, block_size):
            s = qs[:, :, i : i + block_size] @ kj.transpose(-1, -2)
            if causal:
                rows = torch.arange(i, min(i + block_size, q_len))[:, None] + shift
                s = s.masked_fill(torch.arange(j, j + kj.shape[2])[None, :] > rows, float("-inf"))
            m_tile = s.amax(-1, keepdim=True)
            p = torch.where(torch.isinf(m_tile), torch.zeros_like(s), torch.exp(s - m_tile))
            l_tile = p.sum(-1, keepdim=True)
            m_i, l_i, o_i = m[:, :, i : i + block_size], l[:, :, i : i + block_size], o[:, :, i : i + block_size]
            m_new = torch.maximum(m_i, m_tile)
            a_old = torch.where(torch.isinf(m_i), torch.zeros_like(m_i), torch.exp(m_i - m_new))
            a_new = torch.where(torch.isinf(m_tile), torch.zeros_like(m_tile), torch.exp(m_tile - m_new))
            l_new = a_old * l_i + a_new * l_tile
            safe = torch.where(l_new == 0, torch.ones_like(l_new), l_new)
            o[:, :, i : i + block_size] = (l_i * a_old * o_i + a_new * (p @ vj)) / safe
            l[:, :, i : i + block_size], m[:, :, i : i + block_size] = l_new, m_new
    return o.to(q.dtype)


def _small_cases(q):
    return [(c, a) for c, a in case_inputs(q) if a[0].shape[2] <= 1024]


@pytest.mark.parametrize("impl", [flash_sdpa, flash_gqa_attention_reference, flash_naive_float64, flash_fa1_loop_order])
def test_flash_independent_implementations_agree(impl):
    q, ref = question(FLASH), solution(FLASH).flash_attention
    for case, args in _small_cases(q):
        expected = ref(*fresh(args))
        assert expected.dtype == args[0].dtype and expected.shape == args[0].shape
        actual = impl(*fresh(args))
        assert_agrees(actual, expected, q, f"{impl.__name__} on {case.name!r}")


def test_flash_long_case_matches_sdpa():
    q, ref = question(FLASH), solution(FLASH).flash_attention
    (case, args), = [(c, a) for c, a in case_inputs(q) if a[0].shape[2] > 1024]
    with one_thread():
        assert compare(flash_sdpa(*fresh(args)), ref(*fresh(args)), q.grading.tolerance) is None


def test_flash_any_block_size_over_seeds():
    ref = solution(FLASH).flash_attention
    for seed in range(3):
        g = torch.Generator().manual_seed(seed)
        q, k, v = torch.randn(1, 6, 19, 8, generator=g), torch.randn(1, 3, 26, 8, generator=g), torch.randn(1, 3, 26, 8, generator=g)
        expected = flash_sdpa(q, k, v)
        for size in (1, 2, 5, 7, 19, 26, 100):
            assert torch.allclose(ref(q, k, v, size), expected, rtol=1e-4, atol=1e-5), (seed, size)


def test_flash_long_case_cannot_hold_the_score_matrix():
    """The memory case is what the prompt says: its float32 score matrix exceeds the limit."""
    q = question(FLASH)
    (case, args), = [(c, a) for c, a in case_inputs(q) if a[0].shape[2] > 1024]
    n = args[0].shape[2]
    assert args[1].shape[2] == n and args[0].shape[:2] == (1, 1)
    full_mib = n * n * 4 / 2**20
    assert full_mib == 400 and full_mib >= 1.5 * q.grading.memory_limit_mb
    block = args[3]
    assert 5 * block * block * 8 / 2**20 < q.grading.memory_limit_mb / 4  # tiles fit with room to spare
    assert "10240" in case.name and "400 MiB" in case.description and "10240" in q.prompt.en and "400 MiB" in q.prompt.zh


def test_flash_mistakes():
    with one_thread():
        check_mistakes(question(FLASH), solution(FLASH))


def test_flash_single_tile_hides_the_online_softmax_mistakes():
    """With one tile there is nothing to rescale: those mistakes need the multi-tile cases."""
    mod = solution(FLASH)
    g = torch.Generator().manual_seed(2)
    q, k, v = torch.randn(1, 4, 12, 8, generator=g), torch.randn(1, 2, 12, 8, generator=g), torch.randn(1, 2, 12, 8, generator=g)
    one_tile = mod.flash_attention(q, k, v, 64)
    for name in ("mistake_no_rescale", "mistake_inverted_rescale", "mistake_sum_not_rescaled"):
        assert torch.allclose(getattr(mod, name)(q, k, v, 64), one_tile, atol=1e-6), name
        assert not torch.allclose(getattr(mod, name)(q, k, v, 4), one_tile, atol=1e-2), name


def test_flash_properties():
    q, mod = question(FLASH), solution(FLASH)
    check_properties(q, mod, lambda q_, k, v, block_size=32, causal=True: torch.zeros_like(q_))
    for impl in (flash_sdpa, flash_gqa_attention_reference, flash_fa1_loop_order):
        for p in q.grading.properties:
            assert run_property(mod, p.function, impl) is None, (impl.__name__, p.name)
    assert run_property(mod, "prop_any_block_size", mod.mistake_no_rescale) is not None
    assert run_property(mod, "prop_equals_naive_attention", mod.mistake_mask_not_offset) is not None


NAIVE_SUBMISSION = '''
import math
import torch


def flash_attention(q, k, v, block_size=32, causal=True):
    # the whole score matrix at once, per head: correct values, quadratic memory
    n_rep = q.shape[1] // k.shape[1]
    k, v = k.repeat_interleave(n_rep, 1), v.repeat_interleave(n_rep, 1)
    q_len, kv_len = q.shape[2], k.shape[2]
    keep = torch.ones(q_len, kv_len, dtype=torch.bool).tril(kv_len - q_len) if causal else None
    out = torch.empty(q.shape, dtype=q.dtype)
    for h in range(q.shape[1]):
        s = q[:, h].float() @ k[:, h].float().transpose(-1, -2) / math.sqrt(q.shape[-1])
        if keep is not None:
            s = s.masked_fill(~keep, float("-inf"))
        out[:, h] = (s.softmax(-1) @ v[:, h].float()).to(q.dtype)
    return out
'''


def test_flash_memory_case_fails_a_full_score_matrix_through_the_engine(tmp_path, bank, zygote):
    """Graded for real (child process, 256 MiB cap): the quadratic answer fails the long case only,
    the tiled reference passes it."""
    from grader.grading.engine import grade_question

    q = bank.get(FLASH)
    long = [c for c in q.grading.cases if "10240" in c.name]
    small = [c for c in q.grading.cases if c.name.startswith("float32, 37 tokens")]
    only = dataclasses.replace(q, grading=dataclasses.replace(q.grading, cases=small + long, properties=[], mistakes=[]))
    naive = tmp_path / "gqa_flash_attention.py"
    naive.write_text(NAIVE_SUBMISSION, encoding="utf-8")
    result = grade_question(question=only, submission=naive, bank=bank, zygote=zygote)
    status = {c.name: c.status for c in result.cases}
    assert status[small[0].name] == "passed", result.cases
    assert status[long[0].name] not in ("passed", "failed"), result.cases  # it never produced a value
    tiled = grade_question(question=only, submission=bank.solution_path(FLASH), bank=bank, zygote=zygote)
    assert [c.status for c in tiled.cases] == ["passed", "passed"], tiled.cases


# ---------------------------------------------------------------- the decoding quizzes, recomputed


def _right(qid):
    q = question(qid)
    return q, q.choices[q.answer_index]


def test_quiz_decode_cache_holds_kv_heads():
    q, right = _right("gqa-quiz-decode-cache-contents")
    assert "8 kv heads" in right.en and q.corrects == ["S13"]
    g = torch.Generator().manual_seed(5)
    step = solution(DECODE).gqa_decode_step
    _, k, v = step(torch.randn(1, 32, 1, 8, generator=g), torch.randn(1, 8, 1, 8, generator=g), torch.randn(1, 8, 1, 8, generator=g),
                   torch.randn(1, 8, 3, 8, generator=g), torch.randn(1, 8, 3, 8, generator=g), 3)
    assert k.shape[1] == v.shape[1] == 8 and 32 // 8 == 4 and "32/8 = 4" in q.explanation.en


def test_quiz_decode_position_is_the_cache_length():
    q, right = _right("gqa-quiz-decode-position")
    assert right.en.startswith("At position 36")
    mod = solution(DECODE)
    g = torch.Generator().manual_seed(6)
    args = (torch.randn(1, 4, 1, 8, generator=g), torch.randn(1, 2, 1, 8, generator=g), torch.randn(1, 2, 1, 8, generator=g),
            torch.randn(1, 2, 36, 8, generator=g), torch.randn(1, 2, 36, 8, generator=g), 36)
    _, k, _ = mod.gqa_decode_step(*args)
    assert torch.allclose(k[:, :, -1:], complex_rope_heads_second(args[1], torch.tensor([36]), 10000.0), atol=1e-6)
    # "it does not matter": rotating the new token at 0 or 37 changes the output
    out = mod.gqa_decode_step(*args)[0]
    assert not torch.allclose(mod.mistake_ignores_position(*args)[0], out, atol=1e-3)
    assert not torch.allclose(mod.mistake_position_after_append(*args)[0], out, atol=1e-3)


def test_quiz_decode_mask_numbers():
    q, right = _right("gqa-quiz-decode-mask")
    assert right.en.startswith("None at all")
    assert torch.ones(1, 37).tril().sum() == 1  # the top-left tril keeps key 0 only
    assert offset_mask(1, 37).all()  # the offset mask hides nothing on a decode step
    assert torch.equal(offset_mask(3, 10), torch.hstack([torch.ones(3, 7, dtype=torch.bool), torch.ones(3, 3, dtype=torch.bool).tril()]))


def test_quiz_online_softmax_rescale():
    q, right = _right("gqa-quiz-online-softmax")
    assert "exp(m - m_new)" in right.en
    s = torch.tensor([0.5, 2.0, 1.0, 4.0])
    m_old, m_new = s[:2].max(), s.max()
    assert torch.allclose(torch.exp(s[:2] - m_old) * torch.exp(m_old - m_new), torch.exp(s[:2] - m_new))
    assert torch.exp(m_old - m_new) <= 1

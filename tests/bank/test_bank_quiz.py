"""Concept quizzes and topic introductions: schema, coverage of the source's claims, quotes,
bilingual text, and the facts the quizzes teach (checked by recomputing them here)."""

from __future__ import annotations

import ast
import dataclasses
import math
import re
from collections import Counter

import pytest
import torch

from conftest import REPO, seed_text
from conftest import builtin_bank as bank
from grader.bank.corrections import uncorrected
from grader.bank.loader import load_question, parse_file
from grader.bank.schema import QuizQuestion, Text, Topic

QUIZ_FILES = sorted((REPO / "questions").glob("*/*-quiz-*.yaml"))
QUIZ_TOPICS = ("rope", "rmsnorm", "gqa")
# Quizzes on what interviewers ask beyond the source article (issue 13: KV-cache decoding, tiled
# attention, SwiGLU): the article says nothing about these, so they correct no claim of it.
SUBJECT_QUIZZES = {
    "gqa-quiz-decode-position", "gqa-quiz-decode-mask", "gqa-quiz-online-softmax",
    "llama-quiz-swiglu-formula", "llama-quiz-ffn-hidden-size", "llama-quiz-swiglu-two-thirds",
}
ALL_TOPICS = ("rope", "rmsnorm", "gqa", "llama")
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
ELLIPSIS = "……"


def quizzes() -> list[QuizQuestion]:
    return [q for q in bank().questions.values() if q.kind == "quiz"]


def quiz(qid: str) -> QuizQuestion:
    q = bank().get(qid)
    assert q.kind == "quiz", f"{qid} is not a quiz"
    return q


def texts(obj, path: str):
    """Every Text field inside a question or topic, with a readable location."""
    if isinstance(obj, Text):
        yield path, obj
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            yield from texts(getattr(obj, f.name), f"{path}.{f.name}")
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from texts(item, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from texts(item, f"{path}[{key!r}]")


def right(q: QuizQuestion) -> Text:
    return q.choices[q.answer_index]


def wrong(q: QuizQuestion) -> list[Text]:
    return [c for i, c in enumerate(q.choices) if i != q.answer_index]


# --------------------------------------------------------------------------- loading


def test_there_are_quiz_files():
    assert len(QUIZ_FILES) >= 6 * len(QUIZ_TOPICS)


@pytest.mark.parametrize("path", QUIZ_FILES, ids=lambda p: p.stem)
def test_quiz_loads_and_is_complete(path):
    q = load_question(path)
    assert isinstance(q, QuizQuestion)
    assert q.topic in ALL_TOPICS
    assert q.points == 1
    assert len(q.choices) == 4
    if q.id in SUBJECT_QUIZZES:
        # subjects the source article never mentions: nothing of it to correct, the sources remain
        assert not q.corrects and q.correction is None and q.sources
    else:
        assert q.corrects, "every quiz corrects at least one claim of the source"
    # (that it quotes each claim it corrects, with a correction and sources, the schema checks at load)
    assert all(s.url.startswith("https://") for s in q.sources)


@pytest.mark.parametrize("topic", QUIZ_TOPICS)
def test_at_least_six_quizzes_per_topic(topic):
    found = bank().by_topic(topic, kind="quiz")
    assert len(found) >= 6, f"{topic}: only {len(found)} quizzes: {[q.id for q in found]}"


# --------------------------------------------------------------------------- coverage of S1..S14


def test_quizzes_alone_correct_every_claim():
    # the whole bank's coverage (and that the check can fail) is tests/unit/test_corrections.py
    missing = uncorrected(quizzes())
    assert not missing, f"claims that no quiz corrects: {', '.join(missing)}"


# --------------------------------------------------------------------------- bilingual text


def _all_items():
    b = bank()
    return [(qid, q) for qid, q in sorted(b.questions.items())] + [
        (f"_topic:{t}", topic) for t, topic in sorted(b.topics.items())
    ]


@pytest.mark.parametrize("name,item", _all_items(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_text_has_chinese(name, item):
    bad = [path for path, t in texts(item, name) if not t.zh.strip() or not CJK.search(t.zh) or not t.en.strip()]
    assert not bad, f"Text fields without Chinese (or empty): {bad}"


# --------------------------------------------------------------------------- answers and choices


@pytest.mark.parametrize("path", QUIZ_FILES, ids=lambda p: p.stem)
def test_choices_are_distinct(path):
    q = load_question(path)  # (an answer beyond the choices is a load error: tests/unit/test_schema.py)
    for lang in ("en", "zh"):
        seen = [" ".join(getattr(c, lang).split()).casefold() for c in q.choices]
        dupes = [s for s, n in Counter(seen).items() if n > 1]
        assert not dupes, f"{q.id}: identical {lang} choices: {dupes}"


def test_right_letters_are_spread():
    letters = Counter(q.answer for q in quizzes())
    assert set(letters) >= {"A", "B", "C", "D"}, letters
    assert max(letters.values()) <= len(quizzes()) // 2, letters


# --------------------------------------------------------------------------- topic introductions

EXPECTED_TOPICS = {
    "rope": ("Rotary Position Embedding", "旋转位置编码", "Reparameterization through Orthogonal Projections", "S1"),
    "rmsnorm": ("Root Mean Square Layer Normalization", "均方根层归一化", "Root Mean Square Normalization", "S6"),
    "gqa": ("Grouped-Query Attention", "分组查询注意力", "General Question Answering", "S11"),
    "llama": ("The Llama decoder block", "解码器块", "Llama模型深度剖析：RoPE、RMSNorm和GQA技术解析与实践", None),
}


@pytest.mark.parametrize("topic", ALL_TOPICS)
def test_topic_introduction(topic):
    path = REPO / "questions" / topic / "_topic.yaml"
    t = parse_file(path, Topic)
    name_en, name_zh, source_name, myth = EXPECTED_TOPICS[topic]
    assert t.topic == topic
    assert t.name.en == name_en
    assert name_zh in t.name.zh
    assert t.source_name == source_name
    assert t.myth == myth
    assert 4 <= t.intro.zh.count("。") <= 6, "intro: 4-6 sentences"
    assert 4 <= len(re.findall(r"[.!?](?:\s|$)", t.intro.en)) <= 7
    assert t.sources
    assert bank().topics[topic] == t


@pytest.mark.parametrize("topic", ALL_TOPICS)
def test_topic_source_name_is_the_sources_words(topic):
    seed = seed_text()
    assert EXPECTED_TOPICS[topic][2] in seed


# --------------------------------------------------------------------------- facts (recomputed here)

# The models' configurations, as the quizzes state them: (layers, heads, kv_heads, head_dim)
LLAMA3_8B = (32, 32, 8, 128)
LLAMA2_70B = (80, 64, 8, 128)


def kv_bytes(layers, kv_heads, head_dim, bytes_per_element=2):
    return 2 * layers * kv_heads * head_dim * bytes_per_element


def _in_both(q, needle):
    return needle in q.explanation.en and needle in q.explanation.zh


def test_kv_cache_llama3_8b_numbers():
    q = quiz("gqa-quiz-kv-cache-llama3-8b")
    layers, heads, kv_heads, head_dim = LLAMA3_8B
    per_token = kv_bytes(layers, kv_heads, head_dim)
    assert per_token == 131072 == 128 * 1024
    assert str(per_token) in right(q).en and "128 KiB" in right(q).en
    assert all(str(per_token) not in c.en for c in wrong(q))
    assert _in_both(q, "131072") and _in_both(q, "128 KiB")
    assert "2 * 32 * 8 * 128 * 2" in right(q).en and "2 * 32 * 8 * 128 * 2" in right(q).zh
    # the distractors are the usual slips: keys only, and query heads instead of kv heads
    assert any(str(per_token // 2) in c.en for c in wrong(q))
    assert any(str(kv_bytes(layers, heads, head_dim)) in c.en for c in wrong(q))
    assert per_token * 8192 == 2**30 and _in_both(q, "1 GiB")


def test_kv_cache_llama2_70b_numbers():
    q = quiz("gqa-quiz-kv-cache-llama2-70b")
    layers, heads, kv_heads, head_dim = LLAMA2_70B
    gqa, mha = kv_bytes(layers, kv_heads, head_dim), kv_bytes(layers, heads, head_dim)
    assert gqa == 320 * 1024 and mha == int(2.5 * 2**20) and mha // gqa == 8
    assert re.search(r"320 KiB with GQA.*2\.5 MiB with MHA", right(q).en)
    assert _in_both(q, str(gqa)) and _in_both(q, str(mha))
    assert _in_both(q, "320 KiB") and _in_both(q, "2.5 MiB")
    assert q.correction and "320 KiB" in q.correction.en and "2.5 MiB" in q.correction.zh


def test_rope_theta_numbers():
    q = quiz("rope-quiz-rope-theta")
    assert re.search(r"\b10000 in Llama 2; 500000 in Llama 3\b", right(q).en)
    assert _in_both(q, "10000") and _in_both(q, "500000")
    assert "10000" in q.correction.en and "500000" in q.correction.en


def test_norm_eps_numbers():
    q = quiz("rmsnorm-quiz-norm-eps")
    assert re.search(r"LLaMA 1: 1e-6; Llama 2, Llama 3 and 3\.1: 1e-5", right(q).en)
    assert _in_both(q, "1e-6") and _in_both(q, "1e-5")
    assert _in_both(q, "torch.finfo(x.dtype).eps")


def test_rmsnorm_speedup_numbers():
    q = quiz("rmsnorm-quiz-speedup")
    assert "7%–64%" in right(q).en and all("7%" not in c.en for c in wrong(q))
    assert _in_both(q, "7%–64%")


def test_gqa_uptraining_numbers():
    q = quiz("gqa-quiz-uptraining")
    assert "mean-pools" in right(q).en and "5%" in right(q).en
    assert _in_both(q, "5%")


def test_llama_models_with_gqa():
    q = quiz("gqa-quiz-which-llama-models")
    assert "7B and 13B use plain MHA" in right(q).en and "8 kv heads" in right(q).en
    for pair in ("32/32", "40/40", "64/8", "32/8", "128/8"):
        assert _in_both(q, pair), pair


def test_llama31_scaling_rule():
    q = quiz("rope-quiz-llama31-scaling")
    text = right(q).en
    for piece in ("factor 8", "low_freq_factor 1", "high_freq_factor 4", "8192", "8192/4 = 2048", "f/8"):
        assert piece in text, piece

    # the rule as stated, recomputed: continuous at both wavelength thresholds
    def scaled(f, factor=8.0, low=1.0, high=4.0, old=8192):
        w = 2 * math.pi / f
        if w < old / high:
            return f
        if w > old / low:
            return f / factor
        s = (old / w - low) / (high - low)
        return (1 - s) * f / factor + s * f

    f_hi, f_lo = 2 * math.pi / 2048, 2 * math.pi / 8192
    assert math.isclose(scaled(f_hi), f_hi) and math.isclose(scaled(f_lo), f_lo / 8)
    assert math.isclose(scaled(f_hi * 1.0001), f_hi * 1.0001) and math.isclose(scaled(f_lo * 0.9999), f_lo * 0.9999 / 8)


def test_head_mapping_numbers():
    q = quiz("gqa-quiz-head-mapping")
    _, heads, kv_heads, _ = LLAMA3_8B
    n_rep = heads // kv_heads
    kv_of = torch.arange(kv_heads).repeat_interleave(n_rep)  # Meta's repeat_kv order
    tiled = torch.arange(kv_heads).repeat(n_rep)  # the classic bug
    assert int(kv_of[13]) == 13 // n_rep == 3 and int(tiled[13]) == 13 % kv_heads == 5
    assert "kv head 3" in right(q).en
    assert any("kv head 5" in c.en for c in wrong(q))


def _rotate(x: torch.Tensor, pos: float, base: float = 10000.0) -> torch.Tensor:
    d = x.shape[-1]
    theta = base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    z = torch.view_as_complex(x.reshape(-1, 2).contiguous()) * torch.polar(torch.ones_like(theta), pos * theta)
    return torch.view_as_real(z).reshape(d)


def test_relative_position_property_taught_by_quiz():
    q = quiz("rope-quiz-relative-position")
    assert "<q, R_(n-m) k>" in right(q).en
    g = torch.Generator().manual_seed(0)
    qv, kv = torch.randn(16, generator=g, dtype=torch.float64), torch.randn(16, generator=g, dtype=torch.float64)
    for m, n in [(0, 5), (7, 3), (100, 140)]:
        lhs = torch.dot(_rotate(qv, m), _rotate(kv, n))
        rhs = torch.dot(qv, _rotate(kv, n - m))
        assert torch.isclose(lhs, rhs, rtol=1e-10, atol=1e-10)
    assert torch.isclose(_rotate(qv, 37).norm(), qv.norm())  # rotations keep norms (long-term-decay quiz)


def test_rope_source_code_fails_as_the_quiz_says():
    seed = seed_text()
    q = quiz("rope-quiz-source-code-runs")
    for line in ("projected_seq = torch.mm(input_seq, proj_mat)", "input_seq = torch.tensor([1, 2, 3, 4, 5])",
                 "proj_mat = torch.tensor([[1, 0], [0, 1]])",
                 "regressed_seq = torch.matmul(translated_seq, torch.inverse(proj_mat))",
                 "proj_mat = torch.tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1]])"):
        assert line in seed, line
    with pytest.raises(RuntimeError):
        torch.mm(torch.tensor([1, 2, 3, 4, 5]), torch.tensor([[1, 0], [0, 1]]))
    proj = torch.tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
    translated = torch.matmul(torch.tensor([[1, 2, 3], [4, 5, 6], [7, 8, 9]]), proj) + torch.randn(3, 1)
    assert translated.shape == (3, 3)  # these steps do run, as the explanation says
    with pytest.raises(RuntimeError):
        torch.inverse(proj)
    assert "RuntimeError" in right(q).en and "S14" in q.corrects


def test_rmsnorm_source_code_output_as_the_quiz_says():
    seed = seed_text()
    q = quiz("rmsnorm-quiz-source-code")
    for line in ("norm_grad = (grad - mean) / std", "scaled_grad = scale * norm_grad + shift",
                 "grad = torch.tensor([1, 2, 3, 4, 5])", "mean = torch.tensor([1.5, 2.5, 3.5, 4.5, 5.5])",
                 "std = torch.tensor([0.5, 0.5, 0.5, 0.5, 0.5])", "scale = 0.1", "shift = 0.05"):
        assert line in seed, line
    grad = torch.tensor([1, 2, 3, 4, 5])
    mean = torch.tensor([1.5, 2.5, 3.5, 4.5, 5.5])
    std = torch.tensor([0.5, 0.5, 0.5, 0.5, 0.5])
    out = 0.1 * ((grad - mean) / std) + 0.05
    assert torch.allclose(out, torch.full((5,), -0.05))
    x = grad.double()
    assert not torch.allclose(out.double(), x / torch.sqrt((x**2).mean() + 1e-5), atol=0.1)  # not RMSNorm
    assert "-0.05" in right(q).en and _in_both(q, "-0.05")


def _python_blocks(seed: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", seed, flags=re.S)


def test_gqa_source_code_fails_as_the_quiz_says():
    seed = seed_text()
    q = quiz("gqa-quiz-source-code")
    spacy_blocks = [b for b in _python_blocks(seed) if "import spacy" in b]
    assert len(spacy_blocks) == 2
    with pytest.raises(SyntaxError):
        ast.parse(spacy_blocks[0])
    tree = ast.parse(spacy_blocks[1])  # the later copy compiles...
    attrs = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    assert "ent_i" in attrs  # ...but reads token.ent_i
    consts = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}
    assert "This is a placeholder answer." in consts
    assert "ent_i" in right(q).en and "syntax error" in right(q).en and "placeholder" in right(q).en


def test_gqa_intro_states_the_kv_cache_number():
    t = bank().topics["gqa"]
    assert str(kv_bytes(32, 8, 128)) in t.intro.en and "131072" in t.intro.zh

"""Mechanical checks of the bank's learner-facing text, one per class of defect a fact-check found
(issue 13): source URLs that are not pinned, ambiguous "N 倍" reductions in Chinese, "RMSNorm
computes no mean", and the specific phrasings that were corrected (quotes: test_quotes.py). Each
checker is also run on the defect it exists for, so it cannot pass vacuously."""

from __future__ import annotations

import dataclasses
import re

from conftest import REPO
from conftest import builtin_bank as bank


def strings(obj, path: str):
    """Every string inside a question or topic (texts, names, descriptions, titles), with where it is."""
    if isinstance(obj, str):
        yield path, obj
    elif dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            yield from strings(getattr(obj, f.name), f"{path}.{f.name}")
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from strings(item, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from strings(item, f"{path}[{key!r}]")


def bank_strings():
    for qid, q in sorted(bank().questions.items()):
        yield from strings(q, qid)
    for topic, t in sorted(bank().topics.items()):
        yield from strings(t, f"_topic:{topic}")


def repo_docs():
    """The prose outside the bank that a learner or instructor reads."""
    return [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


# --------------------------------------------------------------------------- source URLs

STABLE = [
    re.compile(r"^https://arxiv\.org/abs/\d{4}\.\d{4,5}(v\d+)?$"),
    re.compile(r"^https://doi\.org/10\.\S+$"),
    re.compile(r"^https://github\.com/[\w.-]+/[\w.-]+/blob/[0-9a-f]{40}/\S+$"),  # a commit, not a branch
    re.compile(r"^https://(docs\.)?pytorch\.org/docs/\d+\.\d+/\S+\.html$"),  # a versioned release's page
    re.compile(r"^https://github\.com/[\w.-]+/[\w.-]+/(issues|pull)/\d+$"),  # a numbered thread stays put
    re.compile(r"^https://spacy\.io/api/\w+$"),  # spaCy's API reference for an attribute that never existed
]


def url_problem(url: str) -> str | None:
    if any(p.match(url) for p in STABLE):
        return None
    return f"not pinned to a commit or a stable page: {url}"


def _sources():
    for qid, q in sorted(bank().questions.items()):
        for s in q.sources:
            yield f"{qid}: {s.title[:50]}", s.url
    for topic, t in sorted(bank().topics.items()):
        for s in t.sources:
            yield f"_topic:{topic}: {s.title[:50]}", s.url


def test_every_source_url_is_pinned():
    bad = [f"{where}: {url_problem(url)}" for where, url in _sources() if url_problem(url)]
    assert not bad, "\n".join(bad)


def test_url_checker_rejects_moving_targets():
    for url in ("https://github.com/meta-llama/llama/blob/main/llama/model.py",
                "https://github.com/meta-llama/llama-models/blob/main/models/llama3/reference_impl/model.py",
                "https://pytorch.org/docs/stable/generated/torch.nn.RMSNorm.html",
                "https://huggingface.co/meta-llama/Llama-2-7b-hf/blob/main/config.json"):
        assert url_problem(url), url
    assert url_problem("https://arxiv.org/abs/2309.00071") is None


# --------------------------------------------------------------------------- Chinese: "N 倍" reductions

# "缩小 8 倍" / "小 8 倍" / "节省 H/G 倍" read both as "to 1/8" and as "by 7/8": say "缩小为原来的 1/8".
REDUCTION_BY_TIMES = re.compile(r"(缩小|减小|减少|降低|节省|下降|少|小)[^，。；：、,;（）()]{0,24}?倍")


def reduction_problem(text: str) -> str | None:
    m = REDUCTION_BY_TIMES.search(text)
    return None if m is None else f"a reduction by 'N 倍' (write 缩小为原来的 1/N): {m.group(0)!r}"


def _zh_strings():
    yield from ((where, s) for where, s in bank_strings() if re.search(r"[\u4e00-\u9fff]", s))
    for path in (REPO / "grader" / "ui").glob("*.py"):
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"[\u4e00-\u9fff]", line):
                yield f"{path.relative_to(REPO)}:{i}", line


def test_no_reduction_by_times_in_chinese():
    bad = [f"{where}: {reduction_problem(s)}" for where, s in _zh_strings() if reduction_problem(s)]
    assert not bad, "\n".join(bad)


def test_reduction_checker_catches_the_old_wording():
    for old in ("所以 KV 缓存缩小 n_heads / n_kv_heads 倍：", "GQA 为 320 KiB，MHA 为 2.5 MiB，小 8 倍。",
                "GQA 节省 n_heads / n_kv_heads 倍，开销线性增长", "GQA 把它缩小了 32/8 = 4 倍。"):
        assert reduction_problem(old), old
    for fine in ("缩小为原来的 1/8", "`heads` 是 `kv_heads` 的整数倍", "开销将是 8 倍", "你的结果是正确值的 8 倍"):
        assert reduction_problem(fine) is None, fine


# --------------------------------------------------------------------------- RMSNorm computes one mean

# It subtracts no mean, but it does compute one: mean(x**2). "No mean" claims are wrong.
NO_MEAN = re.compile(
    r"neither a mean|computes? no mean|no mean is computed|no mean to compute|without computing a mean"
    r"|skips the mean\b(?! subtraction)|\(no mean\)|\(no mean;"
    r"|不计算均值|既不计算均值|省去了均值|去掉均值|无需计算和减去均值"
)


def test_no_claim_that_rmsnorm_computes_no_mean():
    everything = list(bank_strings()) + [(str(p.relative_to(REPO)), p.read_text(encoding="utf-8")) for p in repo_docs()]
    bad = [f"{where}: {m.group(0)!r}" for where, s in everything for m in [NO_MEAN.search(s)] if m]
    assert not bad, "\n".join(bad)


def test_no_mean_checker_catches_the_old_wording():
    for old in ("RMSNorm computes neither a mean nor a standard deviation.", "at lower cost because it computes no mean",
                "lower cost because no mean is computed", "RMSNorm 既不计算均值，也不计算标准差。", "但因为不计算均值而更省计算"):
        assert NO_MEAN.search(old), old
    assert not NO_MEAN.search("RMSNorm subtracts no mean; its one statistic is mean(x**2). 它不减均值。")


# --------------------------------------------------------------------------- the corrected phrasings stay corrected

RETIRED = {
    "平移（中心化）": "reads as translation invariance: 重新中心化不变性",
    "提示分块": "prompt 分块 or 提示词分块",
    "配对序号": "维度对的下标",
    "论文证明": "the decay of RoFormer's bound is shown numerically (Fig. 2), not proved",
    "widely copied": "unsupported",
    "whose point is memory": "GQA's aim is decoding speed; less memory bandwidth is the means",
    "131072 tokens in the 405B": "every Llama 3.1 size has 131072 tokens",
    "405B 模型为 131072": "every Llama 3.1 size has 131072 tokens",
    "(LLaMA §2.2; Meta": "queries and keys only is RoFormer §3.2 and Meta's apply_rotary_emb",
    "In Llama (LLaMA paper": "queries and keys only is RoFormer §3.2 and Meta's apply_rotary_emb",
    "8 bits of mantissa": "bfloat16 has 8 significant bits, 7 of them stored",
    "8 位尾数": "bfloat16 has 8 significant bits, 7 of them stored",
    "about attention memory": "GQA's aim is faster decoding; the smaller cache is the means",
    "关乎注意力的显存": "GQA's aim is faster decoding; the smaller cache is the means",
}


def test_retired_phrasings_do_not_come_back():
    everything = list(bank_strings()) + [(str(p.relative_to(REPO)), p.read_text(encoding="utf-8")) for p in repo_docs()]
    everything += [(str(p.relative_to(REPO)), p.read_text(encoding="utf-8")) for p in (REPO / "grader" / "ui").glob("*.py")]
    bad = [f"{where}: {phrase!r} ({why})" for where, s in everything for phrase, why in RETIRED.items() if phrase in s]
    assert not bad, "\n".join(bad)


def test_forbidden_status_reads_as_a_status_in_chinese():
    from grader.ui.strings import t

    assert t("status.forbidden", "zh") == "使用了禁用的 API"


def test_layer_counts_name_their_range():
    # "32 to 126 layers" holds for LLaMA 1 through Llama 3.1 only (Llama 3.2 1B and 3B: 16 and 28)
    for where, s in bank_strings():
        if re.search(r"32 to 126|32 到 126", s):
            assert "3.1" in s and "16" in s and "28" in s, where


def test_llama1_eps_is_sourced_beyond_model_py():
    # model.py's ModelArgs.norm_eps default is 1e-5; LLaMA 1's 1e-6 comes from its params.json,
    # which HF's LlamaConfig defaults and conversion script carry
    pattern = re.compile(r"LLaMA 1\W{0,3}(?:'s )?(?:uses )?(?:norm_eps\W{0,3})?\D{0,20}1e-6|1e-6\W{0,3}\(LLaMA 1|1e-6（LLaMA 1|LLaMA 1 (中为|使用|的 norm_eps)")
    stating = [qid for qid, q in sorted(bank().questions.items()) if any(pattern.search(s) for _, s in strings(q, qid))]
    assert {"rmsnorm-quiz-norm-eps", "rmsnorm-module"} <= set(stating), stating  # the pattern finds them
    for qid in stating:
        urls = " ".join(s.url for s in bank().get(qid).sources)
        assert "configuration_llama" in urls or "convert_llama_weights" in urls, qid
    topic = bank().topics["rmsnorm"]
    assert "1e-6" in topic.intro.en and "configuration_llama" in " ".join(s.url for s in topic.sources)

"""The numbers the bank states about real Llama models, checked against one table of their
configurations (released params.json / HF config.json values), wherever the text or a case's
arguments state them; and the Chinese text states the same numbers as the English beside it.

The prose checker reads a model's numbers in the words that follow its name up to the end of the
clause ("Llama 2 70B has 80 layers, 64 query heads, 8 key/value heads and head_dim 128"), and a
generation's rope_theta / norm_eps in the clause that names it ("base 10000 in LLaMA 1 and Llama 2").
It cannot read every sentence, so it is also run on wrong wordings, and must find a floor of claims
in the bank, so that it cannot pass by reading nothing."""

from __future__ import annotations

import dataclasses
import math
import re

import pytest
from test_bank_text import repo_docs, strings

from conftest import builtin_bank

# --------------------------------------------------------------------------- the table

HEAD_DIM = 128  # every model below
MODELS = {  # dim, layers, query heads, kv heads, vocab, context
    "Llama 2 7B": dict(dim=4096, layers=32, heads=32, kv=32, vocab=32000, context=4096),
    "Llama 2 13B": dict(dim=5120, layers=40, heads=40, kv=40, vocab=32000, context=4096),
    "Llama 2 70B": dict(dim=8192, layers=80, heads=64, kv=8, vocab=32000, context=4096),
    "Llama 3 8B": dict(dim=4096, layers=32, heads=32, kv=8, vocab=128256, context=8192),
    "Llama 3 70B": dict(dim=8192, layers=80, heads=64, kv=8, vocab=128256, context=8192),
    # every Llama 3.1 size has the 131072-token context; only the 405B's shape is in the table
    "Llama 3.1 405B": dict(dim=16384, layers=126, heads=128, kv=8, vocab=128256, context=131072),
}
GENERATIONS = {  # what holds for every size of a generation
    "LLaMA 1": dict(theta=10000, eps=1e-6, context=2048),
    "Llama 2": dict(theta=10000, eps=1e-5, context=4096),
    "Llama 3": dict(theta=500000, eps=1e-5, context=8192, kv=8, original=8192),
    "Llama 3.1": dict(theta=500000, eps=1e-5, context=131072, kv=8, original=8192),
}

SIZED = re.compile(r"\b(Llama 2|Llama 3\.1|Llama 3)\s(7B|13B|34B|70B|8B|405B)\b")
# "Llama 2 7B and 13B ...": a second size of the same generation
SHORT = re.compile(r"(?:\band |和 ?|、 ?)(7B|13B|34B|70B|8B|405B)\b")
GENERATION = re.compile(r"\b(LLaMA 1|Llama 2|Llama 3\.1|Llama 3)\b(?![.\d])(?!\s?\d+B)")
CLAUSE_END = re.compile(r"[;；。]|\.(?:\s|$)")

# what a model's clause may state, in English and in Chinese
FIELDS = [
    ("kv", re.compile(r"(\d+) (?:kv|key/value) heads|(\d+) 个 ?(?:kv|键/值) ?头")),
    ("heads", re.compile(r"(\d+) (?:query )?heads|(\d+) 个(?:查询)?头")),
    ("layers", re.compile(r"(\d+) layers|(\d+) 层")),
    ("head_dim", re.compile(r"head_dim (?:为 )?(\d+)")),
    ("dim", re.compile(r"(?<![\w])dim (?:为 )?(\d+)")),
    ("context", re.compile(r"(\d+)[- ]token context|(\d+) token 上下文")),
]
HEAD_PAIR = re.compile(r"(?:(Llama 2|Llama 3\.1|Llama 3) )?(7B|13B|34B|70B|8B|405B) (?:为 )?(\d+)/(\d+)")


def expected(model: str, field: str):
    return HEAD_DIM if field == "head_dim" else MODELS[model][field]


def model_claims(text: str):
    """(model, field, stated value, the words) for every number stated after a model's name."""
    full = [(m.start(), m.end(), m.group(1), m.group(2)) for m in SIZED.finditer(text)]
    short = [(m.start(1), m.end(), None, m.group(1)) for m in SHORT.finditer(text)]
    mentions, family = [], None
    for start, end, fam, size in sorted(full + short):
        family = fam or family
        if family and not any(a < start < b for a, b, *_ in full):
            mentions.append((start, end, f"{family} {size}"))
    for i, (_, at, model) in enumerate(mentions):
        stop = mentions[i + 1][0] if i + 1 < len(mentions) else len(text)
        end = CLAUSE_END.search(text, at, stop)
        words = text[at: end.start() if end else stop]
        if model not in MODELS:  # Llama 2 34B was never released: no configuration to check
            continue
        taken = []  # spans already read as kv heads are not read again as heads
        for field, pattern in FIELDS:
            for f in pattern.finditer(words):
                if any(a <= f.start() < b for a, b in taken):
                    continue
                taken.append(f.span())
                yield model, field, int(next(g for g in f.groups() if g)), words.strip()
    family = None
    for p in HEAD_PAIR.finditer(text):  # "Llama 2 7B 32/32 and 13B 40/40": query / kv heads
        family = p.group(1) or family
        model = f"{family} {p.group(2)}"
        if model in MODELS:
            yield model, "heads", int(p.group(3)), p.group(0)
            yield model, "kv", int(p.group(4)), p.group(0)


THETA_WORDS = re.compile(r"\b(?:base|rope_theta|theta)\b")
THETA = re.compile(r"(?<![\d.])(\d{4,7})(?:\.0)?(?![\d.])")
EPS = re.compile(r"(?<![\w.])(1(?:\.0)?e-\d+)")


def generation_claims(text: str):
    """(generation, field, value, clause) for rope_theta and norm_eps. In a clause such as
    "base 10000 in LLaMA 1 and Llama 2" a value belongs to the generations after it (up to the
    next value); in "LLaMA 1: 1e-6" or "Llama 3 raises rope_theta to 500000", to those before it."""
    for clause in re.split(r"[;；,，。()（）]|\.(?:\s|$)", text):
        gens = [(g.start(), g.group(1)) for g in GENERATION.finditer(clause)]
        if not gens:
            continue
        values = [(v.start(), "eps", float(v.group(1))) for v in EPS.finditer(clause)]
        if THETA_WORDS.search(clause):
            values += [(v.start(), "theta", int(v.group(1))) for v in THETA.finditer(clause)]
        values.sort()
        if not values:
            continue
        before = gens[0][0] < values[0][0]
        bounds = [v[0] for v in values]
        for k, (at, field, value) in enumerate(values):
            if before:
                lo, hi = (bounds[k - 1] if k else -1), at
            else:
                lo, hi = at, (bounds[k + 1] if k + 1 < len(bounds) else len(clause))
            for g_at, gen in gens:
                if lo < g_at < hi:
                    yield gen, field, value, clause.strip()


def claim_problems(text: str, where: str) -> list[str]:
    bad = []
    for model, field, value, words in model_claims(text):
        if value != expected(model, field):
            bad.append(f"{where}: {model} {field} is {expected(model, field)}, the text says {value}: {words!r}")
    for gen, field, value, clause in generation_claims(text):
        if field in GENERATIONS[gen] and not math.isclose(value, GENERATIONS[gen][field]):
            bad.append(f"{where}: {gen} {field} is {GENERATIONS[gen][field]}, the text says {value}: {clause!r}")
    return bad


def stated_texts():
    """Every string the bank and the docs state as fact: a quiz's wrong choices and the source's
    quoted claims are left out (they are wrong on purpose), and so is the source article."""
    bank = builtin_bank()
    for qid, q in sorted(bank.questions.items()):
        for where, s in strings(q, qid):
            if ".claims[" in where:
                continue
            wrong = re.match(rf"{re.escape(qid)}\.choices\[(\d+)\]", where)
            if wrong and "ABCDEF"[int(wrong.group(1))] != q.answer:
                continue
            yield where, s
    for topic, t in sorted(bank.topics.items()):
        yield from strings(t, f"_topic:{topic}")
    for path in repo_docs():
        yield path.name, path.read_text(encoding="utf-8")


def test_model_numbers_in_the_text_match_the_configurations():
    bad = [p for where, s in stated_texts() for p in claim_problems(s, where)]
    assert not bad, "\n".join(bad)


def test_the_checker_reads_the_bank():
    read = [c for _, s in stated_texts() for c in (*model_claims(s), *generation_claims(s))]
    fields = {(c[0], c[1]) for c in read}
    assert len(read) >= 60, len(read)  # 71 when this test was written
    for pair in [("Llama 2 70B", "layers"), ("Llama 2 70B", "kv"), ("Llama 3 8B", "heads"), ("Llama 3.1 405B", "kv"),
                 ("Llama 2 13B", "kv"), ("Llama 3 8B", "dim"), ("LLaMA 1", "eps"), ("Llama 2", "eps"), ("Llama 3", "theta")]:
        assert pair in fields, pair


@pytest.mark.parametrize("wrong", [
    "Llama 2 70B has 80 layers, 32 query heads, 8 key/value heads and head_dim 128.",
    "Llama 3 8B（32 层、4 个 kv 头、head_dim 128）",
    "Llama 3 8B has dim 5120.",
    "Head counts: Llama 2 7B 32/32 and 13B 40/8.",
    "Llama 3.1 405B, full 8192-token context",
    "Llama 2 7B (MHA, 8 kv heads)",
    "eps is 1e-5 in LLaMA 1 and 1e-5 in Llama 2 and Llama 3.",
    "LLaMA 1：1e-5；Llama 2、Llama 3 和 3.1：1e-5。",
    "RoPE has no learned parameters: the base is 500000 in LLaMA 1 and Llama 2 and 500000 in Llama 3.",
    "LLaMA 1 和 Llama 2 的 base 为 10000，Llama 3 的 rope_theta = 10000。",
])
def test_the_checker_catches_wrong_numbers(wrong):
    assert claim_problems(wrong, "wrong"), wrong


def test_the_checker_accepts_the_right_ones():
    for right in ("Llama 2 70B has 80 layers, 64 query heads, 8 key/value heads and head_dim 128.",
                  "Llama 2 70B (80 layers, 8 kv heads for 64 query heads) 320 KiB; 64 kv heads would cost 8x as much",
                  "Llama 2 7B 为 32/32，13B 为 40/40；Llama 3.1 405B 为 128/8",
                  "eps is 1e-6 in LLaMA 1 and 1e-5 in Llama 2 and Llama 3.",
                  "the base is 10000 in LLaMA 1 and Llama 2 and 500000 in Llama 3, and Llama 3.1 rescales it"):
        assert not claim_problems(right, "right"), right


# --------------------------------------------------------------------------- cases named after a model

def _default_base(q) -> float | None:
    m = re.search(r"\b(?:rope_)?base: float = ([\d.]+)", q.signature)
    return float(m.group(1)) if m else None


def _shape(spec):
    return spec.get("randn") if isinstance(spec, dict) else None


def case_problems(q) -> list[str]:
    """A case whose name or description names a model must use that model's numbers."""
    bad = []
    for i, case in enumerate(q.grading.cases):
        text = " ".join(filter(None, (case.name, case.description)))
        where, args = f"{q.id} case {i} ({case.name})", case.args
        for m in SIZED.finditer(text):
            if f"{m.group(1)} {m.group(2)}" not in MODELS:
                continue
            cfg = MODELS[f"{m.group(1)} {m.group(2)}"]
            checks = {"n_layers": cfg["layers"], "n_kv_heads": cfg["kv"], "n_heads": cfg["heads"],
                      "n_rep": cfg["heads"] // cfg["kv"]}
            if "head_dim" in args:
                checks["head_dim"] = HEAD_DIM
            if "full" in text and "seq_len" in args:
                checks["seq_len"] = cfg["context"]
            for name, want in checks.items():
                if name in args and args[name] != want:
                    bad.append(f"{where}: {name} is {args[name]}, {m.group(0)} has {want}")
            if "head layout" in text:  # (batch, heads, seq, head_dim) tensors
                for name, spec in args.items():
                    shape = _shape(spec)
                    if shape and len(shape) == 4:
                        want = cfg["heads"] if name == "q" else cfg["kv"]
                        if (shape[1], shape[3]) != (want, HEAD_DIM):
                            bad.append(f"{where}: {name} has shape {shape}, {m.group(0)} has {want} such heads of {HEAD_DIM}")
        gens = {g.group(1) for g in GENERATION.finditer(text)}
        for gen in gens:
            facts = GENERATIONS[gen]
            base = args.get("base", args.get("rope_base", _default_base(q)))
            if base is not None and "inv_freq" not in args and float(base) != facts["theta"]:
                bad.append(f"{where}: base {base}, {gen} uses {facts['theta']}")
            if "original_max_positions" in args and args["original_max_positions"] != facts.get("original", facts["context"]):
                bad.append(f"{where}: original_max_positions {args['original_max_positions']}, {gen}'s is "
                           f"{facts.get('original', facts['context'])}")
        spec = args.get("inv_freq")
        said = re.search(r"base (?:为 )?(\d+)", text)
        if isinstance(spec, dict) and "tensor" in spec and (said or gens):
            base = float(said.group(1)) if said else GENERATIONS[sorted(gens)[0]]["theta"]
            freqs = spec["tensor"]
            d = 2 * len(freqs)
            if not all(math.isclose(f, base ** (-2 * j / d), rel_tol=1e-9) for j, f in enumerate(freqs)):
                bad.append(f"{where}: inv_freq is not base ** (-2i/d) for base {base:g}, d = {d}")
        span = re.search(r"(\d+) to (\d+) tokens", text)
        if span and "original_max_positions" in args:
            old, new = int(span.group(1)), int(span.group(2))
            if args["original_max_positions"] != old or args.get("factor") != new / old:
                bad.append(f"{where}: '{span.group(0)}' but original_max_positions {args['original_max_positions']}, "
                           f"factor {args.get('factor')}")
    return bad


def _code_questions():
    return [q for _, q in sorted(builtin_bank().questions.items()) if q.kind == "code"]


def test_cases_named_after_a_model_use_its_numbers():
    bad = [p for q in _code_questions() for p in case_problems(q)]
    assert not bad, "\n".join(bad)


def test_the_case_checker_reads_the_cases_and_catches_a_wrong_one():
    named = [(q, c) for q in _code_questions() for c in q.grading.cases
             if SIZED.search(c.name + " " + (c.description or "")) or GENERATION.search(c.name + " " + (c.description or ""))]
    assert len(named) >= 20, len(named)  # 27 when this test was written
    kv = builtin_bank().get("gqa-kv-cache-bytes")
    wrong = dataclasses.replace(kv.grading.cases[1], args={**kv.grading.cases[1].args, "n_layers": 64})
    assert case_problems(dataclasses.replace(kv, grading=dataclasses.replace(kv.grading, cases=[wrong])))
    yarn = builtin_bank().get("rope-yarn")
    llama2 = next(c for c in yarn.grading.cases if c.name.startswith("Llama 2 frequencies"))
    shifted = {**llama2.args, "inv_freq": {"tensor": [f * 1.01 for f in llama2.args["inv_freq"]["tensor"]]}}
    assert case_problems(dataclasses.replace(yarn, grading=dataclasses.replace(yarn.grading, cases=[
        dataclasses.replace(llama2, args=shifted)])))


# --------------------------------------------------------------------------- the Chinese says the same numbers

NUMBER = re.compile(r"(?<![A-Za-z0-9_.])\d+(?:\.\d+)?(?:e-?\d+)?%?(?=x\b|(?![A-Za-z0-9_]))")  # ASCII edges: "第0对" too
FRACTIONS = {"half": "2", "quarter": "4", "eighth": "8"}  # "one eighth of the size" is "缩小为原来的 1/8"
SMALL = {"0", "1", "2"}  # "ones" / "全 1", "2-D" / "二维", "sum to one" / "为 1": spelled out in one language


def numbers(text: str) -> set[str]:
    text = re.sub(r"\b\d-[Dd]\b", "", text)  # "4-D input" is "四维输入"
    text = re.sub(r"(?<![\d.])1/(\d+)", r"\1", text)  # "4 times smaller" is "缩小为原来的 1/4"
    text = re.sub(r"\bone (half|quarter|eighth)\b", lambda m: FRACTIONS[m.group(1)], text)
    return set(NUMBER.findall(text)) - SMALL


def pairs():
    """(where, English, Chinese) for every bilingual text of the bank."""
    def walk(obj, path):
        if dataclasses.is_dataclass(obj):
            fields = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
            if set(fields) >= {"en", "zh"}:
                yield path, fields["en"], fields["zh"]
                return
            for name, zh in (("name", "name_zh"), ("description", "description_zh")):
                if fields.get(name) and fields.get(zh):
                    yield f"{path}.{name}", fields[name], fields[zh]
            for name, value in fields.items():
                yield from walk(value, f"{path}.{name}")
        elif isinstance(obj, (list, tuple)):
            for i, item in enumerate(obj):
                yield from walk(item, f"{path}[{i}]")
    bank = builtin_bank()
    for qid, q in sorted(bank.questions.items()):
        yield from walk(q, qid)
    for topic, t in sorted(bank.topics.items()):
        yield from walk(t, f"_topic:{topic}")


def number_problem(en: str, zh: str) -> str | None:
    a, b = numbers(en), numbers(zh)
    return None if a == b else f"English only: {sorted(a - b)}, Chinese only: {sorted(b - a)}"


def test_chinese_states_the_same_numbers_as_english():
    checked = list(pairs())
    assert len(checked) >= 800, len(checked)  # 902 when this test was written
    bad = [f"{where}: {number_problem(en, zh)}" for where, en, zh in checked if number_problem(en, zh)]
    assert not bad, "\n".join(bad)


def test_number_check_catches_a_drifting_translation():
    assert number_problem("LLaMA 1 uses norm_eps = 1e-6", "LLaMA 1 使用 norm_eps = 1e-5")
    assert number_problem("320 KiB instead of 2.5 MiB", "320 KiB，而不是 25 MiB")
    assert number_problem("7%–64% less running time", "运行时间减少 7%–46%")
    assert number_problem("64 kv heads would cost 8x as much", "若有 64 个 kv 头，开销将是 4 倍")
    assert not number_problem("one eighth of the size, 320 KiB", "缩小为原来的 1/8，320 KiB")
    assert not number_problem("4-D input, weight of ones", "四维输入，全 1 的 weight")


# --------------------------------------------------------------------------- papers, and whom each correction cites

PAPERS = {  # arXiv id -> words of its title
    "2104.09864": "RoFormer", "2302.13971": "LLaMA: Open and Efficient", "2307.09288": "Llama 2: Open Foundation",
    "2407.21783": "The Llama 3 Herd", "1910.07467": "Root Mean Square Layer Normalization",
    "2305.13245": "GQA: Training Generalized Multi-Query", "2306.15595": "Positional Interpolation",
    "2309.00071": "YaRN", "2002.05202": "GLU Variants", "2205.14135": "FlashAttention: Fast",
    "2307.08691": "FlashAttention-2", "1805.02867": "Online normalizer", "2112.05682": "Self-attention Does Not Need",
}
ARXIV = re.compile(r"arXiv[: ](\d{4}\.\d{4,5})")


def test_arxiv_ids_name_their_papers():
    assert sum("arxiv.org" in url for *_, url in _all_sources()) >= 50  # the check reads the bank's papers
    bad = []
    for where, title, url in _all_sources():
        at = re.match(r"https://arxiv\.org/abs/(\d{4}\.\d{4,5})$", url)
        ids = ARXIV.findall(title)
        if at and (at.group(1) not in PAPERS or PAPERS[at.group(1)] not in title or ids != [at.group(1)]):
            bad.append(f"{where}: {title!r} at {url}")
    for where, s in stated_texts():
        bad += [f"{where}: unknown arXiv id {i}" for i in ARXIV.findall(s) if i not in PAPERS]
        for i in ARXIV.findall(s):  # "RoFormer, arXiv 2104.09864": the name next to an id is its paper's
            for other, name in PAPERS.items():
                if other != i and re.search(rf"{re.escape(name)}\W{{0,30}}arXiv[: ]{re.escape(i)}", s):
                    bad.append(f"{where}: {name} cited as arXiv {i}")
    assert not bad, "\n".join(bad)


def _all_sources():
    bank = builtin_bank()
    for qid, q in sorted(bank.questions.items()):
        yield from ((qid, s.title, s.url) for s in q.sources)
    for topic, t in sorted(bank.topics.items()):
        yield from ((f"_topic:{topic}", s.title, s.url) for s in t.sources)


META_MODEL = "github.com/meta-llama/llama/blob/"  # Meta's reference llama/model.py
# The primary sources a correction of each claim must cite at least one of (paper or reference code).
# S5 (queries and keys only) never rests on the LLaMA paper, which says only "at each layer".
PRIMARY = {
    "S1": ["2104.09864"], "S2": ["2104.09864", META_MODEL], "S3": ["2104.09864"],
    "S4": ["2104.09864", META_MODEL, "meta-llama/llama-models", "modeling_rope_utils", "2309.00071"],
    "S5": ["2104.09864", META_MODEL],
    **{m: ["1910.07467", META_MODEL] for m in ("S6", "S7", "S8", "S9", "S10")},
    **{m: ["2305.13245", META_MODEL] for m in ("S11", "S12", "S13")},
    "S14": ["pytorch.org/docs", "spacy.io", "1910.07467"],
}


def test_every_correction_cites_a_primary_source_for_its_claims():
    bad = []
    for qid, q in sorted(builtin_bank().questions.items()):
        urls = " ".join(s.url for s in q.sources)
        bad += [f"{qid}: corrects {m} but cites none of {PRIMARY[m]}" for m in q.corrects
                if not any(p in urls for p in PRIMARY[m])]
    assert not bad, "\n".join(bad)
    llama_paper_alone = "https://arxiv.org/abs/2302.13971"
    assert not any(p in llama_paper_alone for p in PRIMARY["S5"])  # it says "at each layer", not "q and k"


# --------------------------------------------------------------------------- the Chinese names the same code

IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*")
CODE_WORDS = {"wq", "wk", "wv", "wo", "float32", "float16", "bfloat16", "float64", "int64", "triu", "tril", "cat",
              "sqrt", "silu", "sigmoid", "softmax", "rsqrt"}


def code_names(text: str) -> set[str]:
    """The identifiers a text names (anything with an underscore or a dot, and a few bare ones)."""
    found = {w.lower() for w in IDENTIFIER.findall(text)}
    return {w for w in found if ("_" in w or "." in w or w in CODE_WORDS) and w not in {"i.e", "e.g"}}


def test_chinese_names_the_same_code_as_english():
    bad = [f"{where}: English only {sorted(code_names(en) - code_names(zh))}, Chinese only "
           f"{sorted(code_names(zh) - code_names(en))}" for where, en, zh in pairs() if code_names(en) != code_names(zh)]
    assert not bad, "\n".join(bad)


def test_code_name_check_catches_a_drifting_translation():
    en, zh = "query head h uses kv head h // n_rep (repeat_interleave)", "查询头 h 使用 kv 头 h % n_kv_heads（repeat）"
    assert code_names(en) != code_names(zh)
    assert code_names("Softmax over dim=-1, i.e. the keys") == code_names("在键的维度上做 softmax")


# --------------------------------------------------------------------------- a case's words match its arguments

def case_facts(q, args: dict) -> dict:
    """What a case's arguments make true, under the names its description uses."""
    facts = {k: v for k, v in args.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    shape = {k: _shape(v) for k, v in args.items() if _shape(v)}
    if "q" in shape:  # (batch, heads, q_len, head_dim) against k or k_new (batch, kv_heads, kv_len, head_dim)
        facts.update(heads=shape["q"][1], q_len=shape["q"][2], head_dim=shape["q"][3])
        k = shape.get("k") or shape.get("k_new")
        facts.update(kv_heads=k[1], kv_len=shape["k"][2] if "k" in shape else None)
    elif "wq" in shape:  # nn.Linear weights of a Llama block
        facts.update(heads=args["n_heads"], kv_heads=args["n_kv_heads"], head_dim=shape["wq"][0] // args["n_heads"])
    elif q.id.startswith("rope-apply") and "x" in shape:  # (batch, seq, heads, head_dim)
        facts.update(heads=shape["x"][2], head_dim=shape["x"][3])
    elif q.id == "gqa-repeat-kv":  # (batch, seq, kv_heads, head_dim)
        facts.update(kv_heads=shape["x"][2], head_dim=shape["x"][3])
    freqs = args.get("inv_freq")
    if isinstance(freqs, dict) and "tensor" in freqs:  # one frequency per pair
        facts["head_dim"] = 2 * len(freqs["tensor"])
    if "n_kv_heads" in args:
        facts.setdefault("kv_heads", args["n_kv_heads"])
    if "rope_base" in args:
        facts["base"] = args["rope_base"]
    pos = args.get("positions")
    if isinstance(pos, dict) and "arange" in pos:
        a = pos["arange"]
        facts["positions"] = (0, a - 1) if isinstance(a, int) else (a[0], a[1] - 1)
    elif "position" in args and "q" in shape:  # a decoding step: the new tokens sit at position ..
        facts["positions"] = (args["position"], args["position"] + shape["q"][2] - 1)
    return facts


WORDS = [  # (fact, pattern); several groups read as a tuple
    (("heads", "kv_heads"), r"(\d+) heads sharing (\d+) kv heads"),
    (("kv_heads",), r"(?<!sharing )\b(\d+) kv heads"),
    (("q_len",), r"\bq_len =? ?(\d+)"), (("kv_len",), r"\bkv_len =? ?(\d+)"),
    (("block_size",), r"\bblock_size (\d+)|tiles of (\d+)"),
    (("head_dim",), r"\bhead_dim (\d+)"),
    (("factor",), r"\bfactor (\d+(?:\.\d+)?)"),
    (("base",), r"\bbase =? ?(\d+)"),
    (("seq_len",), r"\bseq_len (\d+)"), (("original_max_positions",), r"\boriginal_max_positions (\d+)"),
    (("positions",), r"\bpositions (\d+) ?\.\. ?(\d+)"),
]


def words_problems(q) -> list[str]:
    bad = []
    for i, case in enumerate(q.grading.cases):
        facts = case_facts(q, case.args)
        for text in filter(None, (case.name, case.description)):
            for names, pattern in WORDS:
                for m in re.finditer(pattern, text):
                    said = [float(g) for g in m.groups() if g is not None]
                    key = names[0] if names == ("positions",) else None
                    have = [facts.get(n) for n in names] if key is None else [*(facts.get(key) or (None, None))]
                    if None not in have and [float(h) for h in have] != said:
                        bad.append(f"{q.id} case {i}: '{m.group(0)}' but the arguments give {have}")
    return bad


def test_case_descriptions_match_their_arguments():
    read = sum(bool(re.search(p, f"{c.name} {c.description or ''}")) for q in _code_questions()
               for c in q.grading.cases for _, p in WORDS)
    assert read >= 80, read  # 128 when this test was written
    bad = [p for q in _code_questions() for p in words_problems(q)]
    assert not bad, "\n".join(bad)


def test_the_description_check_catches_a_wrong_one():
    q = builtin_bank().get("gqa-flash-attention")
    case = next(c for c in q.grading.cases if "q_len 9" in (c.description or ""))
    wrong = dataclasses.replace(case, description=case.description.replace("kv_len 21", "kv_len 12"))
    assert words_problems(dataclasses.replace(q, grading=dataclasses.replace(q.grading, cases=[wrong])))

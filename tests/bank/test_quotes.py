"""The source article's claims as the bank quotes them: verbatim (the article ships in
questions/_source/), contiguous unless a '……' marks a join inside one passage, each with an
English rendering.  One test for every question."""

from __future__ import annotations

import re

import pytest

from conftest import builtin_bank, seed_text

ELLIPSIS = "……"  # a quote may leave out a stretch of the article, marked like this (and only so)
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _quote_cases():
    return [(qid, q.claims) for qid, q in sorted(builtin_bank().questions.items()) if q.claims]


@pytest.mark.parametrize("qid,claims", _quote_cases(), ids=lambda v: v if isinstance(v, str) else "")
def test_quotes_are_verbatim_substrings_of_the_seed(qid, claims):
    seed = seed_text()
    for claim in claims:
        problem = quote_problem(claim.quote_zh, seed)  # verbatim, and contiguous unless marked (below)
        assert problem is None, f"{qid} {claim.myth}: {problem}"
        if ELLIPSIS in claim.quote_zh:  # the English rendering shows the join too
            assert "..." in claim.quote_en or "…" in claim.quote_en, f"{qid} {claim.myth}: quote_en does not mark the join"


def test_quote_check_would_catch_a_paraphrase():
    seed = seed_text()
    assert "RoPE（Reparameterization through Orthogonal Projections）" in seed
    assert "RoPE (Reparameterization through Orthogonal Projections)" not in seed  # ASCII brackets


def test_every_quote_has_an_english_rendering():
    for q in builtin_bank().questions.values():
        for c in q.claims:
            assert c.quote_en.strip() and not CJK.search(c.quote_en), (q.id, c.myth)


# ---------------------------------------------------------------- contiguous, or joined within one passage


def _blocks(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of the article's sections (heading to heading) and code samples."""
    code = [(m.start(), m.end()) for m in re.finditer(r"```.*?```", text, re.S)]
    # headings outside code (a Python comment "# ..." inside a sample is no heading)
    heads = [m.start() for m in re.finditer(r"^#+ ", text, re.M) if not any(a <= m.start() < b for a, b in code)]
    heads.append(len(text))
    return [(a, b, "section") for a, b in zip([0, *heads], heads)] + [(a, b, "code") for a, b in code]


def quote_problem(quote: str, text: str) -> str | None:
    """Why a quote is not a faithful quote of text, or None. A quote is one contiguous passage,
    unless ELLIPSIS marks where a piece was left out; then every piece is verbatim, in order, the
    pieces stay inside one section (and the pieces of code inside one code sample), and what was
    left out is more than markup or whitespace (an ellipsis standing only for Markdown `**` is no join)."""
    parts = quote.split(ELLIPSIS)
    if any(not p.strip() for p in parts):
        return "an empty piece around the join mark"
    spans, pos = [], 0
    for part in parts:
        at = text.find(part, pos)
        if at < 0:
            return f"not verbatim (or out of order) in the source: {part!r}"
        spans.append((at, at + len(part)))
        pos = at + len(part)
    for (_, end), (start, _) in zip(spans, spans[1:]):
        if not re.sub(r"[\s*#>`-]", "", text[end:start]):
            return f"the join mark stands only for markup or whitespace: {text[end:start]!r}"
    blocks = _blocks(text)
    first, last = spans[0][0], spans[-1][1]
    if any(kind == "section" and a <= first < b < last for a, b, kind in blocks):
        return "the pieces come from different sections of the article"
    samples = {i for s, _ in spans for i, (a, b, kind) in enumerate(blocks) if kind == "code" and a <= s < b}
    if len(samples) > 1:
        return "the pieces come from different code samples"
    return None


def test_quote_checker_catches_the_defects_it_is_for():
    text = seed_text()
    # the old S4 quote: the first sample's signature joined to a line of the second sample
    assert "different" in quote_problem("def rope(input_seq, proj_mat, trans_mat):……trans_mat = torch.randn(proj_mat.size(1), 1)", text)
    # an ellipsis that only replaced Markdown '** '
    assert "markup" in quote_problem("计算均值和标准差：……对于每个层的每个参数，计算其梯度的均值和标准差。", text)
    # a paraphrase, and pieces out of order
    assert "not verbatim" in quote_problem("RoPE使远距离依赖更加紧密。", text)
    backwards = "regressed_seq = torch.mm(translated_seq, torch.inverse(proj_mat))……projected_seq = torch.mm(input_seq, proj_mat)"
    assert "out of order" in quote_problem(backwards, text)
    # and a faithful join inside one sample passes
    assert quote_problem("def rope(input_seq, proj_mat):……trans_mat = torch.randn(proj_mat.size(1), 1)", text) is None


def test_the_corrections_view_shows_a_single_quote_for_s4():
    from grader.bank.corrections import collect

    s4 = next(c for c in collect(builtin_bank()) if c.myth == "S4")
    assert ELLIPSIS not in s4.claim.quote_zh and s4.claim.quote_zh in seed_text()

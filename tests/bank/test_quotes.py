"""The source article's claims as the bank quotes them: verbatim (the article ships in
questions/_source/), each with an English rendering.  One test for every question."""

from __future__ import annotations

import re

import pytest

from conftest import builtin_bank, seed_text

ELLIPSIS = "……"  # a quote may leave out a stretch of the article, marked like this
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _quote_cases():
    return [(qid, q.claims) for qid, q in sorted(builtin_bank().questions.items()) if q.claims]


@pytest.mark.parametrize("qid,claims", _quote_cases(), ids=lambda v: v if isinstance(v, str) else "")
def test_quotes_are_verbatim_substrings_of_the_seed(qid, claims):
    seed = seed_text()
    for claim in claims:
        parts = claim.quote_zh.split(ELLIPSIS)
        assert all(p.strip() for p in parts), f"{qid} {claim.myth}: empty part around '……'"
        for part in parts:
            assert part in seed, f"{qid} {claim.myth}: not verbatim in the source article: {part!r}"


def test_quote_check_would_catch_a_paraphrase():
    seed = seed_text()
    assert "RoPE（Reparameterization through Orthogonal Projections）" in seed
    assert "RoPE (Reparameterization through Orthogonal Projections)" not in seed  # ASCII brackets


def test_every_quote_has_an_english_rendering():
    for q in builtin_bank().questions.values():
        for c in q.claims:
            assert c.quote_en.strip() and not CJK.search(c.quote_en), (q.id, c.myth)

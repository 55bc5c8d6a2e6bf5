"""Every case and property of every code question speaks Chinese too: name_zh always, and
description_zh whenever there is an English description (hidden cases show it instead of data)."""

from __future__ import annotations

import re

import pytest

from conftest import builtin_bank as bank

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_OR_FULLWIDTH_PUNCT = r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]"
STRAY_SPACE = re.compile(CJK_OR_FULLWIDTH_PUNCT + r"\s+" + CJK_OR_FULLWIDTH_PUNCT)
NUMBER = re.compile(r"\d+(?:\.\d+)?(?:e-?\d+)?")
IDENTIFIER = re.compile(r"\b[A-Za-z][A-Za-z0-9]*_[A-Za-z0-9_]*\b")


def code_question_ids() -> list[str]:
    return sorted(qid for qid, q in bank().questions.items() if q.kind == "code")


def entries(qid: str):
    g = bank().get(qid).grading
    return [("case", c) for c in g.cases] + [("property", p) for p in g.properties]


def test_there_are_code_questions_with_descriptions():
    ids = code_question_ids()
    assert len(ids) >= 10, ids
    described = [e for qid in ids for _, e in entries(qid) if e.description]
    assert len(described) >= 40


@pytest.mark.parametrize("qid", code_question_ids())
def test_cases_and_properties_have_chinese_names_and_descriptions(qid):
    problems = []
    for what, e in entries(qid):
        label = f"{qid} {what} {e.name!r}"
        if not e.name_zh or not CJK.search(e.name_zh):
            problems.append(f"{label}: name_zh missing or without Chinese")
        if e.description is None:
            if e.description_zh is not None:
                problems.append(f"{label}: description_zh without description")
            continue
        zh = e.description_zh
        if not zh or not CJK.search(zh):
            problems.append(f"{label}: description_zh missing or without Chinese")
            continue
        if zh != zh.strip():
            problems.append(f"{label}: description_zh has leading/trailing whitespace")
        for text in (zh, e.name_zh or ""):
            if STRAY_SPACE.search(text):
                problems.append(f"{label}: stray space between Chinese characters in {text!r}")
        # faithfulness guard: numbers and code identifiers survive the translation unchanged
        for number in NUMBER.findall(e.description):
            if number not in zh:
                problems.append(f"{label}: number {number} of the description missing from description_zh")
        for ident in IDENTIFIER.findall(e.description):
            if ident not in zh:
                problems.append(f"{label}: identifier {ident} of the description missing from description_zh")
    assert not problems, "\n".join(problems)

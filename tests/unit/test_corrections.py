"""`llamaprep corrections`: every claim S1-S14 of the source beside its correction."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from cli import app
from grader.bank.corrections import collect, uncorrected
from grader.bank.schema import MYTH_IDS

runner = CliRunner()
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_claim_of_the_source_is_corrected(bank):
    assert uncorrected(bank.questions.values()) == []
    items = collect(bank)
    assert [c.myth for c in items] == MYTH_IDS
    for item in items:
        assert item.sources, item.myth
        assert item.questions, item.myth
        assert CJK.search(item.correction.zh) and item.correction.en


def test_uncorrected_claims_are_reported(bank):
    # the coverage check is not vacuous: dropping every question that corrects S1 exposes it
    assert uncorrected([]) == MYTH_IDS
    assert uncorrected(q for q in bank.questions.values() if "S1" not in q.corrects) == ["S1"]


def test_topic_filter_keeps_that_topics_claims(bank):
    rope = {c.myth for c in collect(bank, "rope")}
    assert {"S1", "S2", "S3", "S4", "S5"} <= rope
    assert not rope & {"S6", "S7", "S11"}


def test_cli_shows_all_claims_in_english_and_chinese():
    english = runner.invoke(app, ["corrections"])
    assert english.exit_code == 0
    for myth in MYTH_IDS:
        assert f"{myth} ·" in english.output
    assert "Reparameterization" in english.output and "Orthogonal" in english.output
    assert "Rotary" in english.output and "Grouped-Query Attention" in english.output
    chinese = runner.invoke(app, ["corrections", "--lang", "zh"])
    assert chinese.exit_code == 0
    assert "原文的说法" in chinese.output and "事实" in chinese.output
    assert "The source article says" not in chinese.output
    assert "旋转位置编码" in chinese.output


def test_cli_unknown_topic_is_exit_2():
    result = runner.invoke(app, ["corrections", "transformers"])
    assert result.exit_code == 2
    assert "transformers" in result.output


def test_cli_shows_one_claim_by_its_id():
    result = runner.invoke(app, ["corrections", "s7"])
    assert result.exit_code == 0, result.output
    assert "S7 · rmsnorm" in result.output and "S6 ·" not in result.output and "S8 ·" not in result.output


def test_cli_unknown_lang_is_exit_2_with_one_line():
    for argv in (["corrections", "--lang", "fr"], ["--lang", "fr", "list"]):
        result = runner.invoke(app, argv)
        assert result.exit_code == 2 and "unknown --lang 'fr'; use en or zh" in result.output, result.output

"""rustlings-style `dev check` of the whole built-in bank, through the real grader:
every stub fails as shipped, every reference earns full marks, every listed mistake
loses points and is named as itself."""

from __future__ import annotations

import pytest

from grader.bank.loader import load_bank
from grader.grading.engine import grade_submissions
from grader.instructor.validate import _mistake_submission as mistake_submission

CODE_IDS = [q.id for q in load_bank().by_topic(kind="code")]
SPEC_IDS = {
    "rope-frequencies", "rope-apply-interleaved", "rope-apply-half", "rope-layout-permutation",
    "rope-llama3-scaling", "rmsnorm-forward", "rmsnorm-module", "rmsnorm-backward",
    "rmsnorm-fused-residual", "gqa-repeat-kv", "gqa-attention", "gqa-kv-cache-bytes",
    "gqa-from-mha", "llama-attention-block",
}


def test_bank_has_every_question_of_the_contract():
    assert SPEC_IDS <= set(CODE_IDS)


def test_every_reference_full_and_every_stub_zero(bank, zygote):
    refs = grade_submissions(bank=bank, targets=[(q, bank.solution_path(q)) for q in CODE_IDS], zygote=zygote)
    not_full = {r.id: [(c.name, c.message) for c in r.cases if c.status != "passed"] for r in refs.questions if not r.full_marks}
    assert not not_full
    stubs = grade_submissions(bank=bank, targets=[(q, bank.stub_path(q)) for q in CODE_IDS], zygote=zygote)
    assert {r.id: r.score for r in stubs.questions if r.score != 0} == {}
    assert all(c.status == "error" and "not implemented" in c.message for r in stubs.questions for c in r.cases)


@pytest.mark.parametrize("qid", CODE_IDS)
def test_every_mistake_fails_and_is_named(bank, zygote, tmp_path, qid):
    q = bank.get(qid)
    assert len(q.grading.mistakes) >= 2
    targets = []
    for mistake in q.grading.mistakes:
        folder = tmp_path / mistake.id
        folder.mkdir()
        targets.append((qid, mistake_submission(q, bank.solution_path(qid), mistake.function_name, folder)))
    report = grade_submissions(bank=bank, targets=targets, zygote=zygote)
    for mistake, result in zip(q.grading.mistakes, report.questions):
        assert result.score < result.max_score, mistake.id
        named = [c.mistake for c in result.cases if c.mistake]
        assert mistake.id in named, (mistake.id, [(c.name, c.status, c.mistake, c.message[:80]) for c in result.cases])

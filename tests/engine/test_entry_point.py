"""grade_submissions, the one grading entry point: it never raises, and it keeps "the grader
could not grade" (report.failures, with a reason) apart from "the submission failed" (a
graded question whose cases say why)."""

from __future__ import annotations

from pathlib import Path

import pytest

import grader.grading.engine as engine
from bank_copies import copy_question
from grader.bank.loader import load_bank
from grader.grading.engine import child_reason, grade_submissions
from grader.sandbox import wire

QID = "rmsnorm-forward"
REFERENCE = Path(__file__).resolve().parents[2] / "solutions" / "rmsnorm" / "rmsnorm_forward.py"


def test_unknown_and_quiz_ids_are_failures_and_the_rest_is_graded(bank, zygote):
    report = grade_submissions(bank=bank, targets=[("no-such-id", REFERENCE), (QID, REFERENCE), ("rope-quiz-acronym", REFERENCE)],
                               zygote=zygote)
    assert [q.id for q in report.questions] == [QID] and report.questions[0].full_marks
    assert [(q.id, q.failure.code) for q in report.failures] == [("no-such-id", "unknown-question"), ("rope-quiz-acronym", "not-code-question")]
    assert not report.full_marks  # two questions could not be graded
    assert report.score == report.max_score == 10


def test_a_reference_that_cannot_be_loaded_is_the_banks_failure(tmp_path, zygote):
    copy_question(tmp_path, solution_edit=lambda text: "raise ImportError('no such reference')\n" + text)
    bank = load_bank([tmp_path])
    report = grade_submissions(bank=bank, targets=[("rmsnorm-forward-copy", REFERENCE)], zygote=zygote)
    assert report.questions == []
    (failed,) = report.failures
    assert failed.failure.code == "reference-unloadable" and "no such reference" in failed.problem
    assert failed.cases and {c.reason.code for c in failed.cases} == {"not-graded"}
    assert all(c.reason.params["cause"] is failed.failure for c in failed.cases)


def test_a_reference_that_raises_mid_way_stops_grading_that_question(tmp_path, zygote):
    broken = "\n\ndef rms_norm(x, weight, eps=1e-5):\n    raise RuntimeError('reference bug')\n"
    copy_question(tmp_path, solution_edit=lambda text: text + broken)
    bank = load_bank([tmp_path])
    (failed,) = grade_submissions(bank=bank, targets=[("rmsnorm-forward-copy", REFERENCE)], zygote=zygote).failures
    assert failed.failure.code == "reference-failed" and failed.failure.params["message"] == "reference bug"
    assert failed.score == 0 and not failed.full_marks


def test_no_sandbox_is_a_failure_of_every_question_not_an_exception(bank, monkeypatch):
    def no_fork():
        raise OSError(11, "Resource temporarily unavailable")

    import grader.sandbox.zygote

    monkeypatch.setattr(grader.sandbox.zygote, "Zygote", no_fork)  # where the sandbox is started from
    monkeypatch.setattr(engine, "Zygote", no_fork, raising=False)
    report = grade_submissions(bank=bank, targets=[(QID, REFERENCE), ("rmsnorm-backward", REFERENCE)])
    assert report.questions == []
    assert [q.failure.code for q in report.failures] == ["internal-error", "internal-error"]
    assert "cannot start the grading sandbox" in report.failures[0].problem


def test_a_bug_of_the_grader_mid_question_is_a_failure_not_a_score(bank, zygote, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("a grader bug")

    monkeypatch.setattr(engine, "_grade_case", broken)
    report = grade_submissions(bank=bank, targets=[(QID, REFERENCE)], zygote=zygote)
    assert report.questions == [] and report.failures[0].failure.code == "internal-error"
    assert report.failures[0].failure.params["type"] == "KeyError"


def test_an_unreadable_submission_is_the_submissions_failure(bank, zygote, tmp_path):
    missing = tmp_path / "gone.py"
    (result,) = grade_submissions(bank=bank, targets=[(QID, missing)], zygote=zygote).questions
    assert result.failure is None and result.score == 0
    assert {c.status for c in result.cases} == {"error"} and {c.reason.code for c in result.cases} == {"unreadable-file"}
    assert str(missing) in result.cases[0].message


@pytest.mark.parametrize("data", [
    {"code": "passed", "params": {}},  # not a reason at all
    {"code": "reference-failed", "params": {"case": "x", "type": "E", "message": "m"}},  # not the child's to give
    {"code": "exception", "params": {"type": ["not", "plain"]}},
    {"code": "exception", "params": {}},  # type missing
    "exception",
    None,
])
def test_the_child_may_only_report_its_own_reasons_with_plain_parameters(data):
    with pytest.raises(wire.WireError):
        child_reason(data)


def test_a_childs_reason_is_made_printable():
    found = child_reason({"code": "exception", "params": {"type": "ValueError", "message": "\x1b]0;owned\x07bad", "line": 3, "source": "x"}})
    assert found.params["message"] == "bad" and found.status == "error"


CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "basic"


@pytest.mark.parametrize("fixture, codes", [
    ("syntax_error", {"syntax-error"}),
    ("import_error", {"exception"}),
    ("raises", {"exception"}),
    ("wrong_shape", {"shape-mismatch", "property-shape"}),
    ("returns_none", {"wrong-type", "property-not-a-tensor"}),
    ("pickled_payload", {"wrong-type", "property-not-a-tensor"}),
    ("wrong_dtype", {"dtype-mismatch"}),
])
def test_every_case_message_is_the_english_rendering_of_its_reason(bank, zygote, fixture, codes):
    from grader.report.reasons import case_message

    (result,) = grade_submissions(bank=bank, targets=[(QID, CORPUS / f"{fixture}.py")], zygote=zygote).questions
    failed = [c for c in result.cases if c.status != "passed"]
    assert {c.reason.code for c in failed} == codes, [(c.name, c.reason) for c in failed]
    for case in failed:
        explanation = case.explanation["en"] if case.explanation else None
        assert case.message == case_message(case.reason, "en", mistake=case.mistake, explanation=explanation)
        assert case.status == case.reason.status


@pytest.mark.parametrize("exc, code", [
    (SystemExit("bye"), "sys-exit"),
    (SystemExit(0), "sys-exit"),
    (ValueError(""), "exception"),
    (OSError(27, "File too large"), "output-limit"),
    (SyntaxError("invalid syntax", ("/x/sub.py", 3, 1, "def (", 3, 5)), "syntax-error"),
])
def test_the_child_describes_each_exception_as_a_reason_the_parent_accepts(exc, code):
    from grader.sandbox.worker import describe_exception

    data = describe_exception(exc, "/x/sub.py")
    assert data["code"] == code
    assert child_reason(data).code == code  # and nothing in it is refused

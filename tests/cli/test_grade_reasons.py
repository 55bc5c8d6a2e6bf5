"""`llamaprep grade`: structured reasons in the JSON, the Chinese table rendered from them,
and the grader's own failures (a quiz id, a broken bank) kept apart from the learner's:
exit 2, one line, nothing recorded as an attempt."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bank_copies import copy_question
from cli import app
from grader.grading.reasons import Reason
from grader.learner.progress import Progress
from grader.report.reasons import case_message, render

runner = CliRunner()
QID = "rmsnorm-forward"
REFERENCE = Path(__file__).resolve().parents[2] / "solutions" / "rmsnorm" / "rmsnorm_forward.py"
QUIZ = "rope-quiz-acronym"


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_a_quiz_id_with_file_is_exit_2_pointing_to_quiz(tmp_path):
    answer = tmp_path / "q.py"
    answer.write_text("x = 1\n")
    result = run("grade", QUIZ, "--file", str(answer))
    assert result.exit_code == 2, result.output
    assert lines(result.output) == [f"error: {QUIZ} is a quiz question: answer it with `llamaprep quiz rope`; only code questions are graded"]
    assert "Full marks" not in result.output
    assert Progress().best() == {}


def test_a_quiz_id_without_file_is_exit_2_in_json_mode_too():
    result = run("grade", QUIZ, "--format", "json")
    assert result.exit_code == 2
    assert "llamaprep quiz rope" in result.output and "practice" not in result.output
    assert result.stdout == ""  # nothing graded, no report


def test_a_quiz_id_reads_in_chinese(tmp_path):
    result = run("grade", QUIZ, "--lang", "zh")
    assert result.exit_code == 2 and "测验题" in result.output and "llamaprep quiz rope" in result.output


def test_the_json_carries_each_case_reason_and_its_english_rendering(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(REFERENCE.read_text() + "\nrms_norm = mistake_no_weight\n")
    result = run("grade", QID, "--file", str(path), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["results_version"] >= 2 and data["errors"] == []
    cases = data["questions"][0]["cases"]
    for case in cases:
        if case["status"] == "passed":
            assert case["reason"] is None and case["message"] == ""
            continue
        why = Reason.from_json(case["reason"])
        assert why.status == case["status"]
        if case["mistake"] is None:
            assert case["message"] == render(why)
        else:
            assert case["message"].startswith(render(why) + " — this matches the known mistake 'no-weight': ")
    assert any(c["mistake"] == "no-weight" and c["reason"]["code"] == "max-abs-diff" for c in cases)


def test_the_grade_table_shows_core_messages_in_chinese(tmp_path):
    ws = tmp_path / "ws"
    run("practice", QID, "--workspace", str(ws))
    result = run("grade", "--workspace", str(ws), "--lang", "zh")
    assert result.exit_code == 1
    assert render(Reason("not-implemented", {}), "zh") in result.output
    assert "not implemented yet" not in result.output


def test_a_broken_reference_is_exit_2_in_one_line_and_never_an_attempt(tmp_path):
    broken = "\n\ndef rms_norm(x, weight, eps=1e-5):\n    raise RuntimeError('the reference is broken')\n"
    copy_question(tmp_path / "bank", solution_edit=lambda text: text + broken)
    for fmt in ("table", "json"):
        result = run("grade", "rmsnorm-forward-copy", "--file", str(REFERENCE), "--bank", str(tmp_path / "bank"), "--format", fmt)
        assert result.exit_code == 2, result.output
        errors = [line for line in lines(result.output) if line.startswith("error:")]
        assert len(errors) == 1 and "the bank is broken" in errors[0] and "the reference is broken" in errors[0], result.output
        assert "Full marks" not in result.output and "Points lost" not in result.output
        if fmt == "json":
            data = json.loads(result.stdout)
            assert data["questions"] == [] and data["score"] == data["max_score"] == 0
            assert data["errors"][0]["id"] == "rmsnorm-forward-copy"
            assert data["errors"][0]["reason"]["code"] == "reference-failed"
    assert Progress().best() == {}  # the learner did nothing wrong: no attempt to count


def test_case_message_without_a_mistake_is_the_reason_alone():
    why = Reason("timeout", {"limit_s": 5})
    assert case_message(why) == "your code did not finish within the time limit (5 s)"
    assert case_message(why, "zh") == "你的代码没有在时间限制（5 秒）内完成"


def test_a_class_graded_against_a_broken_bank_is_exit_2_in_one_line(tmp_path):
    broken = "\n\ndef rms_norm(x, weight, eps=1e-5):\n    raise RuntimeError('the reference is broken')\n"
    copy_question(tmp_path / "bank", solution_edit=lambda text: text + broken)
    (tmp_path / "class" / "ada").mkdir(parents=True)
    (tmp_path / "class" / "ada" / "rmsnorm_forward_copy.py").write_text(REFERENCE.read_text())
    result = run("grade", "--submissions", str(tmp_path / "class"), "--bank", str(tmp_path / "bank"), "--format", "csv")
    assert result.exit_code == 2, result.output
    errors = [line for line in lines(result.output) if line.startswith("error:")]
    assert len(errors) == 1 and "the bank is broken" in errors[0] and "rmsnorm-forward-copy" in errors[0]


def test_a_property_judged_by_the_helper_carries_its_reason_and_reads_in_chinese(tmp_path):
    path = tmp_path / "twice.py"
    path.write_text("def rms_norm(x, weight, eps=1e-5):\n    return x * weight * 2\n")
    data = json.loads(run("grade", QID, "--file", str(path), "--format", "json").stdout)
    prop = next(c for c in data["questions"][0]["cases"] if c["name"] == "invariant to rescaling the input")
    assert prop["reason"]["code"] == "property-mismatch" and prop["message"] == render(Reason.from_json(prop["reason"]))
    table = run("grade", QID, "--file", str(path), "--lang", "zh", "--verbose")
    assert "最大误差" in table.output  # the property's own template ("最大绝对误差" is the cases')

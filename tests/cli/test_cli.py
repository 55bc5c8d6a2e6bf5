"""The command line, through typer's CliRunner (what each command imports: test_startup.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import app

runner = CliRunner()
QID = "rmsnorm-forward"
REFERENCE = Path(__file__).resolve().parents[2] / "solutions" / "rmsnorm" / "rmsnorm_forward.py"


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_list_shows_the_bank_with_topics():
    result = run("list")
    assert result.exit_code == 0
    assert QID in result.output and "rmsnorm" in result.output


def test_list_unknown_topic_is_a_one_line_error():
    result = run("list", "attention-is-all")
    assert result.exit_code == 2
    assert "unknown topic 'attention-is-all'" in result.output
    assert "Traceback" not in result.output


def test_practice_writes_the_stub_and_never_overwrites_edits(tmp_path):
    ws = tmp_path / "ws"
    first = run("practice", QID, "--workspace", str(ws), "--intro")
    assert first.exit_code == 0, first.output
    path = ws / "rmsnorm" / "rmsnorm_forward.py"
    assert "raise NotImplementedError" in path.read_text()
    assert "The source article says" in first.output and "[S7]" in first.output  # --intro: the claims beside the truth
    assert f"llamaprep grade {QID}" in first.output
    path.write_text("# my work\n")
    again = run("practice", QID, "--workspace", str(ws))
    assert again.exit_code == 0
    assert path.read_text() == "# my work\n"
    reset = run("practice", QID, "--workspace", str(ws), "--reset")
    assert reset.exit_code == 0
    assert "raise NotImplementedError" in path.read_text()
    backups = list(path.parent.glob("rmsnorm_forward.*.bak.py"))
    assert len(backups) == 1 and backups[0].read_text() == "# my work\n"


def test_practice_topic_shows_its_introduction_when_written(bank, tmp_path):
    result = run("practice", "rmsnorm", "--workspace", str(tmp_path), "--intro")
    assert result.exit_code == 0, result.output
    if "rmsnorm" in bank.topics:
        assert bank.topics["rmsnorm"].source_name.split()[0] in result.output


def test_practice_gives_no_quiz_answer_away_until_the_quiz_is_taken(bank, tmp_path):
    from grader.learner.progress import Progress

    topic = bank.topics["gqa"]
    first = run("practice", "gqa", "--workspace", str(tmp_path / "a"))
    assert first.exit_code == 0, first.output
    assert topic.source_name not in first.output and "The source article says" not in first.output
    assert "--intro" in first.output and "llamaprep quiz gqa" in first.output  # where the background is
    assert "When ready: llamaprep grade gqa-" in "".join(first.output.splitlines()[-3:])  # the task ends the screen
    store = Progress()
    for q in bank.by_topic("gqa", kind="quiz"):
        store.record_quiz(q.id, q.answer, True)
    once = run("practice", "gqa", "--workspace", str(tmp_path / "b"))  # quiz taken, topic new: shown once
    assert topic.source_name in once.output and "The source article says" in once.output
    again = run("practice", "gqa", "--workspace", str(tmp_path / "b"))
    assert topic.source_name not in again.output


def test_practice_of_a_quiz_item_points_to_the_quiz(bank):
    qid = bank.by_topic("rope", kind="quiz")[0].id
    result = run("practice", qid)
    assert result.exit_code == 0 and f"llamaprep quiz --id {qid}" in result.output
    assert bank.questions[qid].explanation.en[:30] not in result.output


def test_hint_watch_and_solution_default_to_the_question_last_practised(bank, tmp_path):
    ws = ["--workspace", str(tmp_path)]
    assert run("hint", *ws).exit_code == 2  # nothing practised yet: a one-line error
    run("practice", QID, *ws)
    first = run("hint", *ws)
    assert first.exit_code == 0 and bank.get(QID).hints[0].en[:30] in first.output
    locked = run("solution", *ws)
    assert locked.exit_code == 1 and QID in locked.output


def test_a_mistyped_id_or_topic_gets_a_suggestion():
    for args, near in ((["practice", "rope-aply-half"], "rope-apply-half"), (["hint", "rmsnorm-fowrard"], "rmsnorm-forward"),
                       (["list", "rmsnrom"], "rmsnorm"), (["grade", "gqa-repeat-vk"], "gqa-repeat-kv")):
        result = run(*args)
        assert result.exit_code == 2 and f"did you mean {near}" in result.output, (args, result.output)


def test_practice_unknown_is_exit_2():
    result = run("practice", "nope")
    assert result.exit_code == 2 and "unknown topic or question 'nope'" in result.output


def test_hint_reveals_one_more_each_time(bank):
    hints = bank.get(QID).hints
    first = run("hint", QID)
    assert first.exit_code == 0 and hints[0].en[:30] in first.output and hints[1].en[:30] not in first.output
    second = run("hint", QID)
    assert hints[1].en[:30] in second.output
    for _ in hints:
        last = run("hint", QID)
    assert f"All {len(hints)} hints" in last.output


def test_grade_untouched_stub_scores_zero_with_exit_1(tmp_path):
    ws = tmp_path / "ws"
    run("practice", QID, "--workspace", str(ws))
    result = run("grade", "--workspace", str(ws), "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)  # stdout carries only the JSON
    assert data["score"] == 0 and data["max_score"] == 10
    assert data["questions"][0]["id"] == QID
    case = data["questions"][0]["cases"][0]
    assert set(case) == {"name", "status", "score", "max_score", "message", "mistake", "reason"}  # the contract's, plus reason
    assert case["status"] == "error"


def test_grade_reference_file_full_marks_exit_0():
    result = run("grade", QID, "--file", str(REFERENCE), "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["score"] == data["max_score"] == 10
    assert all(c["status"] == "passed" and c["mistake"] is None for c in data["questions"][0]["cases"])


def test_grade_table_names_the_mistake(tmp_path):
    path = tmp_path / "mine.py"
    path.write_text(REFERENCE.read_text() + "\nrms_norm = mistake_no_weight\n")
    result = run("grade", QID, "--file", str(path))
    assert result.exit_code == 1
    assert "Known mistake 'no-weight'" in result.output
    assert "1/9 cases passed · 1.1 of 10 points" in result.output  # a labelled total, readable figures


@pytest.mark.parametrize(
    "args, message",
    [
        (["grade", "no-such-question"], "'no-such-question'"),
        (["grade", QID], "no file for rmsnorm-forward"),
        (["grade", QID, "--file", "/nonexistent/x.py"], "no such file: /nonexistent/x.py"),
        (["grade", "--file", "x.py"], "--file needs exactly one question id"),
        (["grade", "--format", "xml"], "unknown --format 'xml'"),
        (["grade"], "Nothing to grade"),
    ],
)
def test_grade_cannot_run_is_exit_2_with_one_line(args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_broken_bank_is_exit_2_naming_the_file(tmp_path):
    qdir = tmp_path / "bank" / "questions" / "rope"
    qdir.mkdir(parents=True)
    (qdir / "rope-broken.yaml").write_text("id: rope-broken\ntitle: [unclosed\n")
    result = run("list", "--bank", str(tmp_path / "bank"))
    assert result.exit_code == 2
    assert "rope-broken.yaml:3: not valid YAML" in result.output


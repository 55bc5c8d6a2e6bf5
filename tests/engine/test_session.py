"""A learner's day end to end, in English and Chinese; and the conveniences around it."""

import os
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from cli import app
from conftest import REPO
from grader.bank import completion

runner = CliRunner()
QID = "rmsnorm-forward"
REFERENCE = (REPO / "solutions" / "rmsnorm" / "rmsnorm_forward.py").read_text()

WORDS = {
    "en": {"wrote": "Your file:", "lost": "0 of 10 points", "hint": "Hint 1 of", "full": "Full marks.", "locked": "full marks",
           "progress": "Mastery by topic", "next": "Practise next", "score": "Score: 1 / 2", "reference": "Reference solution"},
    "zh": {"wrote": "你的文件：", "lost": "0 / 10 分", "hint": "提示 1/", "full": "满分。", "locked": "满分",
           "progress": "各主题掌握程度", "next": "下一步练习", "score": "得分：1 / 2", "reference": "参考答案"},
}


class Step:
    def __init__(self, exit_code: int, output: str):
        self.exit_code, self.output = exit_code, output


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_practice_fail_hint_fix_grade_progress_quiz(lang, tmp_path, bank):
    w = WORDS[lang]
    ws = ["--workspace", str(tmp_path / "w"), "--lang", lang]

    def run(*args, input=None):
        """A real process per step, as a learner runs them (grading also forks a fresh zygote)."""
        argv = [*args, *ws] if args[0] in ("practice", "grade") else [*args, "--lang", lang]
        proc = subprocess.run([sys.executable, str(REPO / "cli.py"), *argv], input=input, capture_output=True, text=True, timeout=300)
        assert "Traceback" not in proc.stderr, proc.stderr
        return Step(proc.returncode, proc.stdout + proc.stderr)

    r = run("practice", "rmsnorm")  # the topic's first unsolved question
    assert r.exit_code == 0 and w["wrote"] in r.output and QID in r.output
    mine = tmp_path / "w" / "rmsnorm" / "rmsnorm_forward.py"
    assert mine.read_text() == (REPO / "questions" / "rmsnorm" / "rmsnorm_forward.py").read_text()

    r = run("grade", QID)
    assert r.exit_code == 1 and w["lost"] in r.output

    r = run("solution", QID)
    assert r.exit_code == 1 and w["locked"] in r.output and "rsqrt" not in r.output

    r = run("hint", QID)
    assert r.exit_code == 0 and w["hint"] in r.output
    r = run("practice", QID)
    assert "2/3" in r.output or "2 of 3" in r.output  # hints left

    mine.write_text(REFERENCE)
    r = run("grade", QID)
    assert r.exit_code == 0 and w["full"] in r.output, r.output

    r = run("progress")
    assert r.exit_code == 0 and w["progress"] in r.output and w["next"] in r.output
    assert "10/10" in r.output
    assert f"practice {QID}" not in r.output  # solved: the suggestion moves on

    # --seed fixes which two questions come and how their choices are shuffled: answer the
    # first right and the second wrong by the letters shown
    from grader.learner.quiz import choice_order, select_questions, shown_letter

    quiz = select_questions(bank=bank, topic="rmsnorm", count=2, shuffle=True, seed=1)
    right = shown_letter(quiz[0], quiz[0].answer, choice_order(quiz[0], 1))
    wrong = next(letter for letter in "ABCD" if letter != shown_letter(quiz[1], quiz[1].answer, choice_order(quiz[1], 1)))
    r = run("quiz", "rmsnorm", "--count", "2", "--seed", "1", input=f"{right}\n{wrong}\n")
    assert r.exit_code == 0 and w["score"] in r.output

    r = run("solution", QID)
    assert r.exit_code == 0 and w["reference"] in r.output and "rsqrt" in r.output
    assert "mistake_" not in r.output and "prop_" not in r.output  # only the reference itself

    r = run("list", "rmsnorm")
    assert "10/10" in r.output and "1/1" in r.output and "0/1" in r.output  # code and quiz bests


def test_solution_force_and_quiz_questions():
    r = runner.invoke(app, ["solution", QID, "--force"])
    assert r.exit_code == 0 and "def rms_norm" in r.output and "mistake_" not in r.output
    r = runner.invoke(app, ["solution", "rope-quiz-acronym"])
    assert r.exit_code == 2 and "quiz" in r.output


def test_progress_reset_asks_first():
    from grader.learner.progress import Progress

    Progress().record_attempt(QID, 5, 10)
    r = runner.invoke(app, ["progress", "--reset"], input="n\n")
    assert r.exit_code == 1 and Progress().best()
    r = runner.invoke(app, ["progress", "--reset"], input="y\n")
    assert r.exit_code == 0 and not Progress().best()
    Progress().record_attempt(QID, 5, 10)
    r = runner.invoke(app, ["progress", "--reset", "--yes"])
    assert r.exit_code == 0 and not Progress().best()


def test_practice_edit_opens_the_editor(tmp_path, monkeypatch):
    log = tmp_path / "opened"
    editor = tmp_path / "fake-editor"
    editor.write_text(f"#!/bin/sh\necho \"$@\" > {log}\n")
    editor.chmod(0o755)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{editor} --wait")
    r = runner.invoke(app, ["practice", QID, "--edit"])
    assert r.exit_code == 0
    assert log.read_text().split() == ["--wait", str(tmp_path / "work" / "rmsnorm" / "rmsnorm_forward.py")]
    monkeypatch.delenv("EDITOR")
    r = runner.invoke(app, ["practice", QID, "--edit"])
    assert r.exit_code == 2 and "$EDITOR" in r.output and "Traceback" not in r.output


def test_completion_offers_ids_and_topics():
    assert "rmsnorm-forward" in completion.question_ids("rms")
    assert all(i.startswith("rms") for i in completion.question_ids("rms"))
    assert "rope-quiz-acronym" not in completion.code_question_ids("rope")  # hint/watch/solution take code ids
    assert completion.topics() == ["gqa", "llama", "rmsnorm", "rope"]
    env = {**os.environ, "_CLI.PY_COMPLETE": "complete_bash", "COMP_WORDS": "cli.py hint rmsnorm-f", "COMP_CWORD": "2"}
    r = subprocess.run([sys.executable, str(REPO / "cli.py")], env=env, capture_output=True, text=True)
    assert "rmsnorm-forward" in r.stdout, r.stdout + r.stderr


def test_no_color_and_pipes_have_no_escape_codes():
    env = {**os.environ, "NO_COLOR": "1", "FORCE_COLOR": "", "TERM": "xterm-256color"}
    env.pop("FORCE_COLOR")
    r = subprocess.run([sys.executable, str(REPO / "cli.py"), "list"], env=env, capture_output=True, text=True)
    assert r.returncode == 0 and "\x1b[" not in r.stdout
    code = "import sys; sys.argv = ['llamaprep', 'list']; import cli; cli.out.force_terminal = True\ncli.app()"
    r = subprocess.run([sys.executable, "-c", code], env={**env, "COLUMNS": "80"}, capture_output=True, text=True, cwd=REPO)
    codes = re.findall(r"\x1b\[([0-9;]*)m", r.stdout)
    assert "1" in codes  # a terminal: the headings are bold ...
    assert not [c for c in codes if any(30 <= int(p) <= 49 for p in c.split(";") if p)]  # ... but NO_COLOR: no colours
    r = subprocess.run([sys.executable, "-c", code], env={**env, "COLUMNS": "80", "NO_COLOR": ""}, capture_output=True, text=True, cwd=REPO)
    assert "\x1b[36m" in r.stdout  # without NO_COLOR the ids are cyan


@pytest.mark.parametrize(
    "argv",
    [["quiz", "rope", "--count", "1"], ["progress"], ["corrections"], ["solution", QID, "--force"], ["list", "--lang", "zh"]],
)
def test_commands_that_do_not_grade_never_import_torch(argv):
    code = (
        "import sys, cli\n"
        f"sys.argv = ['llamaprep', *{argv!r}]\n"
        "try:\n    cli.app()\nexcept SystemExit:\n    pass\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH', file=sys.stderr)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, input="A\n", timeout=120, cwd=REPO)
    assert proc.stderr.strip().endswith("NO-TORCH"), proc.stderr[-500:]
    assert "No such command" not in proc.stderr

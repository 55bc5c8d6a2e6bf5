"""A newcomer's first hour: --version and -h, `--lang zh` alone, loops that lead somewhere,
suggestions wherever an id is typed, progress that explains its mastery figure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from cli import app

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_version_and_short_help():
    from importlib.metadata import version

    v = run("--version")
    assert v.exit_code == 0 and v.output.strip() == f"llamaprep {version('llamaprep')}"
    assert run("-h").output == run("--help").output and "Commands" in run("-h").output
    assert "--verbose" in run("grade", "-h").output


def test_lang_zh_alone_shows_the_help_like_no_arguments(tmp_path):
    def main(*args: str):
        return subprocess.run([sys.executable, str(REPO / "cli.py"), *args], capture_output=True, text=True, timeout=120,
                              env={"PATH": "/usr/bin:/bin", "LLAMAPREP_HOME": str(tmp_path), "COLUMNS": "80"})

    alone = main("--lang", "zh")
    assert alone.returncode == 0 and "命令：" in alone.stdout and "Missing command" not in alone.stderr + alone.stdout
    assert "validate" in alone.stdout and "validate     ..." not in alone.stdout  # every command has its help
    bare = main()
    assert bare.returncode == 0 and "Commands:" in bare.stdout


def test_a_folder_where_the_file_should_be_is_named_not_looped(tmp_path):
    ws = tmp_path / "w"
    (ws / "rope" / "rope_apply_half.py").mkdir(parents=True)
    grade = run("grade", "rope-apply-half", "--workspace", str(ws))
    assert grade.exit_code == 2 and "is a folder" in grade.output and "run `llamaprep practice" not in grade.output
    practice = run("practice", "rope-apply-half", "--workspace", str(ws))
    assert practice.exit_code == 2 and "is a folder" in practice.output and "kept" not in practice.output
    assert "is a folder" in run("grade", "rope-apply-half", "--file", str(tmp_path)).output


def test_grading_a_quiz_id_points_to_the_quiz(bank):
    qid = bank.by_topic("rope", kind="quiz")[0].id
    result = run("grade", qid)
    assert result.exit_code == 2 and "llamaprep quiz" in result.output and "practice" not in result.output


def test_suggestions_for_instructor_names_too(tmp_path):
    result = run("export", "gradescope", "rmsnorm-fowrard", "-o", str(tmp_path / "a.zip"))
    assert result.exit_code == 2 and "did you mean rmsnorm-forward" in result.output
    (tmp_path / "class" / "ada").mkdir(parents=True)
    result = run("grade", "--submissions", str(tmp_path / "class"), "rmsnorm-fowrard")
    assert result.exit_code == 2 and "did you mean rmsnorm-forward" in result.output


def test_progress_explains_its_mastery_figure():
    for lang, words in (("en", "Mastery: the topic's points earned"), ("zh", "掌握程度：该主题已得分占总分的比例")):
        out = run("progress", "--lang", lang).output
        assert words in " ".join(out.split()) or words in out.replace("\n", "")

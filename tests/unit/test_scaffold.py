"""`llamaprep new`: the scaffold never overwrites, and validate lists what is left to fill in."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from grader.instructor.scaffold import ScaffoldError, scaffold_question
from grader.instructor.validate import validate_bank


def test_scaffold_then_validate_lists_every_placeholder_by_line(tmp_path, zygote):
    paths = scaffold_question(qid="swiglu-ffn", topic="swiglu", bank_dir=tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [
        "questions/swiglu/swiglu-ffn.yaml", "questions/swiglu/swiglu_ffn.py", "solutions/swiglu/swiglu_ffn.py"]
    report = validate_bank(banks=[tmp_path], zygote=zygote)
    assert report.questions == ["swiglu-ffn"]  # the YAML is valid as written
    assert report.todo == len(report.problems) > 5
    for problem in report.problems:
        m = re.match(r"^(.+):(\d+): todo: fill in ", problem)
        assert m, problem
        lines = open(m[1], encoding="utf-8").read().splitlines()
        assert "TODO(author)" in lines[int(m[2]) - 1]
    files = {re.match(r"^(.+?):", p)[1].rsplit("/", 2)[-2] for p in report.problems}
    assert files == {"swiglu"}  # YAML, stub and solution all named


def test_every_field_is_explained(tmp_path):
    yaml_path = scaffold_question(qid="swiglu-ffn", topic="swiglu", bank_dir=tmp_path)[0]
    text = yaml_path.read_text()
    for field in ("id", "kind", "title", "difficulty", "points", "corrects", "claims", "sources", "prompt",
                  "entry_point", "signature", "hints", "driver", "time_limit", "question_time_limit",
                  "memory_limit_mb", "banned", "tolerances", "cases", "description", "visible", "args",
                  "mistakes", "properties"):
        line = next(ln for ln in text.splitlines() if re.match(rf"^\s*-?\s*{field}:", ln))
        assert "#" in line or text.splitlines()[text.splitlines().index(line) - 1].lstrip().startswith("#"), field


def test_refuses_to_overwrite_and_bad_ids(tmp_path):
    scaffold_question(qid="swiglu-ffn", topic="swiglu", bank_dir=tmp_path)
    stub = tmp_path / "questions/swiglu/swiglu_ffn.py"
    stub.write_text("my edits")
    with pytest.raises(ScaffoldError, match="exists already"):
        scaffold_question(qid="swiglu-ffn", topic="swiglu", bank_dir=tmp_path)
    assert stub.read_text() == "my edits"
    with pytest.raises(ScaffoldError, match="must start with its topic"):
        scaffold_question(qid="ffn-swiglu", topic="swiglu", bank_dir=tmp_path)
    with pytest.raises(ScaffoldError, match="lowercase"):
        scaffold_question(qid="SwiGLU", topic="swiglu", bank_dir=tmp_path)
    with pytest.raises(ScaffoldError, match="is taken by"):
        scaffold_question(qid="rmsnorm-forward", topic="rmsnorm", bank_dir=tmp_path / "other")
    assert not (tmp_path / "other").exists()


def test_cli_new(tmp_path):
    from cli import app

    runner = CliRunner()
    made = runner.invoke(app, ["new", "swiglu-ffn", "--topic", "swiglu", "--bank", str(tmp_path)])
    assert made.exit_code == 0, made.output
    assert "swiglu-ffn.yaml" in made.output and "validate --bank" in made.output
    again = runner.invoke(app, ["new", "swiglu-ffn", "--topic", "swiglu", "--bank", str(tmp_path)])
    assert again.exit_code == 2 and "exists already" in again.output and "Traceback" not in again.output


def test_new_speaks_chinese_under_lang_zh(tmp_path):
    from conftest import run_cli

    made = run_cli(["--lang", "zh", "new", "swiglu-ffn", "--topic", "swiglu", "--bank", str(tmp_path / "b")], tmp_path)
    text = made.stdout.decode()
    assert made.returncode == 0, made.stderr.decode()
    assert text.count("已写入") == 3 and "下一步" in text and "wrote" not in text and "Next" not in text


def test_new_without_bank_scaffolds_into_the_current_folder(tmp_path, monkeypatch):
    """`llamaprep new ID --topic TOPIC` (README): no --bank and no $LLAMAPREP_BANK means here."""
    from typer.testing import CliRunner

    from cli import app

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["new", "swiglu-forward", "--topic", "swiglu"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "questions" / "swiglu" / "swiglu-forward.yaml").is_file()
    assert (tmp_path / "questions" / "swiglu" / "swiglu_forward.py").is_file()
    assert (tmp_path / "solutions" / "swiglu" / "swiglu_forward.py").is_file()
    assert "llamaprep validate --bank ." in result.output

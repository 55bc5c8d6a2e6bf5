"""`validate` reports every schema problem of a file, names unknown keys with a suggestion,
and says "the reference did not finish" (not "your code") for a slow reference."""

from __future__ import annotations

from bank_copies import copy_question, fast_limits
from grader.instructor.schema_report import schema_problems
from grader.instructor.validate import validate_bank


def misspell(text: str) -> str:
    return text.replace("  cases:", "  casse:", 1).replace("difficulty: ", "dificulty: ", 1).replace("points: 10", "points: -3", 1)


def test_every_schema_problem_and_unknown_keys_with_suggestions(tmp_path):
    path = copy_question(tmp_path / "bank", new_id="rmsnorm-forward-copy", yaml_edit=misspell)
    lines = schema_problems(path)
    assert lines is not None and len(lines) == 3, lines
    text = "\n".join(lines)
    assert "grading.casse: unknown key 'casse': did you mean 'cases'" in text
    assert "dificulty: unknown key 'dificulty': did you mean 'difficulty'" in text
    assert "points: Input should be greater than 0" in text
    assert "Field required" not in text  # the misspelt key is the missing field: said once
    assert all(line.startswith(f"{path.name}") or ":" in line for line in lines)
    report = validate_bank(banks=[tmp_path / "bank"])
    assert set(lines) <= set(report.problems) and not any("more)" in p for p in report.problems)


def test_a_valid_or_unparsable_file_is_left_to_the_loader(tmp_path):
    path = copy_question(tmp_path / "bank", new_id="rmsnorm-forward-copy")
    assert schema_problems(path) is None
    path.write_text("id: [unclosed\n")
    assert schema_problems(path) is None


def slow(source: str) -> str:
    """The reference, slow only where it is graded as a submission: in the sandbox's child,
    whose environment is scrubbed (the test's LLAMAPREP_HOME, set by conftest, is not in it),
    so that the parent still computes the expected values at full speed."""
    return source + (
        "\n\nimport os as _os\nimport time as _time\n_fast = rms_norm\n\n\n"
        "def rms_norm(x, weight, eps=1e-5):\n"
        "    if 'LLAMAPREP_HOME' not in _os.environ:  # busy: time limits count CPU seconds\n"
        "        _start = _time.process_time()\n"
        "        while _time.process_time() - _start < 3:\n"
        "            pass\n"
        "    return _fast(x, weight, eps)\n"
    )


def test_a_slow_reference_is_called_the_reference(tmp_path, zygote):
    copy_question(tmp_path / "bank", new_id="rmsnorm-forward-copy", yaml_edit=lambda t: fast_limits(t, 1.0, 3.0), solution_edit=slow)
    report = validate_bank(banks=[tmp_path / "bank"], zygote=zygote, workers=1)
    finished = [p for p in report.problems if "did not finish" in p]
    assert finished and all("the reference did not finish" in p for p in finished), report.problems
    assert not any("your code" in p for p in report.problems)


def test_the_validate_summary_in_chinese(tmp_path):
    from typer.testing import CliRunner

    from cli import app

    copy_question(tmp_path / "bank", new_id="rmsnorm-forward-copy", yaml_edit=misspell)
    result = CliRunner().invoke(app, ["--lang", "zh", "validate", "--bank", str(tmp_path / "bank")])
    assert result.exit_code == 1 and "发现 3 个问题" in result.stdout and "did you mean 'cases'" in result.stdout

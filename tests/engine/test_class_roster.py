"""Class grading lists every student folder, over the same questions: a question a student
did not submit scores 0 of its points, so every student has the same denominator."""

from __future__ import annotations

import csv
import io

from typer.testing import CliRunner

from bank_copies import copy_question, fast_limits
from grader.bank.loader import load_bank

A, B = "rmsnorm-forward-copy", "rmsnorm-forward-twin"
FA, FB = "rmsnorm_forward_copy.py", "rmsnorm_forward_twin.py"
WRONG = "def rms_norm(x, weight, eps=1e-5):\n    return x * weight\n"


def test_every_student_is_listed_with_the_same_denominator(tmp_path):
    from cli import app

    root = tmp_path / "bank"
    copy_question(root, new_id=A, yaml_edit=fast_limits)
    copy_question(root, new_id=B, yaml_edit=fast_limits)
    bank = load_bank([root])
    right = bank.solution_path(A).read_text()
    folder = tmp_path / "class"
    for student, files in {"ada": {FA: right, FB: right}, "bo": {FA: WRONG}, "cy": {}}.items():
        (folder / student).mkdir(parents=True)
        for name, text in files.items():
            (folder / student / name).write_text(text)
    result = CliRunner().invoke(app, ["grade", "--submissions", str(folder), "--bank", str(root), "--format", "csv", "--jobs", "2"])
    assert result.exit_code == 1, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(r["student"], r["question"]) for r in rows] == [("ada", A), ("ada", B), ("bo", A), ("bo", B), ("cy", A), ("cy", B)]
    assert {r["max_score"] for r in rows} == {"10"}
    assert [r["score"] for r in rows] == ["10", "10", "0", "0", "0", "0"]
    table = CliRunner().invoke(app, ["grade", "--submissions", str(folder), "--bank", str(root), "--jobs", "2"])
    lines = {line.split()[0]: line for line in table.stdout.splitlines() if line.split() and line.split()[0] in ("ada", "bo", "cy")}
    assert set(lines) == {"ada", "bo", "cy"}
    assert lines["ada"].rstrip().endswith("20/20") and lines["bo"].rstrip().endswith("0/20") and lines["cy"].rstrip().endswith("0/20")
    assert "missing" in lines["cy"] and "missing" in lines["bo"] and "missing" not in lines["ada"]

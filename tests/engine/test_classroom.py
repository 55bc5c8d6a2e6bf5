"""Class grading: DIR/<student>/<file>.py graded in parallel; hostile students cost only
their own case; CSV, JSON and JUnit come out right."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import CORPUS
from grader.instructor.classroom import find_submissions, grade_class
from grader.report.formats import class_csv

QID = "rmsnorm-forward-copy"  # conftest's fast_bank
FILE = "rmsnorm_forward_copy.py"
WRONG = "def rms_norm(x, weight, eps=1e-5):\n    return x * weight\n"
# Hostile students: named after what their file does (tests/corpus/).
HOSTILE = {"never_returns": "loop_in_call.py", "segfault": "segfault.py", "exhausts_memory": "basic/exhausts_memory.py"}


def write_class(folder: Path, bank_root: Path, hostile: bool) -> None:
    solution = (bank_root / "solutions" / "rmsnorm" / FILE).read_text()
    students = {"ada": solution, "bo": WRONG, "cy": (bank_root / "questions" / "rmsnorm" / FILE).read_text()}
    if hostile:
        students |= {name: (CORPUS / file).read_text() for name, file in HOSTILE.items()}
        students["zed"] = solution  # graded after the hostile ones: still full marks
    for student, text in students.items():
        (folder / student).mkdir(parents=True)
        (folder / student / FILE).write_text(text)


def test_a_class_with_hostile_students_grades_to_a_correct_csv(tmp_path, fast_bank, zygote):
    root, bank, _ = fast_bank
    folder = tmp_path / "class"
    write_class(folder, root, hostile=True)
    heard: list[str] = []
    report = grade_class(bank=bank, folder=folder, workers=2, zygote=zygote, progress=heard.append)
    assert sorted(heard) == sorted(f"{s} {QID}" for s in ("ada", "bo", "cy", "never_returns", "segfault", "exhausts_memory", "zed"))
    rows = list(csv.DictReader(io.StringIO(class_csv(report.rows()))))
    assert [r["student"] for r in rows] == ["ada", "bo", "cy", "exhausts_memory", "never_returns", "segfault", "zed"]
    scores = {r["student"]: (r["question"], r["score"], r["max_score"]) for r in rows}
    assert scores["ada"] == scores["zed"] == (QID, "10", "10")
    for student in ("bo", "cy", "exhausts_memory", "never_returns", "segfault"):
        assert scores[student] == (QID, "0", "10"), student
    status = {s.student: {c.status for c in s.questions[0].cases} for s in report.students}
    assert status["segfault"] == {"crashed"}
    assert "crashed" in status["exhausts_memory"]
    assert status["exhausts_memory"] <= {"crashed", "timeout"}  # 1 s may run out before the memory
    assert status["never_returns"] == {"timeout"}


def test_submissions_are_found_in_both_layouts_and_strays_are_listed(tmp_path, fast_bank):
    _, bank, _ = fast_bank
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / FILE).write_text(WRONG)
    (tmp_path / "b" / "rmsnorm").mkdir(parents=True)
    (tmp_path / "b" / "rmsnorm" / FILE).write_text(WRONG)
    (tmp_path / "b" / "notes.py").write_text("")
    (tmp_path / "b" / "rope").mkdir()
    (tmp_path / "b" / "rope" / FILE).write_text("")  # wrong topic folder
    (tmp_path / "loose.py").write_text("")
    (tmp_path / ".git").mkdir()
    found, ignored = find_submissions(bank=bank, folder=tmp_path)
    assert [(s, q, p.relative_to(tmp_path).as_posix()) for s, q, p in found] == [
        ("a", QID, f"a/{FILE}"), ("b", QID, f"b/rmsnorm/{FILE}")]
    assert ignored == ["b/notes.py", f"b/rope/{FILE}", "loose.py"]
    only_other, _ = find_submissions(bank=bank, folder=tmp_path, question_ids=["rmsnorm-forward"])
    assert only_other == []


@pytest.mark.parametrize("fmt", ["csv", "json", "junit"])
def test_cli_formats(tmp_path, fast_bank, fmt):
    from cli import app

    root, _, _ = fast_bank
    folder = tmp_path / "class"
    write_class(folder, root, hostile=False)
    result = CliRunner().invoke(app, ["grade", "--submissions", str(folder), "--bank", str(root), "--format", fmt, "--jobs", "2"])
    assert result.exit_code == 1, result.output  # points were lost
    out = result.stdout
    if fmt == "csv":
        assert out.splitlines() == ["student,question,score,max_score", f"ada,{QID},10,10", f"bo,{QID},0,10", f"cy,{QID},0,10"]
    elif fmt == "json":
        data = json.loads(out)
        assert [s["student"] for s in data["students"]] == ["ada", "bo", "cy"]
        assert data["students"][0]["questions"][0]["score"] == 10
    else:
        import xml.etree.ElementTree as ET

        suites = ET.fromstring(out)
        assert [s.get("name") for s in suites] == [f"ada/{QID}", f"bo/{QID}", f"cy/{QID}"]
        assert suites[0].get("failures") == "0" and int(suites[1].get("failures")) > 0


def test_cli_refuses_a_missing_folder_in_one_line(tmp_path):
    from cli import app

    result = CliRunner().invoke(app, ["grade", "--submissions", str(tmp_path / "nope"), "--format", "csv"])
    assert result.exit_code == 2 and "no such folder" in result.output and "Traceback" not in result.output

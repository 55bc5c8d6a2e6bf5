"""Result formats: JUnit XML for CI dashboards and Gradescope's results.json."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from typer.testing import CliRunner

from grader.grading.results import CaseResult, GradeReport, QuestionResult
from grader.report.formats import class_csv, gradescope_results, junit_xml, points, report_junit


def report() -> GradeReport:
    cases = [
        CaseResult(name="plain", status="passed", score=2, max_score=2),
        CaseResult(name="shown", status="failed", score=0, max_score=2, message="Greatest absolute difference 0.5 at index (0, 1)",
                   visible=True, inputs="x: float32 (2, 3)", expected="float32 (2, 3) [0.1, 0.2, …]", mistake="no-weight"),
        CaseResult(name="secret", status="failed", score=0, max_score=2, message="Greatest absolute difference 0.5 at index (1, 1)",
                   description="decode step", inputs="x: float32 (9, 9)", expected="float32 (9, 9) [7.7]"),
        CaseResult(name="loop <&>", status="timeout", score=0, max_score=2, message="did not finish within the time limit (5 s)",
                   output="printed \u00e9"),
    ]
    return GradeReport(questions=[QuestionResult(id="rmsnorm-forward", score=2, max_score=8, cases=cases)])


def test_points_never_show_float_noise():
    assert points(9.999999999999998) == "10" and points(10 / 3) == "3.3333" and points(0.0) == "0"


def test_junit_counts_failures_and_errors_and_escapes():
    root = ET.fromstring(report_junit(report()))
    assert root.tag == "testsuites" and root.get("tests") == "4"
    assert root.get("failures") == "2" and root.get("errors") == "1"
    suite = root.find("testsuite")
    assert suite.get("name") == "rmsnorm-forward"
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    assert cases["plain"].find("failure") is None and cases["plain"].find("error") is None
    assert cases["shown"].find("failure").get("type") == "no-weight"
    assert "expected: float32 (2, 3)" in cases["shown"].find("failure").text
    assert "7.7" not in cases["secret"].find("failure").text  # a hidden case never shows data
    assert "[hidden case: decode step]" in cases["secret"].find("failure").text
    assert cases["loop <&>"].find("error").get("type") == "timeout"


def test_gradescope_results_follow_the_documented_fields():
    data = gradescope_results(report())
    assert data["score"] == 2
    assert [t["name"] for t in data["tests"]] == [f"rmsnorm-forward: {n}" for n in ("plain", "shown", "secret", "loop <&>")]
    for test in data["tests"]:
        assert set(test) == {"name", "score", "max_score", "status", "output", "visibility"}
        assert test["status"] in ("passed", "failed") and test["visibility"] == "visible"
    shown, secret = data["tests"][1]["output"], data["tests"][2]["output"]
    assert "inputs: x: float32 (2, 3)" in shown and "9, 9" not in secret and "7.7" not in secret
    assert "printed \u00e9" in data["tests"][3]["output"]
    json.dumps(data)


def test_junit_and_csv_of_nothing_are_well_formed():
    assert ET.fromstring(junit_xml([])).get("tests") == "0"
    assert class_csv([]) == "student,question,score,max_score\n"


def test_cli_grade_formats(bank, tmp_path):
    from cli import app

    reference = bank.solution_path("rmsnorm-forward")
    runner = CliRunner()
    junit = runner.invoke(app, ["grade", "rmsnorm-forward", "--file", str(reference), "--format", "junit"])
    assert junit.exit_code == 0, junit.output
    assert ET.fromstring(junit.stdout).get("failures") == "0"
    scope = runner.invoke(app, ["grade", "rmsnorm-forward", "--file", str(bank.stub_path("rmsnorm-forward")), "--format", "gradescope"])
    assert scope.exit_code == 1
    data = json.loads(scope.stdout)
    assert data["score"] == 0 and all(t["status"] == "failed" for t in data["tests"])

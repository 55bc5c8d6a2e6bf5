"""A question the grader could not grade, in every report format: named as the grader's
failure, never scored as the learner's."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from grader.grading.reasons import reason
from grader.grading.results import CaseResult, GradeReport, QuestionResult
from grader.report.formats import gradescope_results, report_junit, report_text


def report() -> GradeReport:
    graded = QuestionResult(id="rmsnorm-forward", score=10, max_score=10, cases=[CaseResult(name="c", status="passed", score=10, max_score=10)])
    broken = QuestionResult(id="rope-yarn", score=0, max_score=10,
                            failure=reason("reference-failed", case="decode", type="RuntimeError", message="boom"))
    return GradeReport(questions=[graded], failures=[broken])


def test_json_lists_the_failure_apart_and_scores_only_what_was_graded():
    data = json.loads(report_text(report(), "json"))
    assert data["score"] == data["max_score"] == 10 and [q["id"] for q in data["questions"]] == ["rmsnorm-forward"]
    assert data["errors"] == [{"id": "rope-yarn", "message": "the reference solution failed on case 'decode': RuntimeError: boom",
                               "reason": {"code": "reference-failed", "params": {"case": "decode", "type": "RuntimeError", "message": "boom"}}}]


def test_junit_shows_the_failure_as_an_erroring_grading_case():
    root = ET.fromstring(report_junit(report()))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    error = suites["rope-yarn"].find("testcase[@name='grading']/error")
    assert error is not None and error.get("type") == "error" and "RuntimeError: boom" in error.get("message")
    assert root.get("errors") == "1" and root.get("failures") == "0"


def test_gradescope_asks_the_student_to_tell_the_instructor():
    results = gradescope_results(report())
    assert results["score"] == 10 and [t["name"] for t in results["tests"]] == ["rmsnorm-forward: c"]
    assert "rope-yarn: the autograder could not grade it" in results["output"] and "tell your instructor" in results["output"]

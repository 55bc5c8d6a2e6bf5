"""Grade results for other tools: CSV and JSON for a class, JUnit XML for CI dashboards,
Gradescope's results.json.  Plain functions of result objects; no torch, no rich.

What a learner may see follows the case's visibility (grader/grading/results.py): a hidden case
contributes its name, its kind of input and the error, never the test's data.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Optional

from grader.grading.results import CaseResult, GradeReport, QuestionResult
from grader.report.safe_text import clean, clean_tree, csv_cell

CSV_COLUMNS = ("student", "question", "score", "max_score")


def points(value: float) -> str:
    """A score as text: 10, 3.3333, 0 (never 9.999999999999998)."""
    return f"{round(value, 4):g}"


def case_text(case: CaseResult) -> str:
    """Everything a learner may read about one case, as plain text."""
    lines = []
    if case.status != "passed":
        if not case.visible and case.description:
            lines.append(f"[hidden case: {case.description}]")
        lines.append(case.message or case.status)
        if case.visible and case.inputs:
            lines.append(f"inputs: {case.inputs}")
        if case.visible and case.expected:
            lines.append(f"expected: {case.expected}")
    if case.output.strip():
        lines.append("your code printed:\n" + case.output.rstrip())
    return "\n".join(lines)


# ---------------------------------------------------------------- class grading


def class_csv(rows: Iterable[tuple[str, str, float, float]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for student, qid, score, max_score in rows:
        writer.writerow((csv_cell(student), csv_cell(qid), points(score), points(max_score)))
    return buf.getvalue()


# ---------------------------------------------------------------- JUnit


def _suite(parent: ET.Element, name: str, result: QuestionResult) -> None:
    failures = sum(c.status in ("failed", "forbidden") for c in result.cases)
    errors = sum(c.status in ("error", "timeout", "crashed") for c in result.cases)
    suite = ET.SubElement(
        parent, "testsuite", name=name, tests=str(len(result.cases)), failures=str(failures),
        errors=str(errors), time=f"{result.seconds:.3f}",
    )
    ET.SubElement(ET.SubElement(suite, "properties"), "property", name="score", value=f"{points(result.score)}/{points(result.max_score)}")
    for case in result.cases:
        test = ET.SubElement(suite, "testcase", classname=name, name=case.name)
        if case.status == "passed":
            continue
        tag = "failure" if case.status in ("failed", "forbidden") else "error"
        first = (case.message or case.status).splitlines()[0]
        node = ET.SubElement(test, tag, message=first[:300], type=case.mistake or case.status)
        node.text = case_text(case)


def junit_xml(suites: Iterable[tuple[str, QuestionResult]]) -> str:
    """One <testsuite> per (name, question result), one <testcase> per case."""
    root = ET.Element("testsuites", name="llamaprep")
    total = failures = errors = 0
    for name, result in suites:
        _suite(root, name, result)
        total += len(result.cases)
        failures += sum(c.status in ("failed", "forbidden") for c in result.cases)
        errors += sum(c.status in ("error", "timeout", "crashed") for c in result.cases)
    root.set("tests", str(total))
    root.set("failures", str(failures))
    root.set("errors", str(errors))
    for element in root.iter():  # XML 1.0 has no way to write a lone surrogate, U+FFFF or most controls
        element.text = clean(element.text) if element.text else element.text
        for key, value in element.attrib.items():
            element.attrib[key] = clean(value)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def report_junit(report: GradeReport) -> str:
    """Graded questions, then one erroring test per question the grader could not grade."""
    return junit_xml([*((q.id, q) for q in report.questions), *((q.id, _failure_suite(q)) for q in report.failures)])


def _failure_suite(result: QuestionResult) -> QuestionResult:
    """A question the grader could not grade as one erroring case named after the grader."""
    assert result.failure is not None
    case = CaseResult(name="grading", status="error", score=0.0, max_score=0.0, reason=result.failure)
    return QuestionResult(id=result.id, score=0.0, max_score=0.0, cases=[case], file=result.file)


# ---------------------------------------------------------------- Gradescope


def gradescope_results(report: GradeReport, *, note: Optional[str] = None) -> dict:
    """Gradescope's results.json: the total and one test per case.

    Every test is "visible" to the student in Gradescope's sense (its score and message
    show); a hidden case's message never carries the test's data, so nothing is lost by
    showing it.
    """
    tests = []
    for q in report.questions:
        for case in q.cases:
            tests.append({
                "name": f"{q.id}: {case.name}",
                "score": round(case.score, 6),
                "max_score": round(case.max_score, 6),
                "status": "passed" if case.status == "passed" else "failed",
                "output": case_text(case),
                "visibility": "visible",
            })
    summary = [f"{q.id}: {points(q.score)}/{points(q.max_score)}" for q in report.questions]
    summary += [f"{q.id}: the autograder could not grade it ({q.problem}); please tell your instructor" for q in report.failures]
    if note:
        summary.insert(0, note)
    if report.isolation is not None:
        from grader.sandbox.isolation import summary as isolation_summary

        summary.append(f"isolation: {isolation_summary(report.isolation)}")
    return clean_tree({
        "score": round(report.score, 6),
        "output": "\n".join(summary),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    })


def report_text(report: GradeReport, fmt: str) -> str:
    """A learner's grade report as json, junit or gradescope text (stdout carries only it)."""
    if fmt == "junit":
        return report_junit(report)
    data = gradescope_results(report) if fmt == "gradescope" else report.to_json()
    return json.dumps(clean_tree(data), ensure_ascii=False) + "\n"


def class_text(report, fmt: str) -> str:
    """A class report (grader.instructor.classroom.ClassReport) as csv, json or junit text."""
    if fmt == "csv":
        return class_csv(report.rows())
    if fmt == "junit":
        return junit_xml((f"{s.student}/{q.id}", q) for s in report.students for q in s.questions)
    return json.dumps(clean_tree(report.to_json()), ensure_ascii=False) + "\n"

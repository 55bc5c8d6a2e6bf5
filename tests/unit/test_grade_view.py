"""The grade summary: readable figures, identical reasons said once, the named mistake and
the first failing case, and a compact table that says nothing twice."""

from __future__ import annotations

from rich.console import Console

from grader.grading.reasons import reason
from grader.grading.results import CaseResult, GradeReport, QuestionResult
from grader.ui.grade_view import compact_table, figure, grade_report, summary


def text(renderable, width: int = 80) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def result(cases: list[CaseResult], qid: str = "rope-apply-interleaved") -> QuestionResult:
    return QuestionResult(id=qid, score=sum(c.score for c in cases), max_score=10.0, cases=cases)


def case(name: str, ok: bool, why=None, mistake=None) -> CaseResult:
    c = CaseResult(name=name, status="passed", score=10 / 7, max_score=10 / 7)
    if not ok:
        explanation = {"en": "You rotated the pairs (i, i + d/2). Meta pairs (2i, 2i+1).", "zh": "你旋转的是 (i, i + d/2)。"}
        c.fail(why, mistake=mistake, explanation=explanation if mistake else None)
    return c


def test_figures_read_as_people_write_them():
    assert [figure(v) for v in (0, 10, 0.714, 9.96, 7.0000000001, 2.22)] == ["0", "10", "0.7", "9.9", "7", "2.2"]


def test_identical_reasons_are_said_once(bank):
    why = reason("syntax-error", line=4, message="invalid syntax")
    r = result([case(f"case {i}", False, why) for i in range(9)])
    out = text(summary(r, "en", label_question=False))
    assert "0/9 cases passed · 0 of 10 points" in out and "All 9 cases: SyntaxError at line 4: invalid syntax" in out
    assert text(compact_table(r, bank, "en", 80)).strip().splitlines() == ["rope-apply-interleaved — Apply RoPE in Meta's interleaved layout"]
    zh = text(summary(r, "zh", label_question=False))
    assert "全部 9 个用例：第 4 行有语法错误" in zh and "通过 0/9 个用例 · 0 / 10 分" in zh


def test_the_named_mistake_and_the_first_failing_case(bank):
    diff = reason("max-abs-diff", value=1.65, index=[0, 3, 0, 4], count=21, total=32, rtol=0.001, atol=0.002)
    other = reason("max-abs-diff", value=4.2, index=[1], count=5, total=9, rtol=0.001, atol=0.002)
    cases = [case("batch 1", False, diff, "rotate-half-layout"), case("odd length", False, other, "rotate-half-layout")]
    cases += [case(f"ok {i}", True) for i in range(5)]
    r = result(cases)
    out = " ".join(text(summary(r, "en", label_question=False, hint="--verbose: every detail")).split())
    assert "5/7 cases passed · 7.1 of 10 points · --verbose: every detail" in out
    assert "Known mistake 'rotate-half-layout' (2 cases): You rotated the pairs (i, i + d/2)." in out
    assert "Meta pairs" not in out  # the explanation's first sentence: one line
    assert "batch 1: Greatest absolute difference 1.65 at index (0, 3, 0, 4)" in out
    table = [line.rstrip() for line in text(compact_table(r, bank, "en", 80)).splitlines()]
    assert table[1].startswith("✗ batch 1") and table[1].endswith("rotate-half-layout") and table[-1] == "✓ ok 4"
    narrow = text(compact_table(r, bank, "en", 40), 40).splitlines()
    assert all(len(line.rstrip()) <= 40 for line in narrow) and "✗ batch 1" in [line.rstrip() for line in narrow]  # no reason column


def test_several_questions_get_labelled_totals(bank):
    ok = result([case(f"ok {i}", True) for i in range(7)], "gqa-repeat-kv")
    bad = result([case("x", False, reason("not-implemented"))] + [case(f"ok {i}", True) for i in range(6)])
    console = Console(width=80, record=True, color_system=None)
    grade_report(console, GradeReport(questions=[bad, ok]), bank, "en")
    out = console.export_text()
    assert "rope-apply-interleaved: 6/7 cases passed · 8.5 of 10 points" in out
    assert "gqa-repeat-kv: 7/7 cases passed · 10 of 10 points" in out
    assert out.rstrip().splitlines()[-1] == "Total of 2 questions: 18.5 of 20 points"

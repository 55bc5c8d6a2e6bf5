"""`llamaprep grade` in the terminal: a compact table, then the summary that matters.

The default fits one screen for a typical wrong answer: one line per case (a mark, the
case's name, the named mistake or the start of the reason), then at the bottom — the last
thing left on the screen — per question how many cases passed and the points, the named
mistake with its one-line explanation, and the first failing case's reason; identical
reasons are said once ("all 9 cases: SyntaxError at line 4").  ``verbose`` shows the full
table of every case (points, status, reason, a visible case's data, what the code printed)
before the same summary.

Points read as figures a person would write: 0.7 of 10, never 0/0.71 or 9.999999; a score
short of full marks is never rounded up to look full.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from grader.ui.case_table import STATUS_STYLE, question_report
from grader.ui.strings import t

if TYPE_CHECKING:
    from grader.bank.loader import Bank
    from grader.grading.results import CaseResult, GradeReport, QuestionResult

NARROW = 60  # below this many columns the compact table drops its reason column


def figure(value: float, decimals: int = 1) -> str:
    """A score as text: 7, 0.7, 9.9 (truncated, not rounded, so 9.96 never reads 10)."""
    if abs(value - round(value)) < 1e-9:
        return str(int(round(value)))
    scale = 10**decimals
    return f"{math.floor(value * scale + 1e-9) / scale:.{decimals}f}"


def points_text(score: float, max_score: float, lang: str) -> str:
    return t("grade.points_of", lang, score=figure(score), max=figure(max_score))


def _reason(case: CaseResult, lang: str) -> str:
    from grader.report.reasons import case_reason

    return case_reason(case, lang) or t(f"status.{case.status}", lang)


def _reason_key(case: CaseResult) -> object:
    """Cases whose reasons read the same share a key."""
    reason = getattr(case, "reason", None)
    if reason is None:
        return (str(case.status), case.message)
    return (reason.code, repr(sorted(reason.params.items())))


def _name(case: CaseResult, lang: str) -> str:
    return case.name_zh if lang == "zh" and case.name_zh else case.name


def _failed(result: QuestionResult) -> list[CaseResult]:
    return [c for c in result.cases if c.status != "passed"]


def _all_same(cases: list[CaseResult]) -> bool:
    return len(cases) > 1 and len({_reason_key(c) for c in cases}) == 1


def compact_table(result: QuestionResult, bank: Bank, lang: str, width: int) -> Group:
    """The question's title and one line per case; when every case passed, or every one
    failed for the same reason, the lines would all say it: the summary says it once instead."""
    q = bank.questions.get(result.id)
    title = Text(f"{result.id} — {q.title.get(lang) if q else result.id}", style="bold")
    failed = _failed(result)
    if not failed or (len(failed) == len(result.cases) and _all_same(failed)):
        return Group(title)  # all passed, or all failed alike: the summary line says it
    names = [_name(c, lang) for c in result.cases]
    with_reason = width >= NARROW
    name_width = min(max(map(cell_len, names), default=1) + 2, width * 5 // 9 if with_reason else width)
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, overflow="ellipsis", width=name_width)
    if with_reason:
        grid.add_column(no_wrap=True, overflow="ellipsis", width=max(1, width - name_width - 1))
    for case, name in zip(result.cases, names):
        ok = case.status == "passed"
        row: list = [Text.assemble(("✓ " if ok else "✗ ", "green" if ok else STATUS_STYLE.get(str(case.status), "red")), (name, "" if ok else "bold"))]
        if with_reason:
            if ok:
                row.append(Text(""))
            elif case.mistake:
                row.append(Text(case.mistake, style="magenta"))
            else:
                row.append(Text(_reason(case, lang).splitlines()[0], style="dim"))
        grid.add_row(*row)
    return Group(title, grid)


def first_sentence(text: str) -> str:
    """The one-line form of a mistake's explanation: up to its first full stop."""
    for stop in ("。", ". "):
        head, found, _ = text.partition(stop)
        if found:
            return head + stop.strip()
    return text


def summary(result: QuestionResult, lang: str, *, label_question: bool, hint: str = "") -> Group:
    """How many cases passed and the points, the named mistake explained, the first reason."""
    cases = result.cases
    passed = sum(c.status == "passed" for c in cases)
    head = Text()
    if label_question:
        head.append(f"{result.id}: ", style="cyan")
    head.append(t("grade.cases_passed", lang, passed=passed, total=len(cases)))
    head.append(" · ")
    head.append(points_text(result.score, result.max_score, lang), style="bold green" if result.full_marks else "bold yellow")
    failed = _failed(result)
    if hint and failed:
        head.append(f" · {hint}", style="dim")
    if not failed:
        return Group(head)
    items = Table.grid(padding=(0, 1))  # wrapped lines stay under their text, not under the mark
    items.add_column(no_wrap=True)
    items.add_column()
    mistakes: dict[str, list[CaseResult]] = {}
    for case in failed:
        if case.mistake:
            mistakes.setdefault(case.mistake, []).append(case)
    for mistake, of in mistakes.items():
        line = Text(t("grade.mistake_cases" if len(of) > 1 else "grade.mistake_case", lang, id=mistake, n=len(of)), style="bold magenta")
        explanation = of[0].explanation or {}
        line.append(_sep(lang))
        line.append(first_sentence(explanation.get(lang) or explanation.get("en") or ""))
        items.add_row(Text(" ✗", style="magenta"), line)
    first = failed[0]
    if _all_same(failed):
        key = "grade.all_cases" if len(failed) == len(cases) else "grade.all_failing"
        line = Text(t(key, lang, n=len(failed)), style="bold")
    else:
        line = Text(t("grade.first_failing", lang, case=_name(first, lang)), style="bold")
    line.append(_sep(lang))
    line.append(_reason(first, lang))
    items.add_row(Text(" ✗", style=STATUS_STYLE.get(str(first.status), "red")), line)
    return Group(head, items)


def _sep(lang: str) -> str:
    return "：" if lang == "zh" else ": "


def grade_report(console: Console, report: GradeReport, bank: Bank, lang: str, *, verbose: bool = False) -> None:
    width = console.width
    for result in report.questions:
        console.print(question_report(result, bank, lang, with_total=False) if verbose else compact_table(result, bank, lang, width))
    if not report.questions:
        return
    if not verbose:  # the full table ends with a blank line of its own
        console.print()
    many = len(report.questions) > 1
    hint = "" if verbose else t("grade.verbose_hint", lang)
    for result in report.questions:
        console.print(summary(result, lang, label_question=many, hint=hint))
    if many:
        total = Text(t("grade.total_of", lang, n=len(report.questions)) + _sep(lang), style="bold")
        total.append(points_text(report.score, report.max_score, lang), style="bold green" if report.full_marks else "bold yellow")
        console.print(total)
    if not verbose and any(_printed(r) for r in report.questions):
        console.print(Text(t("grade.printed_hint", lang), style="dim"))
    if report.full_marks:
        console.print(Text(t("grade.full", lang), style="bold green"))
    elif verbose:
        console.print(Text(t("grade.lost", lang), style="dim"))


def watch_summary(console: Console, result: QuestionResult, bank: Bank, lang: str) -> None:
    """One regrade of `llamaprep watch`: the compact table and the summary."""
    console.print(compact_table(result, bank, lang, console.width))
    console.print()
    console.print(summary(result, lang, label_question=False))
    console.print(Text(t("grade.full", lang), style="bold green") if result.full_marks else Text(t("grade.lost_watch", lang), style="dim"))


def _printed(result: QuestionResult) -> bool:
    return any(c.status != "passed" and c.output.strip() for c in result.cases)


def watch_screen(console: Console, result: QuestionResult, bank: Bank, lang: str, *, path, number: int, poll: bool) -> None:
    """One regrade of `llamaprep watch`: the screen is cleared in a terminal; through a pipe
    or into a file a rule separates the grades instead of escape codes."""
    import time

    if console.is_terminal:
        console.clear()
    else:
        console.rule()
    console.print(Text(t("watch.header", lang, path=path), style="bold"))
    if poll:
        console.print(Text(t("watch.polling", lang, seconds=1), style="dim"))
    console.print(Text(t("watch.graded_at", lang, time=time.strftime("%H:%M:%S"), n=number), style="dim"))
    console.print()
    watch_summary(console, result, bank, lang)

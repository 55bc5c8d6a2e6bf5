"""The full table of a question's cases (`llamaprep grade --verbose`): points, status, the
reason, a visible case's data, what the code printed.  rich, as every grading screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

from grader.ui.render import fmt_points, label
from grader.ui.strings import t

if TYPE_CHECKING:
    from grader.bank.loader import Bank
    from grader.grading.results import QuestionResult

STATUS_STYLE = {
    "passed": "bold green",
    "failed": "bold red",
    "error": "bold red",
    "timeout": "bold yellow",
    "forbidden": "bold magenta",
    "crashed": "bold red",
}



def _details(case, lang: str, explained: set[str]) -> Text:
    """A failed case's reason; a named mistake is explained at its first case only."""
    from grader.report.reasons import case_reason

    text = Text()
    if case.status == "passed":
        return text
    if case.mistake and case.explanation:
        if case.mistake in explained:
            text.append(t("grade.mistake_again", lang, id=case.mistake), style="bold magenta")
        else:
            explained.add(case.mistake)
            text.append(label("grade.mistake", lang, id=case.mistake), style="bold magenta")
            text.append(case.explanation.get(lang) or case.explanation["en"])
        text.append("\n")
    description = (case.description_zh if lang == "zh" else None) or case.description
    if not case.visible and description:
        text.append(f"[{label('grade.hidden', lang)}{description}] ", style="dim")
    text.append(case_reason(case, lang))
    if case.visible and case.inputs:  # only a visible case carries its data
        text.append(f"\n{label('grade.visible_inputs', lang)}{case.inputs}", style="dim")
    if case.visible and case.expected:
        text.append(f"\n{label('grade.visible_expected', lang)}{case.expected}", style="dim")
    return text


def question_report(result: QuestionResult, bank: Bank, lang: str, with_total: bool = True) -> Group:
    q = bank.questions.get(result.id)
    title = q.title.get(lang) if q else result.id
    table = Table(title=f"{result.id} — {title}", box=box.SIMPLE_HEAVY, expand=True, title_justify="left")
    table.add_column(t("col.case", lang), ratio=3, overflow="fold")
    table.add_column(t("col.points", lang), justify="right", no_wrap=True)
    table.add_column(t("col.status", lang), no_wrap=True)
    table.add_column(t("col.details", lang), ratio=5, overflow="fold")
    explained: set[str] = set()
    for case in result.cases:
        name = case.name_zh if lang == "zh" and case.name_zh else case.name
        table.add_row(
            name,
            case_points(case.score, case.max_score),
            Text(t(f"status.{case.status}", lang), style=STATUS_STYLE.get(case.status, "")),
            _details(case, lang, explained),
        )
    parts: list = [table]
    for case in result.cases:
        if case.status != "passed" and case.output.strip():
            parts.append(Text(t("grade.printed", lang, case=case.name), style="dim"))
            parts.append(Text(case.output.rstrip()[:1200], style="dim"))
            break
    if with_total:
        style = "bold green" if result.full_marks else "bold yellow"
        parts.append(Text(f"{label('grade.total', lang)}{fmt_points(result.score)}/{fmt_points(result.max_score)}", style=style))
    return Group(*parts)


def case_points(score: float, max_score: float) -> str:
    """A case's points with the same precision on both sides: 0.00/0.71, 0/1."""
    if max_score == int(max_score) and score == int(score):
        return f"{int(score)}/{int(max_score)}"
    return f"{score:.2f}/{max_score:.2f}"

"""Terminal rendering with rich: tables, questions, grade reports.  No grading logic here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from rich import box
from rich.cells import cell_len
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from grader.bank.loader import Bank, Question
from grader.bank.schema import CodeQuestion, Topic
from grader.grading.marks import is_full_marks
from grader.learner.progress import Best
from grader.ui.strings import t

if TYPE_CHECKING:
    from grader.grading.results import GradeReport, QuestionResult

STATUS_STYLE = {
    "passed": "bold green",
    "failed": "bold red",
    "error": "bold red",
    "timeout": "bold yellow",
    "forbidden": "bold magenta",
    "crashed": "bold red",
}


def markdown(text: str):
    """The bank's prompts and explanations (a small Markdown subset, grader.ui.markup)."""
    from grader.ui.markup import render

    return render(text)


def label(key: str, lang: str, **fields: object) -> str:
    """An interface string as a label: "Total: " in English, "总分：" in Chinese."""
    return t(key, lang, **fields) + ("：" if lang == "zh" else ": ")


def fmt_points(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))


def question_table(bank: Bank, questions: list[Question], best: dict[str, Best], lang: str, width: int = 80) -> Table:
    show_title = width >= 120  # titles only where they fit; ids are what commands take
    # The topic is the id's first word: below 100 columns its column gives way (so that the
    # longest ids fit in 80) and a rule between topics shows the grouping instead.
    show_topic = width >= 100
    table = Table(title=t("list.title", lang), box=box.SIMPLE_HEAVY, expand=False, pad_edge=width >= 60)
    narrow = width < 60  # kind and difficulty give way; a long id folds rather than being cut
    # narrow: the id takes what the points and best leave (exact widths: rich would share it out)
    id_width = width - max(3, cell_len(t("col.points", lang))) - max(5, cell_len(t("col.best", lang)) + 1) - 7 if narrow else None
    table.add_column(t("col.id", lang), style="cyan", no_wrap=not narrow, overflow="fold", width=id_width)
    if show_topic:
        table.add_column(t("col.topic", lang))
    # Short columns never wrap or shrink below their heading ("difficu…" at 80 columns).
    shown = (("col.points", "right"), ("col.best", "right"))
    if not narrow:
        shown = (("col.kind", "left"), ("col.difficulty", "left"), *shown)
    for key, justify in shown:
        heading = t(key, lang)
        # narrow: exact widths, or rich shares the width out and cuts the scores
        exact = {"col.points": max(3, cell_len(heading)), "col.best": max(5, cell_len(heading) + 1)}.get(key) if narrow else None
        table.add_column(heading, justify=justify, no_wrap=True, min_width=cell_len(heading), width=exact)
    if show_title:
        table.add_column(t("col.title", lang), overflow="fold")
    previous = None
    for q in questions:
        if not show_topic and previous is not None and q.topic != previous:
            table.add_section()
        previous = q.topic
        b = best.get(q.id)
        best_text = Text("-", style="dim")
        if b is not None:
            full = is_full_marks(b.score, b.max_score)
            best_text = Text(f"{fmt_points(b.score)}/{fmt_points(b.max_score)}", style="green" if full else "yellow")
        details = [] if narrow else [t(f"kind.{q.kind}", lang), t(f"difficulty.{q.difficulty}", lang)]
        row = [q.id, *([q.topic] if show_topic else []), *details, fmt_points(q.points), best_text]
        table.add_row(*row, *([q.title.get(lang)] if show_title else []))
    return table


def topic_intro(topic: Topic, lang: str) -> Panel:
    body = Text()
    body.append(f"{topic.name.get(lang)}\n", style="bold green")
    body.append(label("practice.source_called", lang), style="dim")
    body.append(f"“{topic.source_name}”", style="red strike")
    if topic.myth:
        body.append(f"（{topic.myth}）" if lang == "zh" else f"  ({topic.myth})", style="dim")
    body.append("\n\n")
    body.append(topic.intro.get(lang))
    return Panel(body, title=topic.topic, border_style="blue")


def corrections_table(q: Question, lang: str) -> Optional[Table]:
    if not q.claims:
        return None
    table = Table(box=box.ROUNDED, show_lines=True, expand=True)
    table.add_column(t("practice.source_says", lang), style="red", ratio=1, overflow="fold")
    table.add_column(t("practice.truth", lang), style="green", ratio=1, overflow="fold")
    truth = Text(q.correction.get(lang) if q.correction else "")
    table.add_row(claims_text(q, lang), truth)
    return table


def claims_text(q: Question, lang: str) -> Optional[Text]:
    """The source's claims a question corrects, quoted (Chinese original, English rendering)."""
    if not q.claims:
        return None
    quotes = Text()
    for i, claim in enumerate(q.claims):
        if i:
            quotes.append("\n\n")
        quotes.append(f"[{claim.myth}] ", style="bold")
        quotes.append(f"「{claim.quote_zh}」")
        if lang != "zh":
            quotes.append(f"\n“{claim.quote_en}”", style="italic")
    return quotes


def sources_text(sources: list, lang: str) -> Text:
    """A heading, then each source's title with its address on the line below (so that a
    long title wrapping in 80 columns never splits the address)."""
    text = Text(label("practice.sources", lang).rstrip(), style="bold")
    for s in sources:
        text.append("\n• ", style="")
        text.append(s.title, style="")
        text.append(f"\n  {s.url}", style="blue")
    return text


def question_view(q: Question, lang: str, hints_shown: int) -> Group:
    parts: list = [Text(f"{q.title.get(lang)}  ({q.id})", style="bold")]
    parts.append(markdown(q.prompt.get(lang)))
    table = corrections_table(q, lang)
    if table is not None:
        parts.append(table)
    if q.sources:
        parts.append(sources_text(q.sources, lang))
    if isinstance(q, CodeQuestion):
        parts.append(Text.assemble((label("practice.signature", lang), "bold"), (q.signature, "cyan")))
        if q.hints:
            remaining = len(q.hints) - hints_shown
            key = "practice.hints" if remaining > 0 else "practice.hints_done"
            parts.append(Text(t(key, lang, remaining=remaining, total=len(q.hints), id=q.id), style="dim"))
    return Group(*parts)


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


def grade_report(console: Console, report: GradeReport, bank: Bank, lang: str) -> None:
    for result in report.questions:
        console.print(question_report(result, bank, lang))
        console.print()
    if len(report.questions) > 1:
        style = "bold green" if report.full_marks else "bold yellow"
        console.print(Text(f"{label('grade.total', lang)}{fmt_points(report.score)}/{fmt_points(report.max_score)}", style=style))
    if not report.failures:  # otherwise the command ends with the grader's one-line failure
        console.print(t("grade.full", lang) if report.full_marks else t("grade.lost", lang))


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
    from grader.ui.grade_view import watch_summary  # it builds on this module

    watch_summary(console, result, bank, lang)


def print_solution(console: Console, reference, lang: str) -> None:
    """The reference as plain lines, for copying: a title, then the code exactly as written
    (no box, no wrapping; colours only in a terminal)."""
    console.print(Text(t("solution.title", lang, id=reference.question), style="bold green"))
    source = reference.source.rstrip("\n")
    if console.is_terminal:
        from rich.syntax import Syntax

        code = Syntax(source, "python", theme="ansi_dark").highlight(source)
        code.rstrip()
    else:
        code = Text(source)
    console.print(code, soft_wrap=True, highlight=False, markup=False)

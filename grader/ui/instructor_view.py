"""Terminal output of the instructor commands (validate, class grading): rich, no logic."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

from grader.ui.strings import t


def validate_report(console: Console, report, lang: str = "en") -> None:
    for line in report.problems:  # file:line: field: problem — the author's editor jumps there
        console.print(Text(line), soft_wrap=True)
    n = len(report.questions)
    if report.ok:
        console.print(Text(t("validate.sound", lang, n=n), style="bold green"))
        return
    todo = t("validate.todo", lang, n=report.todo) if report.todo else ""
    console.print(Text(t("validate.problems", lang, problems=len(report.problems), n=n, todo=todo), style="bold red"))


@contextmanager
def progress_bar(console: Console, description: str, total: int) -> Iterator[Callable[[str], None]]:
    """A bar on ``console`` (stderr); the callback advances it by one and names what finished."""
    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TextColumn("{task.fields[last]}", style="dim"),
        console=console, transient=False,
    )
    task = bar.add_task(description, total=total, last="")
    with bar:
        yield lambda last: bar.update(task, advance=1, last=last)


def class_table(console: Console, report, lang: str = "en") -> None:
    """One row per student: each question's score, then the total."""
    from rich import box
    from rich.table import Table

    from grader.report.formats import points

    qids = list(dict.fromkeys(q.id for s in report.students for q in s.questions))
    table = Table(box=box.SIMPLE_HEAVY, title=t("class.title", lang, n=len(report.students), seconds=f"{report.seconds:.1f}"))
    table.add_column(t("class.student", lang), style="cyan", no_wrap=True)
    for qid in qids:
        table.add_column(qid, justify="right")
    table.add_column(t("class.total", lang), justify="right", style="bold")
    for s in report.students:
        mine = {q.id: q for q in s.questions}
        cells = [_cell(mine[q], points, lang) if q in mine else Text("-", style="dim") for q in qids]
        table.add_row(s.student, *cells, f"{points(s.score)}/{points(s.max_score)}")
    console.print(table)


def _cell(result, points, lang: str) -> Text:
    """A student's score on a question; "missing 0/10" when they submitted no file for it."""
    missing = bool(result.cases) and all(getattr(c.reason, "code", None) == "missing-file" for c in result.cases)
    text = Text(f"{points(result.score)}/{points(result.max_score)}")
    if missing:
        text = Text.assemble((t("class.missing", lang) + " ", "red"), text)
    return text

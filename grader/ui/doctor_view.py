"""Terminal output of `llamaprep doctor` and the isolation line under a grade table."""

from __future__ import annotations

from typing import Optional

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from grader.sandbox.isolation import summary
from grader.ui.strings import t

_MARK = {"yes": ("✓", "green"), "no": ("✗", "red"), "info": ("·", "dim")}


def doctor_view(console: Console, report) -> None:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column()
    for f in report.findings:
        mark, style = _MARK.get(f.status, ("?", ""))
        table.add_row(Text(mark, style=style), Text(f.name, style="bold"), Text(f.detail))
    console.print(table)
    level = report.isolation.get("level", "basic")
    style = {"full": "bold green", "partial": "bold yellow"}.get(level, "bold red")
    console.print(Text(f"grade will confine workers with {summary(report.isolation)}", style=style), soft_wrap=True)
    if level != "full":
        console.print(Text("`grade --require-isolation` refuses to grade on this machine.", style="dim"))


def isolation_line(console: Console, isolation: Optional[dict], lang: str = "en", verbose: bool = False) -> None:
    """Above a grade or class table: which kernel layers confined the submissions.  Full
    confinement is one short line (the layers with --verbose or in `llamaprep doctor`);
    anything less names what is missing, since that is what an instructor must know."""
    if isolation is None:
        return
    if isolation.get("level") == "full" and not verbose:
        console.print(Text(t("grade.isolation_full", lang), style="dim"))
        return
    style = "dim" if isolation.get("level") == "full" else "yellow"
    console.print(Text(t("grade.isolation", lang, summary=escape(summary(isolation))), style=style))  # wrapped to the terminal

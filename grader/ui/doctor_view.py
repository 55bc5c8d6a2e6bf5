"""Terminal output of `llamaprep doctor` and the isolation line under a grade table."""

from __future__ import annotations

from typing import Optional

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from grader.sandbox.isolation import summary

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


def isolation_line(console: Console, isolation: Optional[dict]) -> None:
    """Under a grade or class table: which kernel layers confined the submissions."""
    if isolation is None:
        return
    level = isolation.get("level")
    style = "dim" if level == "full" else "yellow"
    console.print(Text(f"isolation: {escape(summary(isolation))}", style=style))  # wrapped: never wider than the terminal

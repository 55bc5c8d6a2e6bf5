"""`llamaprep solution`: the reference as plain lines, for copying."""

from __future__ import annotations

from grader.ui.strings import t
from grader.ui.term import Text


def print_solution(console, reference, lang: str) -> None:
    """The reference as plain lines, for copying: a title, then the code exactly as written
    (no box, no wrapping; colours only in a terminal)."""
    console.print(Text(t("solution.title", lang, id=reference.question), style="bold green"))
    source = reference.source.rstrip("\n")
    if not console.is_terminal:
        console.print(Text(source), soft_wrap=True)
        return
    # In a terminal, highlighted by rich (imported only here: pygments is ~40 ms)
    from rich.console import Console as RichConsole
    from rich.syntax import Syntax

    code = Syntax(source, "python", theme="ansi_dark").highlight(source)
    code.rstrip()
    RichConsole(file=console.file, force_terminal=True, highlight=False).print(code, soft_wrap=True, markup=False)

"""grader.ui.markup: the Markdown subset of the bank's prompts, rendered without rich.markdown."""

from __future__ import annotations

import io

from rich.console import Console

from grader.ui.markup import inline, render


def plain(renderable, width: int = 60) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()


def test_inline_styles_code_bold_and_italic_without_the_marks():
    text = inline("use `x.float()` and **never** *ever* a*b*c or **`w`**")
    assert text.plain == "use x.float() and never ever a*b*c or w"
    styles = {text.plain[s.start : s.end]: str(s.style) for s in text.spans}
    assert styles["x.float()"] == "cyan" and styles["never"] == "bold" and styles["ever"] == "italic"
    assert "a*b*c" in text.plain  # products in formulas are not emphasis


def test_paragraphs_bullets_with_continuations_and_code():
    out = plain(render("Intro line\nsame paragraph.\n\n- first item\n  continued\n* second\n\n    code line\n\nEnd."))
    lines = [line.rstrip() for line in out.splitlines()]
    assert lines[0] == "Intro line same paragraph."
    assert " • first item continued" in lines
    assert " • second" in lines
    assert "code line" in lines
    assert lines[-1] == "End."


def test_every_prompt_of_the_bank_renders_without_markup_left(bank):
    for q in bank.questions.values():
        for lang in ("en", "zh"):
            out = plain(render(q.prompt.get(lang)), width=100)
            assert "`" not in out, (q.id, lang)  # (** may stand in code: x**2)

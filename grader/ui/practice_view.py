"""`llamaprep practice` in the terminal: what to do ends the screen.

The order is the reverse of importance, so that at 80x24 the last lines — the task, the
signature, the file to edit and the command to grade it — are the ones still visible:
background (on request or once per topic) first, then the title and the prompt, then the
hints line, the signature, the file and what next.
"""

from __future__ import annotations

from pathlib import Path
from typing import Optional

from grader.bank.schema import CodeQuestion
from grader.ui.render import corrections_table, label, markdown, sources_text, topic_intro
from grader.ui.strings import t
from grader.ui.term import Group, Text


def background(q: CodeQuestion, topic, lang: str) -> list:
    """The topic's introduction, the source's claims beside the truth, and the sources."""
    parts: list = []
    if topic is not None:
        parts.append(topic_intro(topic, lang))
    table = corrections_table(q, lang)
    if table is not None:
        parts.append(table)
    if q.sources:
        parts.append(sources_text(q.sources, lang))
    return parts


def practice_screen(
    q: CodeQuestion,
    lang: str,
    *,
    hints_shown: int,
    path: Path,
    kept: bool,
    backup: Optional[Path],
    grade_command: str,
    topic=None,
    show_background: bool,
    background_hint: Optional[str] = None,
) -> Group:
    parts: list = background(q, topic, lang) if show_background else []
    if parts:
        parts.append(Text())
    parts.append(Text(f"{q.title.get(lang)}（{q.id}）" if lang == "zh" else f"{q.title.get(lang)}  ({q.id})", style="bold"))
    parts.append(markdown(q.prompt.get(lang)))
    parts.append(Text())
    if background_hint:
        parts.append(Text(background_hint, style="dim"))
    if q.hints:
        remaining = len(q.hints) - hints_shown
        key = "practice.hints" if remaining > 0 else "practice.hints_done"
        parts.append(Text(t(key, lang, remaining=remaining, total=len(q.hints), id=q.id), style="dim"))
    parts.append(Text.assemble((label("practice.signature", lang), "bold"), (q.signature, "cyan")))
    parts.append(Text(t("practice.kept" if kept else "practice.wrote", lang, path=path), style="bold"))
    if backup is not None:
        parts.append(Text(t("practice.reset", lang, backup=backup)))
    parts.append(Text(t("practice.next", lang, command=grade_command)))
    return Group(*parts)

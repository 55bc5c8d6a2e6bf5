"""Rendering of `llamaprep corrections`: each claim of the source beside the truth."""

from __future__ import annotations

from grader.bank.corrections import Correction
from grader.ui.render import label
from grader.ui.strings import t
from grader.ui.term import Group, Table, Text, box


def corrections_view(items: list[Correction], lang: str) -> Group:
    parts: list = [Text(t("corrections.title", lang), style="bold")]
    for item in items:
        table = Table(
            title=f"{item.myth} · {', '.join(item.topics)}",
            title_justify="left",
            box=box.ROUNDED,
            expand=True,
            show_lines=True,
        )
        table.add_column(t("practice.source_says", lang), style="red", ratio=1, overflow="fold")
        table.add_column(t("practice.truth", lang), style="green", ratio=1, overflow="fold")
        said = Text(f"「{item.claim.quote_zh}」")
        if lang != "zh":
            said.append(f"\n“{item.claim.quote_en}”", style="italic")
        table.add_row(said, Text(item.correction.get(lang)))
        parts.append(table)
        sources = Text(label("practice.sources", lang), style="dim")
        sources.append(("；" if lang == "zh" else "; ").join(f"{s.title} <{s.url}>" for s in item.sources), style="dim")
        parts.append(sources)
        parts.append(Text(f"{label('corrections.practise', lang)}{('、' if lang == 'zh' else ', ').join(item.questions)}", style="cyan"))
    return Group(*parts)

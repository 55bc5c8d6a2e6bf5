"""The pieces the question screens share (list's table, a topic's introduction, the source's
claims beside the truth, sources), drawn with grader.ui.term.  No grading logic here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

from grader.grading.marks import is_full_marks
from grader.ui.strings import t
from grader.ui.term import Panel, Table, Text, box, cell_len

if TYPE_CHECKING:
    from grader.bank.loader import Bank, Question
    from grader.bank.schema import Topic
    from grader.learner.progress import Best

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
    # narrow: the id takes what the points and best leave (exact widths, or the table shares it
    # out and cuts the scores); 8 = two edges, two dividers and four cells of padding
    id_width = width - max(3, cell_len(t("col.points", lang))) - max(5, cell_len(t("col.best", lang))) - 8 if narrow else None
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
        exact = {"col.points": max(3, cell_len(heading)), "col.best": max(5, cell_len(heading))}.get(key) if narrow else None
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

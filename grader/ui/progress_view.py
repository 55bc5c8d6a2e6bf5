"""`llamaprep progress` in the terminal: mastery bars, per-question bests, what next."""

from __future__ import annotations

import json
import time
from typing import Optional

from grader.grading.marks import is_full_marks
from grader.learner.mastery import ProgressSummary
from grader.learner.progress import Activity, InterviewRecord
from grader.ui.render import fmt_points
from grader.ui.strings import t
from grader.ui.term import Group, Table, Text, box, cell_len

BAR_WIDTH = 20


def bar(fraction: float, width: int = BAR_WIDTH) -> Text:
    filled = round(max(0.0, min(1.0, fraction)) * width)
    style = "green" if is_full_marks(fraction, 1.0) else "yellow" if fraction > 0 else "dim"
    return Text.assemble(("█" * filled, style), ("░" * (width - filled), "dim"))


def when(at: Optional[float]) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(at)) if at else "-"


def activity_text(a: Activity, lang: str) -> str:
    if a.kind == "grade":
        what = t("progress.last.grade", lang, id=a.question, score=f"{fmt_points(a.score or 0)}/{fmt_points(a.max_score or 0)}")
    elif a.kind == "quiz":
        what = t("progress.last.quiz", lang, id=a.question, verdict=t("progress.verdict." + ("right" if a.score else "wrong"), lang))
    else:
        what = t("progress.last.hint", lang, id=a.question, n=int(a.score or 0))
    return t("progress.last", lang, when=when(a.at), what=what)


def progress_view(summary: ProgressSummary, lang: str, width: int = 80) -> Group:
    """Below 60 columns the bars shorten, each topic's counts go under its bar, and the table
    keeps the id, the best score and the tries (the id is what every command takes)."""
    narrow = width < 60
    parts: list = [Text(t("progress.title", lang), style="bold underline"), Text()]
    parts.append(Text(t("progress.mastery", lang), style="bold"))
    topics = Table.grid(padding=(0, 1))
    topics.add_column(style="cyan", no_wrap=True)
    topics.add_column(no_wrap=True)
    topics.add_column(justify="right", no_wrap=True)
    if not narrow:
        topics.add_column(style="dim")
    for m in summary.topics:
        counts = []
        if m.code_total:
            counts.append(t("progress.topic_code", lang, solved=m.code_solved, total=m.code_total))
        if m.quiz_total:
            counts.append(t("progress.topic_quiz", lang, right=m.quiz_right, total=m.quiz_total))
        row = [m.topic, bar(m.fraction, 10 if narrow else BAR_WIDTH), f"{round(100 * m.fraction)}%"]
        if narrow:  # the counts on a line of their own, under the bar
            parts.append(Text.assemble((f"{m.topic:<8}", "cyan"), bar(m.fraction, 10), f" {row[2]}"))
            parts.append(Text("  " + " · ".join(counts), style="dim"))
        else:
            topics.add_row(*row, " · ".join(counts))
    if not narrow:
        parts.append(topics)
    parts.append(Text(t("progress.mastery_means", lang), style="dim"))
    parts.append(Text())
    if summary.questions:
        table = Table(box=box.SIMPLE_HEAD, expand=False, pad_edge=False)
        best_head, tries_head = t("col.best", lang), t("progress.col.tries", lang)
        rest = max(5, cell_len(best_head)) + max(3, cell_len(tries_head)) + 6  # cells and padding
        table.add_column(t("col.id", lang), style="cyan", no_wrap=True, overflow="ellipsis", max_width=max(10, width - rest) if narrow else None)
        table.add_column(best_head, justify="right", no_wrap=True, min_width=max(5, cell_len(best_head)))
        table.add_column(tries_head, justify="right", no_wrap=True, min_width=max(3, cell_len(tries_head)))
        if not narrow:
            table.add_column(t("progress.col.hints", lang), justify="right", no_wrap=True)
            table.add_column(t("progress.col.last", lang), no_wrap=True)
        for q in summary.questions:
            style = "green" if q.solved else "yellow" if q.tries else "dim"
            best = Text(f"{fmt_points(q.earned)}/{fmt_points(q.points)}" if q.tries else "-", style=style)
            row = [q.id, best, str(q.tries)]
            if not narrow:
                row += [str(q.hints) if q.kind == "code" else "", when(q.last)]
            table.add_row(*row)
        parts.append(table)
    else:
        parts.append(Text(t("progress.empty", lang)))
    if summary.last_activity is not None:
        parts.append(Text(activity_text(summary.last_activity, lang)))
    if summary.interviews:
        parts.append(interviews_text(summary.interviews, lang))
    if summary.quiz_due:
        parts.append(Text(t("progress.quiz_due", lang, n=summary.quiz_due), style="yellow"))
    parts.append(Text(t(f"progress.next.{summary.next.kind}", lang, target=summary.next.target), style="bold"))
    return Group(*parts)


SHOWN_INTERVIEWS = 5  # the latest; the rest stay in the store


def interviews_text(records: list[InterviewRecord], lang: str) -> Text:
    """Past mock interviews, latest last: when, score, length, topics."""
    text = Text(t("progress.interviews", lang, n=len(records)), style="bold")
    for r in records[-SHOWN_INTERVIEWS:]:
        try:
            plan = json.loads(r.report).get("plan", {})
        except ValueError:
            plan = {}
        topics = ", ".join(plan.get("topics", [])) if isinstance(plan.get("topics"), list) else ""
        line = t("progress.interview_row", lang, number=r.number, when=when(r.started), score=fmt_points(r.score),
                 max=fmt_points(r.max_score), minutes=max(1, round(r.seconds / 60)), topics=topics)
        if not r.finished:
            line += " " + t("progress.interview_partial", lang)
        text.append("\n  " + line, style=None if r.finished else "dim")
    return text

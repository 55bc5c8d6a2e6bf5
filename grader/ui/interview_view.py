"""`llamaprep interview` in the terminal: questions against a one-line countdown, then the report.

Input comes through a ``Lines`` reader: from a terminal it waits at most until the time
is up (select on stdin), from a pipe each line answers the next prompt.  Tests pass their
own reader and clock, so nothing here sleeps.
"""

from __future__ import annotations

import os
import select
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Protocol, TextIO, Union

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from grader.bank.loader import Bank
from grader.learner.interview import InterviewReport, InterviewSession
from grader.learner.quiz import parse_answer
from grader.report.interview_md import duration, number
from grader.report.reasons import case_reason
from grader.ui.quiz_view import question_panel
from grader.ui.render import markdown
from grader.ui.strings import t


class _Timeout:
    def __repr__(self) -> str:
        return "TIMEOUT"


TIMEOUT = _Timeout()  # what a reader returns when the time ran out before a line came
Line = Union[str, None, _Timeout]  # a line, None at the end of input, or TIMEOUT


class Lines(Protocol):
    def read(self, prompt: str, timeout: Optional[float]) -> Line: ...


@dataclass
class TerminalLines:
    """A terminal: the prompt, then a line or TIMEOUT once ``timeout`` seconds pass."""

    console: Console
    stream: TextIO = sys.stdin

    def read(self, prompt: str, timeout: Optional[float]) -> Line:
        self.console.print(prompt, end="", markup=False, highlight=False)
        ready, _, _ = select.select([self.stream], [], [], timeout)
        if not ready:
            self.console.print()
            return TIMEOUT
        line = self.stream.readline()
        return line.rstrip("\n") if line else None


@dataclass
class PipedLines:
    """A pipe or a script: each line answers the next prompt; echoed for a readable transcript."""

    console: Console
    stream: TextIO = sys.stdin

    def read(self, prompt: str, timeout: Optional[float]) -> Line:
        line = self.stream.readline()
        if not line:
            return None
        self.console.print(prompt + line.rstrip("\n"), markup=False, highlight=False)
        return line.rstrip("\n")


Grade = Callable[[str, Path], tuple[object, str]]  # (question id, file) -> (QuestionResult or None, problem)
SKIP_WORDS = ("s", "skip", "-")
DONE_WORDS = ("done", "d", "submit", "")
CHECK_WORDS = ("grade", "g", "check", "test")


def clock_line(session: InterviewSession, n: int, total: int, lang: str) -> Text:
    """The countdown: one line before each prompt, never a flood."""
    left = session.remaining()
    clock = t("interview.left", lang, time=duration(left)) if left is not None else t("interview.no_clock", lang)
    return Text(f"⏱ {clock} · " + t("interview.progress", lang, n=n, total=total), style="bold yellow" if left is not None and left < 120 else "dim")


def _prompt(session: InterviewSession, text: str) -> str:
    left = session.remaining()
    return f"[{duration(left)}] {text}" if left is not None else text


def run_interview(
    *,
    console: Console,
    session: InterviewSession,
    bank: Bank,
    lang: str,
    lines: Lines,
    grade: Grade,
    code_files: dict[str, Path],
    write_stub: Callable[[str], Path],
    on_concept: Callable[[object], None] = lambda a: None,
    on_coding: Callable[[object], None] = lambda a: None,
) -> InterviewReport:
    """Ask every planned question until the time is up; Ctrl-C ends early with a partial report."""
    plan = session.plan
    total = len(plan.concept) + len(plan.coding)
    number_ = 0
    finished = False
    try:
        console.print(Text(t("interview.intro", lang, concept=len(plan.concept), coding=len(plan.coding),
                             minutes=number(plan.minutes) if plan.minutes > 0 else "∞"), style="bold"))
        for qid in plan.concept:
            if session.expired():
                break
            number_ += 1
            q = bank.get(qid)
            console.print(clock_line(session, number_, total, lang))
            console.print(question_panel(q, number_, total, lang))
            session.restart_lap()
            given: Optional[str] = None
            while True:
                raw = lines.read(_prompt(session, t("interview.answer_prompt", lang, letters="/".join("ABCDEF"[: len(q.choices)]))), session.remaining())
                if raw is None:
                    raise EOFError
                if raw is TIMEOUT or raw.strip().lower() in SKIP_WORDS:
                    break
                given = parse_answer(raw, q)
                if given is not None or not isinstance(lines, TerminalLines):
                    break
                console.print(t("quiz.invalid", lang, letters="/".join("ABCDEF"[: len(q.choices)])), style="yellow")
            on_concept(session.answer_concept(qid, given))
        for qid in plan.coding:
            if session.expired():
                break
            number_ += 1
            console.print(clock_line(session, number_, total, lang))
            _code_question(console, session, bank, qid, lang, lines, grade, code_files, write_stub, on_coding)
        finished = True  # also when the time ran out: that is how an interview ends
    except (KeyboardInterrupt, EOFError):
        console.print()
        console.print(t("interview.stopped", lang), style="yellow")
    report = session.report(finished=finished)
    console.print(report_view(report, bank, lang))
    return report


def _code_question(console, session, bank, qid, lang, lines, grade, code_files, write_stub, on_coding) -> None:
    q = bank.get(qid)
    given = code_files.get(qid)
    path = given if given is not None else write_stub(qid)
    console.print(Text(f"{q.title.get(lang)}  ({q.id})", style="bold"))
    console.print(markdown(q.prompt.get(lang)))
    console.print(Text.assemble((t("interview.signature", lang), "bold"), (q.signature, "cyan")))
    console.print(Text.assemble((t("interview.file", lang), "bold"), str(path)))
    session.restart_lap()
    timed_out = False
    if given is None:
        while True:
            raw = lines.read(_prompt(session, t("interview.code_prompt", lang)), session.remaining())
            if raw is TIMEOUT:
                timed_out = True
                console.print(t("interview.time_up", lang), style="yellow")
                break
            if raw is None:
                raise EOFError
            word = raw.strip().lower()
            if word in CHECK_WORDS:
                result, problem = grade(qid, path)
                console.print(check_line(result, problem, lang))
                continue
            if word in DONE_WORDS or not isinstance(lines, TerminalLines):
                break
            console.print(t("interview.code_words", lang), style="yellow")
    result, problem = grade(qid, path)
    on_coding(session.answer_coding(qid, str(path), result, timed_out=timed_out, problem=problem))


def check_line(result, problem: str, lang: str) -> Text:
    """A check during the interview: how many cases pass and the first failure, no mistake names."""
    if result is None:
        return Text(t("interview.not_graded", lang, why=problem), style="red")
    cases = result.cases
    passed = sum(c.status == "passed" for c in cases)
    text = Text(t("interview.check", lang, passed=passed, total=len(cases)), style="bold green" if passed == len(cases) else "bold")
    failed = next((c for c in cases if c.status != "passed"), None)
    if failed is not None:
        text.append("  " + case_reason(failed, lang)[:160], style="dim")  # the reason alone: no mistake names yet
    return text


def report_view(report: InterviewReport, bank: Bank, lang: str) -> Group:
    parts: list = [Text(), Text(t("interview.report_title", lang), style="bold underline")]
    parts.append(Text(t("interview.score", lang, score=number(report.score), max=number(report.max_score),
                        time=duration(report.seconds)), style="bold"))
    if report.concept:
        table = Table(box=None, pad_edge=False, show_edge=False)
        for col in ("col_q", "col_answer", "col_time"):
            table.add_column(t(f"interview.{col}", lang), overflow="fold")
        for a in report.concept:
            verdict = Text("✓ " + (a.given or ""), style="green") if a.correct else Text(f"✗ {a.given or '—'} → {a.right}", style="red")
            table.add_row(a.id, verdict, duration(a.seconds))
        parts.append(table)
    if report.coding:
        table = Table(box=None, pad_edge=False, show_edge=False)
        for col in ("col_q", "col_points", "col_mistakes", "col_time"):
            table.add_column(t(f"interview.{col}", lang), overflow="fold")
        for c in report.coding:
            points = f"{number(c.score)}/{number(c.max_score)}" if c.graded else t("interview.not_graded", lang, why=c.problem)
            table.add_row(c.id, points, ", ".join(c.mistakes) or "—", duration(c.seconds))
        parts.append(table)
    missed = [a for a in report.concept if not a.correct]
    for a in missed:  # answers are revealed only now
        q = bank.get(a.id)
        parts.append(Text.assemble((f"{a.id}: ", "bold"), t("interview.answer_was", lang, letter=q.answer, choice=q.choices[q.answer_index].get(lang))))
        parts.append(markdown(q.explanation.get(lang)))
    parts.append(Text(t("interview.study", lang), style="bold"))
    if not report.study:
        answered = report.concept or report.coding
        parts.append(Text("  " + t("interview.study_none" if answered else "interview.study_unanswered", lang)))
    for item in report.study:
        parts.append(Text("  • " + t(f"interview.study_{item.kind}", lang, target=item.target, because=item.because)))
    return Group(*parts)


def is_terminal(stream: TextIO) -> bool:
    try:
        return os.isatty(stream.fileno())
    except (AttributeError, ValueError, OSError):
        return False


def interview_command(
    *,
    bank: Bank,
    topics: list[str],
    minutes: float,
    seed: Optional[int],
    codes: dict[str, Path],
    report_path: Optional[Path],
    fmt: str,
    lang: str,
    workspace: Path,
    console: Console,
    err: Console,
    stdin: TextIO = sys.stdin,
    concept_count: int = 4,
    coding_count: Optional[int] = None,
    clock: Optional[Callable[[], float]] = None,
    lines: Optional[Lines] = None,
) -> int:
    """The whole `llamaprep interview`: plan, ask, grade, report, store.  Returns the exit code."""
    import json

    from grader.learner import workspace as ws
    from grader.learner.interview import plan_interview
    from grader.learner.progress import Progress, ProgressError, best_scores
    from grader.report.interview_md import interview_markdown

    progress = Progress()
    warnings: list[str] = []

    def safely(action: Callable[[], object]) -> object:
        try:
            return action()
        except ProgressError as exc:
            if not warnings:  # once, not after every answer
                warnings.append(str(exc))
                err.print(f"{t('warning.prefix', lang)}: {exc}", markup=False, highlight=False)
            return None

    history = safely(progress.quiz_history) or {}
    best = safely(lambda: best_scores(bank=bank, progress=progress)) or {}
    best_fraction = {qid: b.score / b.max_score for qid, b in best.items() if getattr(b, "max_score", 0)}
    plan = plan_interview(bank=bank, topics=topics, minutes=minutes, seed=seed, quiz_history=history,
                          best_fraction=best_fraction, concept_count=concept_count, coding_count=coding_count,
                          coding=list(codes) or None)
    session = InterviewSession(plan=plan, bank=bank, **({"clock": clock} if clock else {}))
    screen = err if fmt == "json" else console  # --format json: stdout carries only the JSON

    def grade(qid: str, path: Path):
        from grader.grading.engine import grade_submissions

        if not path.is_file():
            return None, f"no such file: {path}"
        report = grade_submissions(bank=bank, targets=[(qid, path)])
        result = (report.questions or report.failures)[0]
        if result.problem:
            return None, result.problem
        return result, ""

    def write_stub(qid: str) -> Path:
        path, _, _ = ws.write_stub(workspace / "interview", bank, qid, reset=True)  # earlier edits are backed up
        return path

    def on_concept(answer) -> None:
        safely(lambda: progress.record_quiz(answer.id, answer.given or "", answer.correct))

    def on_coding(answer) -> None:
        if answer.graded:
            safely(lambda: progress.record_attempt(answer.id, answer.score, answer.max_score))

    if lines is None:
        lines = TerminalLines(screen, stdin) if is_terminal(stdin) else PipedLines(screen, stdin)
    interrupted = False
    try:
        report = run_interview(console=screen, session=session, bank=bank, lang=lang, lines=lines, grade=grade,
                               code_files=codes, write_stub=write_stub, on_concept=on_concept, on_coding=on_coding)
    except KeyboardInterrupt:  # a second Ctrl-C while grading: still keep what was answered
        interrupted = True
        report = session.report(finished=False)
    interrupted = interrupted or not report.finished
    data = report.to_json()
    number_ = safely(lambda: progress.record_interview(
        started=report.started, seconds=report.seconds, score=report.score, max_score=report.max_score,
        finished=report.finished, report=json.dumps(data, ensure_ascii=False)))
    if report_path is not None:
        try:
            report_path.write_text(interview_markdown(report, bank, lang), encoding="utf-8")
            screen.print(t("interview.wrote", lang, path=report_path), style="dim")
        except OSError as exc:
            err.print(f"{t('error.prefix', lang)}: {report_path}: {exc.strerror or exc}", markup=False)
            return 2
    if number_ is not None:
        screen.print(t("interview.saved", lang, number=number_), style="dim")
    if fmt == "json":
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return 130 if interrupted else 0

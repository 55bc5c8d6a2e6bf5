"""The quiz in the terminal: one question at a time, the explanation after each answer.

Reading answers: in a terminal an invalid or empty answer gets a one-line message and the
question again, and after each explanation the quiz waits for Enter, so that the verdict is
read before the next question scrolls it away.  From a pipe or a script (stdin not a
terminal) each line answers the next question, an invalid line counts as wrong (line N
always answers question N), and nothing waits.  `q` stops early in both; so does the end of
input (Ctrl-D).  Either way the score so far is shown, then the questions missed.

``ask`` asks one question and returns the answer; ``run_quiz`` is the whole quiz.  Both
read lines through a ``read(prompt)`` function and time answers with ``clock``, so another
loop (`llamaprep interview`) or a test can drive them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Optional, TextIO

from grader.bank.schema import QuizQuestion
from grader.learner.quiz import Answer, QuizScore, is_quit, judge, letters, parse_answer, shown_letter
from grader.ui.render import claims_text, label, markdown, sources_text
from grader.ui.strings import t
from grader.ui.term import Console, Group, Padding, Panel, Table, Text

Read = Callable[[str], Optional[str]]  # a prompt -> the line typed, None at the end of input


@dataclass
class QuizRun:
    score: QuizScore
    interrupted: bool = False  # Ctrl-C


def question_panel(q: QuizQuestion, number: int, total: int, lang: str, order: Optional[list[int]] = None) -> Panel:
    choices = Table.grid(padding=(0, 1))  # a wrapped choice stays indented under its text
    choices.add_column(style="bold cyan", no_wrap=True)
    choices.add_column()
    for letter, index in zip(letters(q), order or range(len(q.choices))):
        choices.add_row(f" {letter}.", q.choices[index].get(lang))
    body: list = [markdown(q.prompt.get(lang)), Text(), choices]
    title = t("quiz.question", lang, n=number, total=total)
    return Panel(Group(*body), title=f"{title} · {q.title.get(lang)}", title_align="left", border_style="blue")


def feedback(q: QuizQuestion, answer: Answer, lang: str, order: Optional[list[int]] = None) -> Group:
    right_choice = q.choices[q.answer_index].get(lang)
    if answer.correct:
        verdict = Text(t("quiz.right", lang), style="bold green")
    else:
        verdict = Text(t("quiz.wrong", lang, letter=shown_letter(q, q.answer, order), choice=right_choice), style="bold red")
    parts: list = [verdict, _indent(markdown(q.explanation.get(lang)))]
    claims = claims_text(q, lang)
    if claims is not None:
        claims.stylize("dim")
        parts.append(_indent(Group(Text(label("practice.source_says", lang).rstrip(), style="bold dim"), claims)))
    if q.sources:
        parts.append(_indent(sources_text(q.sources, lang)))
    return Group(*parts)


def _indent(renderable) -> Padding:
    return Padding(renderable, (0, 0, 0, 2), expand=False)  # no trailing blanks to the edge


def terminal_reader(console: Console) -> Read:
    try:  # line editing for input(): arrow keys move instead of typing ^[[D into the answer
        import readline  # noqa: F401
    except ImportError:  # not every Python has it
        pass

    def read(prompt: str) -> Optional[str]:
        try:
            return console.input(prompt)
        except EOFError:  # Ctrl-D: end the prompt's line, so what follows starts on its own
            console.print()
            return None

    return read


def script_reader(stream: TextIO, console: Console) -> Read:
    def read(prompt: str) -> Optional[str]:
        line = stream.readline()
        if not line:
            return None
        console.print(prompt + line.rstrip("\n"), highlight=False, markup=False)  # a readable transcript
        return line.rstrip("\n")

    return read


def ask(
    console: Console,
    q: QuizQuestion,
    *,
    number: int,
    total: int,
    lang: str,
    read: Read,
    retry_invalid: bool,
    order: Optional[list[int]] = None,
    clock: Callable[[], float] = time.monotonic,
) -> Optional[Answer]:
    """Show ``q`` and read its answer; None when the learner stops (q, end of input).
    An invalid answer is asked again when ``retry_invalid``, else counted wrong."""
    console.print(question_panel(q, number, total, lang, order))
    shown = "/".join(letters(q))
    started = clock()
    while True:
        raw = read(t("quiz.prompt", lang, letters=shown))
        if raw is None or is_quit(raw):
            return None
        given = parse_answer(raw, q, order)
        if given is not None or not retry_invalid:
            break
        console.print(t("quiz.invalid", lang, letters=shown), style="yellow")
    if given is None:
        console.print(t("quiz.invalid_counted", lang), style="yellow")
    return judge(q, given, raw, seconds=clock() - started)


def run_quiz(
    *,
    console: Console,
    questions: list[QuizQuestion],
    lang: str,
    stream: TextIO,
    tty: bool,
    record: Callable[[Answer], None],
    orders: Optional[dict[str, list[int]]] = None,
    read: Optional[Read] = None,
    clock: Callable[[], float] = time.monotonic,
) -> QuizRun:
    """The whole quiz; ``orders`` are the shown orders of the choices (none: the bank's)."""
    score = QuizScore(total=len(questions))
    run = QuizRun(score=score)
    read = read or (terminal_reader(console) if tty else script_reader(stream, console))
    orders = orders or {}
    try:
        for number, q in enumerate(questions, 1):
            order = orders.get(q.id)
            answer = ask(console, q, number=number, total=len(questions), lang=lang, read=read, retry_invalid=tty, order=order, clock=clock)
            if answer is None:
                break
            score.answers.append(answer)
            record(answer)
            console.print(feedback(q, answer, lang, order))
            if tty and number < len(questions):
                # The verdict again, beside the prompt: a long explanation may have scrolled it away.
                verdict = t("quiz.right", lang) if answer.correct else t("quiz.wrong_short", lang, letter=shown_letter(q, q.answer, order))
                pause = read(t("quiz.pause", lang, verdict=verdict))
                if pause is None or is_quit(pause):
                    break
            console.print()
    except KeyboardInterrupt:
        run.interrupted = True
        console.print()
    finally:
        console.print(final_score(score, lang))
        missed = missed_view({q.id: q for q in questions}, score, lang, orders)
        if missed is not None:
            console.print(missed)
    return run


def final_score(score: QuizScore, lang: str) -> Text:
    text = Text(t("quiz.score", lang, correct=score.correct, asked=score.asked), style="bold")
    if score.asked < score.total:
        text.append("  " + t("quiz.stopped", lang, asked=score.asked, total=score.total), style="dim")
    return text


def missed_view(by_id: dict[str, QuizQuestion], score: QuizScore, lang: str, orders: dict[str, list[int]]) -> Optional[Group]:
    """The questions answered wrong, each with its right answer, and how to retry them."""
    if not score.missed:
        return None
    rows = Table.grid(padding=(0, 1))
    rows.add_column(no_wrap=True)
    rows.add_column()
    for answer in score.missed:
        q = by_id[answer.question]
        letter = shown_letter(q, q.answer, orders.get(q.id))
        rows.add_row(" •", Text.assemble((q.id, "cyan"), f" — {t('quiz.missed_answer', lang, letter=letter, choice=q.choices[q.answer_index].get(lang))}"))
    heading = Text(label("quiz.missed", lang, n=len(score.missed)).rstrip(), style="bold")
    return Group(heading, rows, Text(t("quiz.retry", lang), style="dim"))

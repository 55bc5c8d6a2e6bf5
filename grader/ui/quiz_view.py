"""The quiz in the terminal: one question at a time, the explanation after each answer.

Reading answers: in a terminal an invalid or empty answer gets a one-line message and the
question again.  From a pipe or a script (stdin not a terminal) each line answers the next
question, and an invalid line counts as wrong, so that line N always answers question N.
`q` stops early in both; so does the end of input.  Either way the score so far is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Optional, TextIO

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from grader.bank.schema import QuizQuestion
from grader.learner.quiz import Answer, QuizScore, is_quit, judge, letters, parse_answer
from grader.ui.render import claims_text, label, markdown, sources_text
from grader.ui.strings import t


@dataclass
class QuizRun:
    score: QuizScore
    interrupted: bool = False  # Ctrl-C


def question_panel(q: QuizQuestion, number: int, total: int, lang: str) -> Panel:
    choices = Table.grid(padding=(0, 1))  # a wrapped choice stays indented under its text
    choices.add_column(style="bold cyan", no_wrap=True)
    choices.add_column()
    for letter, choice in zip(letters(q), q.choices):
        choices.add_row(f" {letter}.", choice.get(lang))
    body: list = [markdown(q.prompt.get(lang)), Text(), choices]
    title = t("quiz.question", lang, n=number, total=total)
    return Panel(Group(*body), title=f"{title} · {q.title.get(lang)}", title_align="left", border_style="blue")


def feedback(q: QuizQuestion, answer: Answer, lang: str) -> Group:
    right_choice = q.choices[q.answer_index].get(lang)
    if answer.correct:
        verdict = Text(t("quiz.right", lang), style="bold green")
    else:
        verdict = Text(t("quiz.wrong", lang, letter=q.answer, choice=right_choice), style="bold red")
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


def _read_line(stream: TextIO, console: Console, prompt: str, tty: bool) -> Optional[str]:
    """One line of input without its newline; None at the end of input."""
    if tty:
        try:
            return console.input(prompt)
        except EOFError:
            return None
    line = stream.readline()
    if not line:
        return None
    console.print(prompt + line.rstrip("\n"), highlight=False, markup=False)  # a readable transcript
    return line.rstrip("\n")


def run_quiz(
    *,
    console: Console,
    questions: list[QuizQuestion],
    lang: str,
    stream: TextIO,
    tty: bool,
    record: Callable[[Answer], None],
) -> QuizRun:
    score = QuizScore(total=len(questions))
    run = QuizRun(score=score)
    try:
        for number, q in enumerate(questions, 1):
            console.print(question_panel(q, number, len(questions), lang))
            prompt = t("quiz.prompt", lang, letters="/".join(letters(q)))
            while True:
                raw = _read_line(stream, console, prompt, tty)
                if raw is None or is_quit(raw):
                    return run
                given = parse_answer(raw, q)
                if given is not None or not tty:
                    break
                console.print(t("quiz.invalid", lang, letters="/".join(letters(q))), style="yellow")
            if given is None:
                console.print(t("quiz.invalid_counted", lang), style="yellow")
            answer = judge(q, given, raw)
            score.answers.append(answer)
            record(answer)
            console.print(feedback(q, answer, lang))
            console.print()
    except KeyboardInterrupt:
        run.interrupted = True
        console.print()
    finally:
        console.print(final_score(score, lang))
    return run


def final_score(score: QuizScore, lang: str) -> Text:
    text = Text(t("quiz.score", lang, correct=score.correct, asked=score.asked), style="bold")
    if score.asked < score.total:
        text.append("  " + t("quiz.stopped", lang, asked=score.asked, total=score.total), style="dim")
    return text

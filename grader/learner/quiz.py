"""Concept quizzes: choosing the items, reading an answer letter, judging it, keeping score.

No terminal code here (the interactive loop is grader/ui/quiz_view.py).  Only the order of
the questions is shuffled, never the order of a question's choices: explanations and
sources may refer to an option by its letter.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Optional

from grader.bank.loader import Bank
from grader.bank.schema import QuizQuestion

QUIT_WORDS = ("q", "quit", "exit")


def select_questions(
    *, bank: Bank, topic: Optional[str] = None, count: Optional[int] = None, shuffle: bool = False, seed: Optional[int] = None
) -> list[QuizQuestion]:
    """The quiz items of ``topic`` (all topics when None) in bank order, or shuffled
    (reproducibly with ``seed``), cut to the first ``count``."""
    items = [q for q in bank.by_topic(topic, kind="quiz") if isinstance(q, QuizQuestion)]
    if shuffle:
        random.Random(seed).shuffle(items)
    return items[:count] if count is not None else items


def letters(question: QuizQuestion) -> str:
    return "ABCDEF"[: len(question.choices)]


def parse_answer(text: str, question: QuizQuestion) -> Optional[str]:
    """The choice letter in ``text`` ('b', ' B ', 'B)' or '2'), else None."""
    word = text.strip().rstrip(").:").strip().upper()
    if len(word) == 1 and word in letters(question):
        return word
    if word.isdigit() and 1 <= int(word) <= len(question.choices):
        return letters(question)[int(word) - 1]
    return None


def is_quit(text: str) -> bool:
    return text.strip().lower() in QUIT_WORDS


@dataclass
class Answer:
    question: str
    given: str  # the letter, or the invalid text as typed (counted wrong)
    correct: bool
    right: str  # the right letter


@dataclass
class QuizScore:
    answers: list[Answer] = field(default_factory=list)
    total: int = 0  # questions in the quiz, answered or not

    @property
    def correct(self) -> int:
        return sum(a.correct for a in self.answers)

    @property
    def asked(self) -> int:
        return len(self.answers)


def judge(question: QuizQuestion, given: Optional[str], raw: str = "") -> Answer:
    """An answer to ``question``: ``given`` is a parsed letter, or None for an invalid one."""
    return Answer(
        question=question.id,
        given=given if given is not None else raw.strip()[:20],
        correct=given == question.answer,
        right=question.answer,
    )

"""Concept quizzes: choosing the items, reading an answer letter, judging it, keeping score.

No terminal code here (the interactive loop is grader/ui/quiz_view.py).  A question's
choices are shown shuffled (``choice_order``), so that the letter of the right answer
cannot be memorised; the bank's letters stay the truth: an answer is parsed back to the
bank's letter before it is judged or recorded, and explanations never cite letters.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Optional

from grader.bank.loader import Bank
from grader.bank.schema import QuizQuestion

QUIT_WORDS = ("q", "quit", "exit")


def select_questions(
    *, bank: Bank, topic: Optional[str] = None, count: Optional[int] = None, shuffle: bool = False, seed: Optional[int] = None,
    ids: Optional[list[str]] = None, history: Optional[dict[str, list[tuple[float, bool]]]] = None, now: Optional[float] = None,
) -> list[QuizQuestion]:
    """The quiz items of ``topic`` (all topics when None; only ``ids`` when given) in bank
    order, or shuffled (reproducibly with ``seed``), cut to the first ``count``.

    With the learner's answer ``history`` (spaced repetition, grader.learner.review) what is
    due comes first: questions missed last time, then those due for review, then new ones,
    then the rest; the bank order or the shuffle decides within each group."""
    items = [q for q in bank.by_topic(topic, kind="quiz") if isinstance(q, QuizQuestion)]
    if ids is not None:
        wanted = set(ids)
        items = [q for q in items if q.id in wanted]
    if shuffle:
        random.Random(seed).shuffle(items)
    if history:
        from grader.learner.review import review_order

        by_id = {q.id: q for q in items}
        items = [by_id[qid] for qid in review_order(list(by_id), history, time.time() if now is None else now)]
    return items[:count] if count is not None else items


def letters(question: QuizQuestion) -> str:
    return "ABCDEF"[: len(question.choices)]


def choice_order(question: QuizQuestion, seed: Optional[int] = None) -> list[int]:
    """The bank's indexes of the choices in the order shown: shuffled, reproducibly for a
    ``seed`` (per question, so an item shows the same order whatever else is asked)."""
    order = list(range(len(question.choices)))
    random.Random(None if seed is None else f"{seed}:{question.id}").shuffle(order)
    return order


def shown_letter(question: QuizQuestion, bank_letter: str, order: Optional[list[int]] = None) -> str:
    """The letter under which the bank's choice ``bank_letter`` is shown."""
    index = letters(question).index(bank_letter)
    return letters(question)[order.index(index)] if order is not None else bank_letter


def parse_answer(text: str, question: QuizQuestion, order: Optional[list[int]] = None) -> Optional[str]:
    """The bank's letter of the choice picked in ``text`` ('b', ' B ', 'B)' or '2', read in the
    shown ``order``), else None."""
    word = text.strip().rstrip(").:").strip().upper()
    position = None
    if len(word) == 1 and word in letters(question):
        position = letters(question).index(word)
    elif word.isdigit() and 1 <= int(word) <= len(question.choices):
        position = int(word) - 1
    if position is None:
        return None
    return letters(question)[order[position] if order is not None else position]


def is_quit(text: str) -> bool:
    return text.strip().lower() in QUIT_WORDS


@dataclass
class Answer:
    question: str
    given: str  # the bank's letter, or the invalid text as typed (counted wrong)
    correct: bool
    right: str  # the bank's right letter
    seconds: float = 0.0  # from the question shown to the answer given

    @property
    def valid(self) -> bool:
        return len(self.given) == 1 and self.given in "ABCDEF"


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

    @property
    def missed(self) -> list[Answer]:
        return [a for a in self.answers if not a.correct]


def judge(question: QuizQuestion, given: Optional[str], raw: str = "", seconds: float = 0.0) -> Answer:
    """An answer to ``question``: ``given`` is a parsed (bank) letter, or None for an invalid one."""
    return Answer(
        question=question.id,
        given=given if given is not None else raw.strip()[:20],
        correct=given == question.answer,
        right=question.answer,
        seconds=seconds,
    )


def missed_last_time(history: dict[str, list[tuple[float, bool]]]) -> list[str]:
    """Quiz ids whose latest recorded answer was wrong (`quiz --retry-missed`)."""
    return [qid for qid, answers in history.items() if answers and not answers[-1][1]]  # time order

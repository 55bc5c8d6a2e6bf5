"""Spaced repetition of concept questions: Leitner boxes, derived from the stored answers.

Each quiz question sits in a box.  A wrong answer puts it back in box 0, which is due at
once (the next `quiz` asks it first); each right answer moves it up one box, and a box is
due again after its interval.  Three right answers in a row reach the last box: the
question is *learned* and comes back only after a week, as a check.

The boxes are not stored: they are replayed from the answer history that progress keeps
(`quiz_answers`), so there is no second record to drift from the first, and a change of
these intervals applies to old histories too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Optional

DAY = 86400.0
# Box k is due this long after its last answer.  Box 0 (missed, or never right) is due now.
INTERVALS = (0.0, 1 * DAY, 3 * DAY, 7 * DAY)
LEARNED_BOX = len(INTERVALS) - 1  # reached after this many right answers in a row


@dataclass(frozen=True)
class ReviewState:
    box: int  # 0 .. LEARNED_BOX
    due_at: float  # epoch seconds
    answers: int
    last_correct: bool

    @property
    def learned(self) -> bool:
        return self.box >= LEARNED_BOX

    def is_due(self, now: float) -> bool:
        return self.due_at <= now


def replay(history: Iterable[tuple[float, bool]]) -> Optional[ReviewState]:
    """The box after a question's answers ``(at, correct)`` in time order; None if never answered."""
    box, last_at, answers, last_correct = 0, 0.0, 0, False
    for at, correct in history:
        box = min(box + 1, LEARNED_BOX) if correct else 0
        last_at, answers, last_correct = at, answers + 1, bool(correct)
    if not answers:
        return None
    return ReviewState(box=box, due_at=last_at + INTERVALS[box], answers=answers, last_correct=last_correct)


def review_order(ids: Sequence[str], history: dict[str, list[tuple[float, bool]]], now: float) -> list[str]:
    """``ids`` in the order a quiz should ask them: missed questions first (box 0, most
    recently missed first), then other due ones (most overdue first), then the never
    asked (in bank order), then those not yet due (soonest first).  Nothing is dropped."""
    missed, due, new, later = [], [], [], []
    for position, qid in enumerate(ids):
        state = replay(history.get(qid, ()))
        if state is None:
            new.append((position, qid))
        elif state.box == 0:
            missed.append((-state.due_at, qid))
        elif state.is_due(now):
            due.append((state.due_at, qid))
        else:
            later.append((state.due_at, qid))
    return [qid for _, qid in sorted(missed) + sorted(due) + new + sorted(later)]


def due_count(ids: Sequence[str], history: dict[str, list[tuple[float, bool]]], now: float) -> int:
    """How many of ``ids`` have been answered and are due again now."""
    return sum(1 for qid in ids if (s := replay(history.get(qid, ()))) is not None and s.is_due(now))

"""What the learner has mastered and what to practise next, from the progress store.

Plain objects only (rendering is grader/ui/progress_view.py).  A question's best counts:
a code question its best graded score, a quiz question its points once answered right.
A topic's mastery is the points earned over the points available, so a 10-point code
question weighs ten times a 1-point quiz item, as in `llamaprep list`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Optional

from grader.bank.loader import Bank
from grader.grading.marks import is_full_marks
from grader.learner.progress import Activity, Best, InterviewRecord, Progress
from grader.learner.review import due_count


@dataclass
class QuestionProgress:
    id: str
    kind: str
    points: float
    earned: float  # best score (code) or points if ever answered right (quiz)
    tries: int  # graded attempts or quiz answers
    last: Optional[float]
    hints: int

    @property
    def solved(self) -> bool:
        return self.tries > 0 and is_full_marks(self.earned, self.points)


@dataclass
class TopicMastery:
    topic: str
    earned: float
    total: float
    code_solved: int
    code_total: int
    quiz_right: int
    quiz_total: int

    @property
    def fraction(self) -> float:
        return self.earned / self.total if self.total else 0.0


@dataclass
class Suggestion:
    kind: str  # practice | quiz | done
    target: str  # question id or topic ("" when done)


@dataclass
class ProgressSummary:
    topics: list[TopicMastery] = field(default_factory=list)
    questions: list[QuestionProgress] = field(default_factory=list)  # only those tried or hinted
    last_activity: Optional[Activity] = None
    interviews: list[InterviewRecord] = field(default_factory=list)  # oldest first
    quiz_due: int = 0  # quiz questions answered before and due for review now (grader.learner.review)
    next: Suggestion = field(default_factory=lambda: Suggestion("done", ""))


def summarize(*, bank: Bank, progress: Progress) -> ProgressSummary:
    """Raises ProgressError when the store cannot be read."""
    best = progress.best()
    quiz = progress.quiz_best()
    hints = progress.all_hints()
    summary = ProgressSummary(last_activity=progress.last_activity())
    per_question: dict[str, QuestionProgress] = {}
    for q in bank.by_topic():
        if q.kind == "code":
            qp = _code_progress(q, best.get(q.id), hints.get(q.id, 0))
        else:
            r = quiz.get(q.id)
            earned = q.points if r and r.ever_correct else 0.0
            qp = QuestionProgress(q.id, "quiz", q.points, earned, r.answers if r else 0, r.last if r else None, 0)
        per_question[q.id] = qp
        if qp.tries or qp.hints:
            summary.questions.append(qp)
    for topic in bank.topic_names():
        mine = [per_question[q.id] for q in bank.by_topic(topic)]
        if not mine:
            continue
        code = [p for p in mine if p.kind == "code"]
        quizzes = [p for p in mine if p.kind == "quiz"]
        summary.topics.append(
            TopicMastery(
                topic=topic,
                earned=sum(p.earned for p in mine),
                total=sum(p.points for p in mine),
                code_solved=sum(p.solved for p in code),
                code_total=len(code),
                quiz_right=sum(p.solved for p in quizzes),
                quiz_total=len(quizzes),
            )
        )
    summary.next = _suggest(bank, summary.topics, per_question)
    summary.interviews = progress.interviews()
    quiz_ids = [q.id for q in bank.by_topic(kind="quiz")]
    summary.quiz_due = due_count(quiz_ids, progress.quiz_history(), time.time())
    return summary


def _suggest(bank: Bank, topics: list[TopicMastery], per_question: dict[str, QuestionProgress]) -> Suggestion:
    """The least mastered topic (bank order breaks ties): its next code question, then its quiz."""
    open_topics = [t for t in topics if t.total > 0 and not is_full_marks(t.earned, t.total)]
    if not open_topics:
        return Suggestion("done", "")
    topic = min(open_topics, key=lambda t: t.fraction).topic
    qid = _next_of([per_question[q.id] for q in bank.by_topic(topic, kind="code")])
    return Suggestion("practice", qid) if qid else Suggestion("quiz", topic)


def _next_of(code: list[QuestionProgress]) -> Optional[str]:
    """The rule `progress` and `practice TOPIC` share: finish a started code question first,
    then take the first one never tried (bank order); None when all are solved."""
    started = [p for p in code if p.tries and not p.solved]
    fresh = [p for p in code if not p.tries]
    return (started or fresh)[0].id if started or fresh else None


def next_code_question(*, bank: Bank, topic: str, best: dict[str, Best]) -> Optional[str]:
    """The code question of ``topic`` to practise next (see _next_of), from the best scores
    of best_scores; None when every one is solved."""
    return _next_of([_code_progress(q, best.get(q.id), 0) for q in bank.by_topic(topic, kind="code")])


def _code_progress(q, b: Optional[Best], hints: int) -> QuestionProgress:
    # Scores are stored with the max_score of the day; rescale to today's points.
    earned = q.points * b.score / b.max_score if b and b.max_score else 0.0
    return QuestionProgress(q.id, "code", q.points, earned, b.attempts if b else 0, b.last if b else None, hints)



"""A mock interview: a few concept questions, then coding, against a clock; then a report.

Plain objects and rules only: the terminal loop is grader/ui/interview_view.py, the
Markdown report grader/report/interview_md.py.  The clock is injected (``clock``), so a
test drives the countdown without sleeping.

Choosing the questions: concept questions are drawn with weight on the learner's weak
spots — a question missed last time weighs most, then one never answered, then one due
for review, and a learned one least (grader.learner.review).  Coding questions likewise:
started but never solved, then never started, then solved.  The draw is seeded, so
``--seed`` repeats an interview.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Optional

from grader.bank.loader import Bank
from grader.grading.results import is_full_marks
from grader.learner import review
from grader.report.reasons import case_reason

REPORT_VERSION = 1
Clock = Callable[[], float]

# Weights of the draw (relative).  Missed questions come back, solved ones rarely.
CONCEPT_WEIGHT = {"missed": 6.0, "new": 3.0, "due": 2.0, "waiting": 1.0, "learned": 0.5}
CODING_WEIGHT = {"unsolved": 6.0, "new": 3.0, "solved": 0.5}


@dataclass(frozen=True)
class InterviewPlan:
    topics: tuple[str, ...]
    concept: tuple[str, ...]
    coding: tuple[str, ...]
    minutes: float  # 0: no clock
    seed: int


def _concept_standing(qid: str, history: dict[str, list[tuple[float, bool]]], now: float) -> str:
    state = review.replay(history.get(qid, ()))
    if state is None:
        return "new"
    if state.box == 0:
        return "missed"
    if state.learned:
        return "learned"
    return "due" if state.is_due(now) else "waiting"


def _coding_standing(qid: str, best: dict[str, float]) -> str:
    if qid not in best:
        return "new"
    return "solved" if is_full_marks(best[qid], 1.0) else "unsolved"


def _weighted_sample(rng: random.Random, items: Sequence[str], weights: Sequence[float], k: int) -> list[str]:
    """``k`` distinct items, each draw in proportion to its weight (Efraimidis–Spirakis keys)."""
    keyed = sorted(((rng.random() ** (1.0 / w), item) for item, w in zip(items, weights)), reverse=True)
    return [item for _, item in keyed[:k]]


def default_coding_count(minutes: float) -> int:
    """One coding question in a short round, two in a long one (as real rounds go)."""
    return 2 if minutes >= 45 else 1


def plan_interview(
    *,
    bank: Bank,
    topics: Sequence[str] = (),
    minutes: float = 30.0,
    seed: Optional[int] = None,
    quiz_history: Optional[dict[str, list[tuple[float, bool]]]] = None,
    best_fraction: Optional[dict[str, float]] = None,
    concept_count: int = 4,
    coding_count: Optional[int] = None,
    coding: Optional[Sequence[str]] = None,
    now: Optional[float] = None,
) -> InterviewPlan:
    """The questions of one interview over ``topics`` (every topic when empty).
    ``coding`` fixes the coding questions (`--code ID=PATH`) instead of drawing them."""
    seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
    rng = random.Random(seed)
    now = time.time() if now is None else now
    history, best = quiz_history or {}, best_fraction or {}
    wanted = tuple(topics) or tuple(bank.topic_names())
    quiz_ids = [q.id for t in wanted for q in bank.by_topic(t, kind="quiz")]
    code_ids = [q.id for t in wanted for q in bank.by_topic(t, kind="code")]
    concept = _weighted_sample(rng, quiz_ids, [CONCEPT_WEIGHT[_concept_standing(q, history, now)] for q in quiz_ids], concept_count)
    if coding is None:
        n_code = default_coding_count(minutes) if coding_count is None else coding_count
        coding = _weighted_sample(rng, code_ids, [CODING_WEIGHT[_coding_standing(q, best)] for q in code_ids], n_code)
    return InterviewPlan(topics=wanted, concept=tuple(concept), coding=tuple(coding), minutes=minutes, seed=seed)


@dataclass
class ConceptAnswer:
    id: str
    given: Optional[str]  # the letter, None when skipped or out of time
    right: str
    correct: bool
    seconds: float


@dataclass
class CodingAnswer:
    id: str
    file: str
    score: float
    max_score: float
    seconds: float
    graded: bool  # False when the grader could not run (the reason is in ``problem``)
    timed_out: bool  # graded as it stood when the time ran out
    mistakes: list[str] = field(default_factory=list)  # named known mistakes, in case order
    cases_passed: int = 0
    cases_total: int = 0
    first_failure: str = ""  # why the first failing case failed (English, without the mistake's name)
    problem: str = ""


@dataclass
class StudyItem:
    kind: str  # "correction" (a claim of the source, S1..S14) | "practice" | "quiz"
    target: str  # claim id or question id
    because: str  # the question id whose miss points here


@dataclass
class InterviewReport:
    plan: InterviewPlan
    started: float  # epoch seconds
    seconds: float
    finished: bool  # False: stopped early (Ctrl-C) — a partial report
    concept: list[ConceptAnswer] = field(default_factory=list)
    coding: list[CodingAnswer] = field(default_factory=list)
    study: list[StudyItem] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(1.0 for a in self.concept if a.correct) + sum(c.score / c.max_score for c in self.coding if c.max_score > 0)

    @property
    def max_score(self) -> float:
        """One point per concept question and per coding question asked (or planned)."""
        return float(len(self.plan.concept) + len(self.plan.coding))

    def to_json(self) -> dict:
        data = {
            "version": REPORT_VERSION,
            "started": self.started,
            "seconds": round(self.seconds, 3),
            "finished": self.finished,
            "score": round(self.score, 6),
            "max_score": self.max_score,
            "plan": {**asdict(self.plan), "topics": list(self.plan.topics), "concept": list(self.plan.concept), "coding": list(self.plan.coding)},
            "concept": [asdict(a) for a in self.concept],
            "coding": [asdict(c) for c in self.coding],
            "study": [asdict(s) for s in self.study],
        }
        for a in data["concept"]:
            a["seconds"] = round(a["seconds"], 3)
        for c in data["coding"]:
            c["seconds"] = round(c["seconds"], 3)
        return data


class InterviewSession:
    """The state of one running interview: what was answered, when, and the clock."""

    def __init__(self, *, plan: InterviewPlan, bank: Bank, clock: Clock = time.monotonic, wall: Clock = time.time):
        self.plan, self.bank, self.clock = plan, bank, clock
        self.started_wall = wall()
        self.start = clock()
        self._mark = self.start
        self.concept: list[ConceptAnswer] = []
        self.coding: list[CodingAnswer] = []

    # -- the clock
    @property
    def deadline(self) -> Optional[float]:
        return self.start + self.plan.minutes * 60.0 if self.plan.minutes > 0 else None

    def remaining(self) -> Optional[float]:
        """Seconds left (never below 0), or None without a clock."""
        if self.deadline is None:
            return None
        return max(0.0, self.deadline - self.clock())

    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0.0

    def _lap(self) -> float:
        now = self.clock()
        spent, self._mark = now - self._mark, now
        return max(0.0, spent)

    def restart_lap(self) -> None:
        """Start timing the next question now (time spent reading a report doesn't count)."""
        self._mark = self.clock()

    # -- answers
    def answer_concept(self, qid: str, given: Optional[str]) -> ConceptAnswer:
        q = self.bank.get(qid)
        answer = ConceptAnswer(id=qid, given=given, right=q.answer, correct=given == q.answer, seconds=self._lap())
        self.concept.append(answer)
        return answer

    def answer_coding(self, qid: str, file: str, result, *, timed_out: bool = False, problem: str = "") -> CodingAnswer:
        """Record the grade of a coding question: ``result`` is a QuestionResult, or None
        when the grader could not run (``problem`` says why)."""
        seconds = self._lap()
        if result is None:
            answer = CodingAnswer(id=qid, file=file, score=0.0, max_score=self.bank.get(qid).points, seconds=seconds,
                                  graded=False, timed_out=timed_out, problem=problem)
        else:
            failed = [c for c in result.cases if c.status != "passed"]
            mistakes = list(dict.fromkeys(c.mistake for c in result.cases if c.mistake))
            answer = CodingAnswer(
                id=qid, file=file, score=result.score, max_score=result.max_score, seconds=seconds, graded=True,
                timed_out=timed_out, mistakes=mistakes, cases_passed=len(result.cases) - len(failed),
                cases_total=len(result.cases), first_failure=case_reason(failed[0]) if failed else "",
                problem=result.problem or "",
            )
        self.coding.append(answer)
        return answer

    # -- the end
    def report(self, *, finished: bool) -> InterviewReport:
        return InterviewReport(
            plan=self.plan, started=self.started_wall, seconds=self.clock() - self.start, finished=finished,
            concept=list(self.concept), coding=list(self.coding), study=study_list(self.bank, self.concept, self.coding),
        )


def study_list(bank: Bank, concept: Sequence[ConceptAnswer], coding: Sequence[CodingAnswer]) -> list[StudyItem]:
    """What to study next, per miss: the corrections the missed question covers, the coding
    questions of its topic not yet passed here, and for code, the question itself again."""
    items: list[StudyItem] = []
    seen: set[tuple[str, str]] = set()

    def add(kind: str, target: str, because: str) -> None:
        if (kind, target) not in seen:
            seen.add((kind, target))
            items.append(StudyItem(kind=kind, target=target, because=because))

    passed_code = {c.id for c in coding if is_full_marks(c.score, c.max_score)}
    for answer in concept:
        if answer.correct:
            continue
        q = bank.get(answer.id)
        for claim in q.corrects:
            add("correction", claim, q.id)
        add("quiz", q.id, q.id)
        for code in bank.by_topic(q.topic, kind="code"):
            if code.id not in passed_code and any(c in code.corrects for c in q.corrects):
                add("practice", code.id, q.id)
    for answer in coding:
        if answer.id in passed_code:
            continue
        q = bank.get(answer.id)
        add("practice", q.id, q.id)
        for claim in q.corrects:
            add("correction", claim, q.id)
    return items

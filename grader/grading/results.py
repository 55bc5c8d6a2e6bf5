"""Plain result objects of grading, and their JSON form (docs/contract.md: `grade --format json`).

A case ends with a ``Status`` and, unless it passed, a ``Reason`` (grader/grading/reasons.py):
its ``message`` is the English rendering of that reason, so the JSON's ``message`` and
``reason`` always agree.  A question the grader could not grade (its reference or checks are
broken, it is not a code question, the grader itself failed) carries a ``failure`` instead of
a score of the learner's: grade_submissions keeps such questions apart (GradeReport.failures)
so that they are never shown or recorded as an attempt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Optional

from grader.grading.marks import FULL_MARKS_EPSILON, is_full_marks  # noqa: F401 - re-exported: the rule's old home
from grader.grading.reasons import Reason

# Version of the grade JSON's shape, reason codes included: bumped when a field or code
# changes meaning or loses a parameter (new fields, codes and parameters do not).
RESULTS_VERSION = 2  # 1: the contract's first shape; 2: reason, errors and results_version added


class Status(str, Enum):
    """How a case ended; the values are the contract's JSON strings (a str, so that
    ``status == "passed"`` and f-strings keep working)."""

    PASSED = "passed"
    FAILED = "failed"  # it ran and returned a wrong value
    ERROR = "error"  # the learner's code raised (or could not be loaded)
    TIMEOUT = "timeout"
    FORBIDDEN = "forbidden"  # a banned API was used
    CRASHED = "crashed"  # the process died (signal, exit, memory)

    def __str__(self) -> str:
        return self.value

    def __format__(self, spec: str) -> str:
        return format(self.value, spec)


STATUSES = tuple(s.value for s in Status)


@dataclass
class CaseResult:
    name: str
    status: Status
    score: float
    max_score: float
    message: str = ""  # set from ``reason`` (see ``fail``); the English form of it
    mistake: Optional[str] = None
    reason: Optional[Reason] = None
    # Not in the JSON contract; for rendering.
    name_zh: Optional[str] = None
    description: Optional[str] = None
    description_zh: Optional[str] = None
    visible: bool = False
    explanation: Optional[dict] = None  # {en, zh} of the named mistake
    output: str = ""  # what the learner's code printed, truncated
    # Only for a failed visible case: its arguments' shapes, an excerpt of the expected value.
    inputs: str = ""
    expected: str = ""

    def __post_init__(self) -> None:
        self.status = Status(self.status)
        if self.reason is not None and not self.message:
            self._render()

    def fail(self, reason: Reason, *, mistake: Optional[str] = None, explanation: Optional[dict] = None) -> None:
        """End the case with ``reason``: its status, the named mistake, and the message."""
        self.status = Status(reason.status)
        self.score = 0.0
        self.reason = reason
        self.mistake = mistake
        self.explanation = explanation
        self._render()

    def passed(self) -> None:
        self.status, self.score, self.reason, self.message = Status.PASSED, self.max_score, None, ""

    def _render(self) -> None:
        from grader.report.reasons import case_message

        explanation = self.explanation.get("en") if self.explanation else None
        self.message = case_message(self.reason, "en", mistake=self.mistake, explanation=explanation)

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "status": self.status.value,
            "score": round(self.score, 6),
            "max_score": round(self.max_score, 6),
            "message": self.message,
            "mistake": self.mistake,
            "reason": self.reason.to_json() if self.reason is not None else None,
        }


@dataclass
class QuestionResult:
    id: str
    score: float
    max_score: float
    cases: list[CaseResult] = field(default_factory=list)
    file: Optional[str] = None
    seconds: float = 0.0
    # The grader could not grade this question: not the learner's doing (exit 2, never recorded).
    failure: Optional[Reason] = None

    @property
    def full_marks(self) -> bool:
        return self.failure is None and is_full_marks(self.score, self.max_score)

    @property
    def problem(self) -> Optional[str]:
        """The failure as one English line, or None."""
        if self.failure is None:
            return None
        from grader.report.reasons import render

        return render(self.failure, "en")

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "score": round(self.score, 6),
            "max_score": round(self.max_score, 6),
            "cases": [c.to_json() for c in self.cases],
        }

    def failure_json(self) -> dict:
        assert self.failure is not None
        return {"id": self.id, "message": self.problem, "reason": self.failure.to_json()}


@dataclass
class GradeReport:
    questions: list[QuestionResult] = field(default_factory=list)
    # Questions the grader could not grade; none of their points count on either side.
    failures: list[QuestionResult] = field(default_factory=list)
    # The kernel confinement the submissions ran under (grader.sandbox.isolation), when known.
    isolation: Optional[dict] = None

    @property
    def score(self) -> float:
        return sum(q.score for q in self.questions)

    @property
    def max_score(self) -> float:
        return sum(q.max_score for q in self.questions)

    @property
    def full_marks(self) -> bool:
        """Every question graded and every one at full marks (nothing graded is not full marks)."""
        return bool(self.questions) and not self.failures and all(q.full_marks for q in self.questions)

    @property
    def problems(self) -> list[str]:
        return [f"{q.id}: {q.problem}" for q in self.failures]

    def to_json(self) -> dict:
        return {
            "results_version": RESULTS_VERSION,
            "score": round(self.score, 6),
            "max_score": round(self.max_score, 6),
            "questions": [q.to_json() for q in self.questions],
            "errors": [q.failure_json() for q in self.failures],
            **({"isolation": self.isolation} if self.isolation is not None else {}),
        }

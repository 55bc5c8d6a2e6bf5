"""Plain result objects of grading, and their JSON form (SPEC: `grade --format json`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

STATUSES = ("passed", "failed", "error", "timeout", "forbidden", "crashed")


@dataclass
class CaseResult:
    name: str
    status: str
    score: float
    max_score: float
    message: str = ""
    mistake: Optional[str] = None
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

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "status": self.status,
            "score": round(self.score, 6),
            "max_score": round(self.max_score, 6),
            "message": self.message,
            "mistake": self.mistake,
        }


@dataclass
class QuestionResult:
    id: str
    score: float
    max_score: float
    cases: list[CaseResult] = field(default_factory=list)
    file: Optional[str] = None
    seconds: float = 0.0
    problem: Optional[str] = None  # the question itself is broken (bank's fault, not the learner's)

    @property
    def full_marks(self) -> bool:
        return self.max_score > 0 and abs(self.score - self.max_score) < 1e-9

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "score": round(self.score, 6),
            "max_score": round(self.max_score, 6),
            "cases": [c.to_json() for c in self.cases],
        }


@dataclass
class GradeReport:
    questions: list[QuestionResult] = field(default_factory=list)

    @property
    def score(self) -> float:
        return sum(q.score for q in self.questions)

    @property
    def max_score(self) -> float:
        return sum(q.max_score for q in self.questions)

    @property
    def full_marks(self) -> bool:
        return all(q.full_marks for q in self.questions)

    @property
    def problems(self) -> list[str]:
        return [f"{q.id}: {q.problem}" for q in self.questions if q.problem]

    def to_json(self) -> dict:
        return {
            "score": round(self.score, 6),
            "max_score": round(self.max_score, 6),
            "questions": [q.to_json() for q in self.questions],
        }

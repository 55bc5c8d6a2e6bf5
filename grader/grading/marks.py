"""The full-marks rule, alone in a module of its own: `list`, `practice` and `progress` need it
without importing the results and reasons of grading (grader.grading.results re-exports it)."""

from __future__ import annotations

FULL_MARKS_EPSILON = 1e-9  # case points are fractions of a question's points: float noise is not a lost point


def is_full_marks(score: float, max_score: float) -> bool:
    """Whether ``score`` earns every point of ``max_score`` (the one copy of this rule)."""
    return max_score > 0 and max_score - score < FULL_MARKS_EPSILON

"""Grading a class: DIR/<student>/<id_with_underscores>.py, every file in its own process.

``grade_class`` finds the submissions, grades them on a pool of threads that share one
zygote (each submission still runs in a child process of its own, with its own limits,
so one student's crash, hang or memory bomb costs only that student's case), and returns
a ``ClassReport``.  It never raises for anything a student submitted.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

from grader.bank.loader import Bank
from grader.bank.schema import CodeQuestion
from grader.grading import snapshot
from grader.grading.parallel import in_threads, sandbox
from grader.grading.results import GradeReport, QuestionResult
from grader.report.safe_text import escaped


@dataclass
class StudentResult(GradeReport):
    """One student's questions: a grade report with a name."""

    student: str = ""

    def to_json(self) -> dict:
        return {"student": self.student, **super().to_json()}


@dataclass
class ClassReport:
    students: list[StudentResult] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # files that are no question's
    seconds: float = 0.0
    isolation: Optional[dict] = None  # the kernel confinement the submissions ran under

    @property
    def full_marks(self) -> bool:
        return all(q.full_marks for s in self.students for q in s.questions)

    def rows(self) -> list[tuple[str, str, float, float]]:
        """The CSV rows of docs/contract.md: student, question, score, max_score — one per file found."""
        return [(s.student, q.id, q.score, q.max_score) for s in self.students for q in s.questions]

    def to_json(self) -> dict:
        return {
            "score": round(sum(s.score for s in self.students), 6),
            "max_score": round(sum(s.max_score for s in self.students), 6),
            "students": [s.to_json() for s in self.students],
            "ignored": self.ignored,
            **({"isolation": self.isolation} if self.isolation is not None else {}),
        }


def find_submissions(*, bank: Bank, folder: Path, question_ids: Optional[Iterable[str]] = None) -> tuple[list[tuple[str, str, Path]], list[str]]:
    """(student, question id, file) for each submission, and the files that match no question.

    A student's file is ``<student>/<id_with_underscores>.py``; the workspace layout
    ``<student>/<topic>/<id_with_underscores>.py`` is accepted too.
    """
    wanted = set(question_ids) if question_ids is not None else None
    by_stem = {q.file_stem: q for q in bank.questions.values() if isinstance(q, CodeQuestion)}
    found: list[tuple[str, str, Path]] = []
    ignored: list[str] = []
    for student_dir in sorted(p for p in folder.iterdir() if not p.name.startswith((".", "_"))):
        if not student_dir.is_dir():
            ignored.append(escaped(student_dir.name))
            continue
        seen: set[str] = set()
        for path in sorted(student_dir.glob("*.py")) + sorted(student_dir.glob("*/*.py")):
            q = by_stem.get(path.stem)
            if q is None or q.id in seen or path.parent not in (student_dir, student_dir / q.topic):
                ignored.append(escaped(f"{student_dir.name}/{path.relative_to(student_dir)}"))
                continue
            seen.add(q.id)
            if wanted is None or q.id in wanted:
                found.append((escaped(student_dir.name), q.id, path))
    return found, ignored


def _grade_one(bank: Bank, zygote: Any, qid: str, path: Path) -> QuestionResult:
    from grader.grading.engine import grade_question

    # Never raises: an unreadable file is in the cases, a failure of the grader in ``failure``.
    return grade_question(question=bank.questions[qid], submission=path, bank=bank, zygote=zygote)


def grade_class(
    *,
    bank: Bank,
    folder: Path,
    question_ids: Optional[Iterable[str]] = None,
    workers: Optional[int] = None,
    zygote: Any = None,
    progress: Optional[Callable[[str], None]] = None,
    submissions: Optional[list[tuple[str, str, Path]]] = None,
) -> ClassReport:
    """Grade every submission in ``folder`` (or the given ``submissions``) on ``workers``
    threads (default: one per core); ``progress`` hears "student question" as each ends."""
    started = time.monotonic()
    ignored: list[str] = []
    if submissions is None:
        submissions, ignored = find_submissions(bank=bank, folder=folder, question_ids=question_ids)
    from grader.grading.source import SOURCE_LIMIT

    # Every file in memory before the first worker starts (grader.grading.snapshot).
    with snapshot.preloaded([path for _, _, path in submissions], SOURCE_LIMIT), sandbox(zygote) as z:
        from grader.grading.engine import load_solution

        for qid in dict.fromkeys(qid for _, qid, _ in submissions):
            try:
                load_solution(bank.solution_path(qid), qid)  # once, before the threads
            except Exception:  # noqa: BLE001 - grade_question turns it into a result
                pass

        def work(item: tuple[str, str, Path]) -> QuestionResult:
            result = _grade_one(bank, z, item[1], item[2])
            if progress is not None:
                progress(f"{item[0]} {item[1]}")
            return result

        results = in_threads(work, submissions, workers)
    by_student: dict[str, StudentResult] = {}
    for (student, _qid, _path), result in zip(submissions, results):
        by_student.setdefault(student, StudentResult(student=student)).questions.append(result)
    students = every_student(bank=bank, folder=folder, graded=by_student, question_ids=question_ids)
    return ClassReport(students=students, ignored=ignored, seconds=time.monotonic() - started)


def student_folders(folder: Path) -> list[str]:
    """Every student's folder name, as find_submissions walks them."""
    return sorted(escaped(p.name) for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def every_student(*, bank: Bank, folder: Path, graded: dict[str, StudentResult], question_ids: Optional[Iterable[str]]) -> list[StudentResult]:
    """One result per student folder, each over the same questions (those named, else every
    question anyone submitted), so that all share one denominator: a question a student
    did not submit scores 0 of its points, with the reason "no file", and a folder with no
    file at all is listed rather than dropped."""
    from grader.grading.engine import missing_file_result
    from grader.grading.reasons import reason

    submitted = {q.id for s in graded.values() for q in s.questions}
    wanted = list(question_ids) if question_ids is not None else [q.id for q in bank.by_topic(kind="code") if q.id in submitted]
    names = sorted(set(student_folders(folder)) | set(graded)) if folder.is_dir() else sorted(graded)
    students = []
    for name in names:
        mine = {q.id: q for q in graded.get(name, StudentResult(student=name)).questions}
        for qid in wanted:
            if qid not in mine:
                q = bank.questions[qid]
                expected = folder / name / f"{q.file_stem}.py"
                mine[qid] = missing_file_result(q, expected, reason("missing-file", file=f"{q.file_stem}.py"))
        students.append(StudentResult(student=name, questions=[mine[qid] for qid in wanted] + [r for qid, r in mine.items() if qid not in wanted]))
    return students

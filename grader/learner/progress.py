"""The learner's progress: graded attempts, quiz answers and hints, in SQLite.

One database under the user's data directory (or $LLAMAPREP_HOME).  WAL journaling and
one short transaction per record: a run killed mid-write loses nothing already
committed, and two runs at once wait for each other instead of corrupting the file.
The schema is versioned with PRAGMA user_version; MIGRATIONS upgrades older files.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple, Optional

MIGRATIONS = [
    """
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY,
        question TEXT NOT NULL,
        at REAL NOT NULL,
        score REAL NOT NULL,
        max_score REAL NOT NULL,
        hints_used INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX attempts_question ON attempts(question);
    CREATE TABLE quiz_answers (
        id INTEGER PRIMARY KEY,
        question TEXT NOT NULL,
        at REAL NOT NULL,
        answer TEXT NOT NULL,
        correct INTEGER NOT NULL
    );
    CREATE TABLE hints (
        question TEXT PRIMARY KEY,
        shown INTEGER NOT NULL
    );
    """,
    # v2: when a hint was last revealed (the "last activity" of `llamaprep progress`).
    """
    ALTER TABLE hints ADD COLUMN at REAL NOT NULL DEFAULT 0;
    CREATE INDEX quiz_answers_question ON quiz_answers(question);
    """,
    # v3: mock interviews (`llamaprep interview`): one row per session, its report as JSON.
    """
    CREATE TABLE interviews (
        id INTEGER PRIMARY KEY,
        started REAL NOT NULL,
        seconds REAL NOT NULL,
        score REAL NOT NULL,
        max_score REAL NOT NULL,
        finished INTEGER NOT NULL,
        report TEXT NOT NULL
    );
    """,
]


class ProgressError(Exception):
    """The progress store cannot be used (read-only, full, corrupt): a one-line reason."""


def data_dir() -> Path:
    home = os.environ.get("LLAMAPREP_HOME")
    if home:
        return Path(home)
    if sys.platform.startswith("linux"):
        # platformdirs' rule for Linux, without importing it: it brings tempfile and random
        # (~5 ms on every command); tests check both agree
        xdg = os.environ.get("XDG_DATA_HOME", "").strip()
        if not os.path.isabs(xdg):  # unset, blank or relative: ignored, as the XDG spec says
            xdg = os.path.expanduser("~/.local/share")
        return Path(xdg) / "llamaprep"
    from platformdirs import user_data_dir

    return Path(user_data_dir("llamaprep", appauthor=False))


# Records read back from the store, immutable: NamedTuples, which cost a quarter of a
# dataclass to define (~0.2 ms against ~0.8 ms each, on every command's start).
class Best(NamedTuple):
    score: float
    max_score: float
    attempts: int
    last: float


class QuizRecord(NamedTuple):
    answers: int
    ever_correct: bool
    last: float


class InterviewRecord(NamedTuple):
    number: int
    started: float
    seconds: float
    score: float
    max_score: float
    finished: bool  # False: ended by Ctrl-C before the last question
    report: str  # the report's JSON


class Activity(NamedTuple):
    kind: str  # grade | quiz | hint
    question: str
    at: float
    score: Optional[float]
    max_score: Optional[float]


def _set_wal(conn: sqlite3.Connection) -> None:
    """WAL lets readers and one writer work at once.  Switching modes needs a moment with
    no other connection; two processes opening a new file together may see 'locked'."""
    for attempt in range(50):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == 49:
                raise
            time.sleep(0.05)


class Progress:
    def __init__(self, path: Optional[Path] = None):
        self.path = path or data_dir() / "progress.sqlite3"
        self._conn: Optional[sqlite3.Connection] = None

    def _connect(self) -> sqlite3.Connection:
        if self._conn is None:
            conn = None
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
                _set_wal(conn)
                # FULL: a committed record survives even a power cut, not only a killed process;
                # we write a handful of rows per command, so the fsync is cheap.
                conn.execute("PRAGMA synchronous=FULL")
                self._migrate(conn)
            except (OSError, sqlite3.Error) as exc:
                if conn is not None:
                    conn.close()
                raise ProgressError(self._explain("cannot use", exc)) from None
            except ProgressError:
                if conn is not None:
                    conn.close()
                raise
            self._conn = conn
        return self._conn

    def _explain(self, what: str, exc: BaseException) -> str:
        """One line naming the file, what went wrong and what to do about it."""
        reason = getattr(exc, "strerror", None) or str(exc)
        if isinstance(exc, sqlite3.Error):
            text = str(exc).lower()
            if "readonly" in text or "unable to open" in text or "read-only" in text:
                reason += " (is the folder writable? set LLAMAPREP_HOME to move it)"
            elif "full" in text or "disk i/o" in text:
                reason += " (is the disk full?)"
            elif "not a database" in text or "malformed" in text:
                reason += " (the file is damaged; move it aside to start afresh)"
        elif isinstance(exc, OSError):
            reason += " (set LLAMAPREP_HOME to move it)"
        return f"{what} the progress file {self.path}: {reason}"

    @staticmethod
    def _migrate(conn: sqlite3.Connection) -> None:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise ProgressError(f"progress file is from a newer llamaprep (schema {version})")
        for number in range(version, len(MIGRATIONS)):
            conn.execute("BEGIN IMMEDIATE")
            try:
                if conn.execute("PRAGMA user_version").fetchone()[0] == number:
                    for statement in MIGRATIONS[number].split(";"):
                        if statement.strip():
                            conn.execute(statement)
                    conn.execute(f"PRAGMA user_version = {number + 1}")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # an I/O error may have rolled it back already
                    conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn
            conn.execute("COMMIT")
        except BaseException as exc:  # Ctrl-C included: never leave a transaction open
            if conn.in_transaction:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
            if isinstance(exc, sqlite3.Error):
                raise ProgressError(self._explain("cannot write", exc)) from None
            raise

    def _read(self, sql: str, params: tuple = ()) -> list[tuple]:
        try:
            return self._connect().execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise ProgressError(self._explain("cannot read", exc)) from None

    # -- records
    def record_attempt(self, question: str, score: float, max_score: float) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO attempts(question, at, score, max_score, hints_used) VALUES (?, ?, ?, ?, ?)",
                (question, time.time(), score, max_score, self._hints_shown(conn, question)),
            )

    def record_quiz(self, question: str, answer: str, correct: bool) -> None:
        with self._write() as conn:
            conn.execute(
                "INSERT INTO quiz_answers(question, at, answer, correct) VALUES (?, ?, ?, ?)",
                (question, time.time(), answer, int(correct)),
            )

    @staticmethod
    def _hints_shown(conn: sqlite3.Connection, question: str) -> int:
        row = conn.execute("SELECT shown FROM hints WHERE question = ?", (question,)).fetchone()
        return row[0] if row else 0

    def hints_shown(self, question: str) -> int:
        rows = self._read("SELECT shown FROM hints WHERE question = ?", (question,))
        return rows[0][0] if rows else 0

    def reveal_hint(self, question: str, total: int) -> int:
        """Count one more hint as shown (up to ``total``); returns how many are shown now."""
        with self._write() as conn:
            shown = min(total, self._hints_shown(conn, question) + 1)
            conn.execute(
                "INSERT INTO hints(question, shown, at) VALUES (?, ?, ?) "
                "ON CONFLICT(question) DO UPDATE SET shown = excluded.shown, at = excluded.at",
                (question, shown, time.time()),
            )
        return shown

    # -- queries
    def best(self) -> dict[str, Best]:
        rows = self._read(
            "SELECT question, MAX(score / max_score), max_score, COUNT(*), MAX(at) FROM attempts "
            "WHERE max_score > 0 GROUP BY question"
        )
        return {q: Best(score=frac * mx, max_score=mx, attempts=n, last=last) for q, frac, mx, n, last in rows}

    def quiz_best(self) -> dict[str, QuizRecord]:
        """Per quiz question: answered how often, ever right, and when last."""
        rows = self._read("SELECT question, COUNT(*), MAX(correct), MAX(at) FROM quiz_answers GROUP BY question")
        return {q: QuizRecord(answers=n, ever_correct=bool(right), last=last) for q, n, right, last in rows}

    def quiz_history(self) -> dict[str, list[tuple[float, bool]]]:
        """Per quiz question, its answers ``(at, correct)`` in time order (spaced repetition)."""
        history: dict[str, list[tuple[float, bool]]] = {}
        for question, at, correct in self._read("SELECT question, at, correct FROM quiz_answers ORDER BY at, id"):
            history.setdefault(question, []).append((at, bool(correct)))
        return history

    def record_interview(self, *, started: float, seconds: float, score: float, max_score: float, finished: bool, report: str) -> int:
        """Store one interview (``report`` is its JSON); returns its number."""
        with self._write() as conn:
            cur = conn.execute(
                "INSERT INTO interviews(started, seconds, score, max_score, finished, report) VALUES (?, ?, ?, ?, ?, ?)",
                (started, seconds, score, max_score, int(finished), report),
            )
            return int(cur.lastrowid)

    def interviews(self) -> list[InterviewRecord]:
        """Past interviews, oldest first."""
        rows = self._read("SELECT id, started, seconds, score, max_score, finished, report FROM interviews ORDER BY started, id")
        return [InterviewRecord(number=n, started=st, seconds=sec, score=sc, max_score=mx, finished=bool(f), report=r) for n, st, sec, sc, mx, f, r in rows]

    def all_hints(self) -> dict[str, int]:
        return dict(self._read("SELECT question, shown FROM hints"))

    def last_activity(self) -> Optional[Activity]:
        """The most recent graded attempt, quiz answer or hint, whichever is latest."""
        rows = self._read(
            "SELECT kind, question, at, score, max_score FROM ("
            " SELECT 'grade' AS kind, question, at, score, max_score FROM attempts"
            " UNION ALL SELECT 'quiz', question, at, correct, 1 FROM quiz_answers"
            " UNION ALL SELECT 'hint', question, at, shown, NULL FROM hints WHERE at > 0"
            ") ORDER BY at DESC LIMIT 1"
        )
        if not rows:
            return None
        kind, question, at, score, max_score = rows[0]
        return Activity(kind=kind, question=question, at=at, score=score, max_score=max_score)

    def reset(self) -> None:
        """Forget everything recorded, in one transaction (the schema stays)."""
        with self._write() as conn:
            for table in ("attempts", "quiz_answers", "hints", "interviews"):
                conn.execute(f"DELETE FROM {table}")

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def best_scores(*, bank, progress: Progress) -> dict[str, Best]:
    """Best score per question for `list` and `practice`: graded attempts for code, and
    for a quiz item its points once answered right (0 while only answered wrong)."""
    scores = dict(progress.best())
    for qid, record in progress.quiz_best().items():
        q = bank.questions.get(qid)
        if q is not None:
            scores[qid] = Best(score=q.points if record.ever_correct else 0.0, max_score=q.points, attempts=record.answers, last=record.last)
    return scores

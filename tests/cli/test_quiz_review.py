"""Spaced repetition through the real `quiz`: what was missed comes back first."""

from __future__ import annotations

import os
import subprocess
import sys

from conftest import REPO
from grader.bank.loader import load_bank
from grader.learner.progress import Progress

CLI = [sys.executable, str(REPO / "cli.py")]


def first_question(topic: str) -> str:
    done = subprocess.run([*CLI, "quiz", topic, "--count", "1"], input="q\n", capture_output=True, text=True, timeout=120, env=os.environ)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_missed_question_comes_back_first_in_the_next_quiz():
    quizzes = load_bank().by_topic("gqa", kind="quiz")
    last = quizzes[-1]  # in bank order it would come last
    assert last.title.en not in first_question("gqa")
    Progress().record_quiz(quizzes[0].id, quizzes[0].answer, True)
    Progress().record_quiz(last.id, "Z", False)
    assert last.title.en in first_question("gqa")


def test_a_question_answered_right_waits_behind_new_ones():
    quizzes = load_bank().by_topic("rope", kind="quiz")
    first = quizzes[0]
    assert first.title.en in first_question("rope")
    Progress().record_quiz(first.id, first.answer, True)  # box 1: due again tomorrow
    assert first.title.en not in first_question("rope")

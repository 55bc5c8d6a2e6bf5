"""What `llamaprep practice` shows besides the question: the topic's background, when.

The topic's introduction and the source's claims beside the corrections answer most of the
topic's quiz.  They are shown on request (`--intro`), and on their own once per topic —
the first time one of its code questions is practised — provided the learner has already
answered every quiz question of the topic, so that nothing is given away.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from grader.bank.loader import Bank
from grader.learner.workspace import attempted


def background_due(*, bank: Bank, workspace: Path, topic: str, answered: Iterable[str]) -> bool:
    """Whether to show the topic's background unasked (see the module's docstring)."""
    if any(bank.questions[qid].topic == topic for qid in attempted(workspace, bank)):
        return False  # shown (or offered) the first time already
    done = set(answered)
    return all(q.id in done for q in bank.by_topic(topic, kind="quiz"))

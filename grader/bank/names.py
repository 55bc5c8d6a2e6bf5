"""Question ids for the names a user types: `grade rope rmsnorm-forward`, `export gradescope rope`.

A name is a question id or a topic; a topic stands for its code questions.  The learner's
`grade TOPIC` means the ones of that topic they started (``among``); an instructor's
names mean the whole topic.  Callers word the errors for their audience.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Optional

from grader.bank.loader import Bank, BankError


class UnknownName(BankError):
    """Neither a question id nor a topic of the bank."""

    def __init__(self, name: str):
        super().__init__(f"unknown question or topic {name!r} (see `llamaprep list`)")
        self.name = name


class NothingStarted(BankError):
    """A topic none of whose code questions is among the ones asked for."""

    def __init__(self, topic: str):
        super().__init__(f"no question of {topic!r} started yet (`llamaprep practice {topic}`)")
        self.topic = topic


def question_ids(bank: Bank, names: Iterable[str], among: Optional[Iterable[str]] = None) -> list[str]:
    """The ids named, in the order given, each once.  With ``among``, a topic gives only its
    code questions in it (NothingStarted when none is); raises UnknownName."""
    allowed = None if among is None else set(among)
    ids: list[str] = []
    for name in names:
        if name in bank.questions:
            ids.append(name)
        elif name in bank.topic_names():
            mine = [q.id for q in bank.by_topic(name, kind="code") if allowed is None or q.id in allowed]
            if allowed is not None and not mine:
                raise NothingStarted(name)
            ids.extend(mine)
        else:
            raise UnknownName(name)
    return list(dict.fromkeys(ids))

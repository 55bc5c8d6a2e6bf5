"""The source article's false claims beside the corrections: the at-a-glance rewrite.

Built from the bank (no torch): for each claim S1..S14, the first question that corrects
it supplies the quote, the correction and its sources; every question correcting it is
listed so the learner knows where to practise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Optional

from grader.bank.loader import Bank, Question
from grader.bank.schema import MYTH_IDS, Claim, Source, Text


@dataclass
class Correction:
    myth: str
    claim: Claim
    correction: Text
    sources: list[Source]
    questions: list[str] = field(default_factory=list)  # every question that corrects this claim
    topics: list[str] = field(default_factory=list)


def collect(bank: Bank, topic: Optional[str] = None) -> list[Correction]:
    found: dict[str, Correction] = {}
    place = {name: i for i, name in enumerate(bank.topic_names())}  # once, not per question
    # Code questions first: their corrections are the fullest; then bank order.
    for q in sorted(bank.questions.values(), key=lambda q: (q.kind != "code", place.get(q.topic, 99), q.id)):
        for claim in q.claims:
            entry = found.get(claim.myth)
            if entry is None and q.correction is not None:
                entry = found[claim.myth] = Correction(claim.myth, claim, q.correction, list(q.sources))
            if entry is not None:
                entry.questions.append(q.id)
                if q.topic not in entry.topics:
                    entry.topics.append(q.topic)
    ordered = [found[m] for m in MYTH_IDS if m in found]
    ordered += [c for m, c in found.items() if m not in MYTH_IDS]
    if topic is not None:
        ordered = [c for c in ordered if topic in c.topics]
    return ordered


def uncorrected(questions: Iterable[Question]) -> list[str]:
    """The source's claims S1..S14 (docs/myths.md) that none of ``questions`` corrects.  The
    schema makes a question's ``corrects`` the claims it quotes, each with a correction."""
    have = {m for q in questions for m in q.corrects}
    return [m for m in MYTH_IDS if m not in have]

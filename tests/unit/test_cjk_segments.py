"""grader.ui.cjk.segments looks for breaks only after spaces and beside wide characters (for
speed: it runs for every wrapped text); it must break exactly where the rule says, at every
position, for any mix of Latin, Chinese, punctuation and spaces."""

from __future__ import annotations

import random

from conftest import builtin_bank
from grader.ui import cjk


def by_the_rule(text: str) -> list[tuple[int, int]]:
    """The pieces, testing _can_break at every position."""
    cuts = [i for i in range(1, len(text)) if cjk._can_break(text[i - 1], text[i])]
    bounds = [0, *cuts, len(text)] if text else []
    return list(zip(bounds, bounds[1:]))


def test_random_mixes_break_where_the_rule_says():
    alphabet = list("ab cd\t\n\x1c，。（）「」——……’“”Meta 的模型中实现RoPE x") + ["\u3000", "é", "\u00a0", "😀"]
    rng = random.Random(0)
    for _ in range(5000):
        letters = alphabet[: rng.randint(1, len(alphabet))]  # from pure Latin to mostly Chinese
        text = "".join(rng.choice(letters) for _ in range(rng.randint(0, 40)))
        assert cjk.segments(text) == by_the_rule(text), repr(text)


def test_the_banks_texts_break_where_the_rule_says():
    for q in builtin_bank().questions.values():
        for text in (q.correction.en, q.correction.zh) if q.correction else ():
            assert cjk.segments(text) == by_the_rule(text), q.id

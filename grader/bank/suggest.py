"""Close matches for a mistyped name: `practice rope-aply-half` -> rope-apply-half."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def close_names(name: str, choices: Iterable[str], n: int = 3) -> list[str]:
    """Up to ``n`` of ``choices`` that ``name`` is probably a typo of, the closest first."""
    choices = list(dict.fromkeys(choices))
    near = difflib.get_close_matches(name, choices, n=n, cutoff=0.6)
    if not near:  # a prefix (`rope-apply`) or a part (`interleaved`) of a longer name
        near = [c for c in choices if len(name) >= 3 and (c.startswith(name) or name in c.split("-"))][:n]
    return near

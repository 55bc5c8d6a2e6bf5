"""The isolation a grading run had, as reports show it, and `--require-isolation`.

The object is the zygote's own (grader.sandbox.confine.Plan.report): the layers every
worker of the run was confined by, checked on a throw-away child before the first one.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Optional


class IsolationRequired(Exception):
    """Grading was asked for full confinement and this machine cannot give it."""


def isolation_of(zygote: Any) -> Optional[dict]:
    """The zygote's isolation report; None when there is no working zygote."""
    if zygote is None:
        return None
    try:
        return zygote.isolation()
    except Exception:  # noqa: BLE001 - a zygote already gone: the cases will say so
        return None


def require_full(isolation: Optional[dict]) -> None:
    """IsolationRequired, with the missing layers in one line, unless confinement is full."""
    if isolation is not None and isolation.get("level") == "full":
        return
    if isolation is None:
        raise IsolationRequired("--require-isolation: the grading sandbox did not start")
    missing = "; ".join(f"{layer}: {why}" for layer, why in isolation.get("missing", {}).items())
    raise IsolationRequired(
        f"--require-isolation: this machine gives only {isolation.get('level')} isolation ({missing or 'see llamaprep doctor'})"
    )


def summary(isolation: Optional[dict]) -> str:
    """One line for a table: "full: landlock 7 · seccomp · ..." or "basic (missing: ...)"."""
    if isolation is None:
        return "unknown (no sandbox)"
    text = f"{isolation.get('level')}: " + (" · ".join(isolation.get("layers", [])) or "rlimits and the audit hook only")
    missing = isolation.get("missing", {})
    if missing:
        text += " (missing: " + ", ".join(missing) + ")"
    return text


@contextmanager
def confined_zygote(*, require: bool = False) -> Iterator[tuple[Any, Optional[dict]]]:
    """A zygote for one grading run and its isolation report; IsolationRequired (before
    anything is graded) when ``require`` and confinement is not full.  (None, None) when no
    zygote can start: the grading functions then report that per question."""
    from grader.sandbox.zygote import Zygote

    try:
        zygote = Zygote()
    except Exception:  # noqa: BLE001 - grade_submissions turns a missing sandbox into results
        if require:
            raise IsolationRequired("--require-isolation: the grading sandbox did not start") from None
        yield None, None
        return
    try:
        isolation = isolation_of(zygote)
        if require:
            require_full(isolation)
        yield zygote, isolation
    finally:
        zygote.close()

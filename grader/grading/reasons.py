"""Why a case ended as it did, as data: a reason code and its parameters.

The grading core never writes sentences; it builds a ``Reason`` and grader/report/reasons.py
renders it in English (the JSON ``message``) or Chinese (the terminal table) from one
template per code and language.  ``CODES`` is the registry: each code's status and
parameters (``?`` marks a parameter that may be absent).  The grade JSON carries a reason
as ``{"code": ..., "params": {...}}``; docs/contract.md lists every code.

Parameter values are plain data: str, int, float, bool, None, lists of those, a value
description (``describe`` in grader/grading/compare.py: ``{"kind": "tensor", ...}``) or a
nested reason (``{"code": ..., "params": ...}``).  ``where`` is always a path into the
returned value: a list whose ints index outputs or elements and whose strs are dict keys.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Optional

from grader.report.safe_text import clean, one_line

# code: (status, parameters); "name?" is optional.
CODES: dict[str, tuple[str, tuple[str, ...]]] = {
    # comparison with the expected value (grader/grading/compare.py)
    "shape-mismatch": ("failed", ("got", "expected", "where?")),
    "dtype-mismatch": ("failed", ("got", "expected", "where?")),
    "max-abs-diff": ("failed", ("value", "index", "count", "total", "rtol", "atol", "where?")),
    "values-differ": ("failed", ("count", "total", "index", "where?")),
    "unexpected-nan": ("failed", ("index", "where?", "expected?")),
    "wrong-type": ("failed", ("expected", "got", "where?")),
    "not-a-sequence": ("failed", ("expected_type", "length", "got", "where?")),
    "length-mismatch": ("failed", ("expected", "got", "where?")),
    "not-a-dict": ("failed", ("got", "where?")),
    "keys-mismatch": ("failed", ("expected", "got", "where?")),
    "not-an-integer": ("failed", ("got", "where?", "expected?")),
    "not-a-number": ("failed", ("got", "where?")),
    "value-mismatch": ("failed", ("expected", "got", "where?")),
    "wrong-value": ("failed", ("got", "where?")),
    "wrong-number": ("failed", ("got", "rtol", "atol", "where?")),
    "unexpected-value": ("failed", ("where?",)),
    # property checks (the judge's sentence is the bank author's, in the author's language)
    "property-failed": ("failed", ("message",)),
    # grader.properties.mismatch, the judges' common helper; ``what`` is the author's label
    "property-not-a-tensor": ("failed", ("what", "got")),
    "property-shape": ("failed", ("what", "got", "expected")),
    "property-mismatch": ("failed", ("what", "value", "index")),
    "property-unchecked": ("failed", ("type", "message")),
    # the learner's code, reported by the child (grader/sandbox/worker.py)
    "not-implemented": ("error", ()),
    "syntax-error": ("error", ("line", "message")),
    "exception": ("error", ("type", "message?", "line?", "source?")),
    "sys-exit": ("error", ("code", "line?", "source?")),
    "output-limit": ("error", ("line?", "source?")),
    "missing-entry-point": ("error", ("name",)),
    "unreadable-result": ("error", ("type",)),
    "banned-api": ("forbidden", ("name", "line")),
    "banned-call": ("forbidden", ("name",)),
    # limits and the child process (grader/grading/engine.py)
    "timeout": ("timeout", ("limit_s",)),
    "question-timeout": ("timeout", ("limit_s",)),
    "load-timeout": ("timeout", ("limit_s",)),
    "load-question-timeout": ("timeout", ("limit_s",)),
    "time-used-up": ("timeout", ("limit_s",)),
    # the wall-clock backstop (grader/grading/clock.py): code that waits or sleeps uses no CPU time
    "backstop": ("timeout", ("limit_s", "wall_s", "cpu_s")),
    "load-backstop": ("timeout", ("limit_s", "wall_s", "cpu_s")),
    "file-too-large": ("error", ("size_mb", "limit_mb")),
    "spawn-failed": ("crashed", ("detail",)),
    "memory-limit": ("crashed", ("limit_mb",)),
    "killed-by-signal": ("crashed", ("signal",)),
    "exited": ("crashed", ("code",)),
    "process-died": ("crashed", ()),
    "malformed-reply": ("crashed", ("detail",)),
    "sandbox-lost": ("crashed", ("detail",)),
    # the submission's file
    "unreadable-file": ("error", ("path", "error")),
    "missing-file": ("error", ("file",)),
    # the grader failed, not the submission: a question's failure, never a learner's attempt
    "reference-unloadable": ("error", ("type", "message")),
    "reference-failed": ("error", ("case", "type", "message")),
    "property-setup-failed": ("error", ("property", "type", "message")),
    "not-graded": ("error", ("cause",)),
    "not-code-question": ("error", ("id", "kind", "topic")),
    "unknown-question": ("error", ("id",)),
    "internal-error": ("error", ("type", "message")),
    # appended to a case's own reason in the English message when its output matched a known mistake
    "known-mistake": ("failed", ("id", "explanation")),
}

# Codes the child may report; anything else from it is a malformed reply.
CHILD_CODES = frozenset(
    {"not-implemented", "syntax-error", "exception", "sys-exit", "output-limit", "missing-entry-point", "unreadable-result", "banned-api", "banned-call"}
)

# Reasons that mean the grader could not grade the question (exit 2, never recorded).
GRADER_FAILURES = frozenset(
    {"reference-unloadable", "reference-failed", "property-setup-failed", "not-code-question", "unknown-question", "internal-error"}
)
# Of those, the ones a fix of the bank cures (`llamaprep validate` finds them).
BANK_FAILURES = frozenset({"reference-unloadable", "reference-failed", "property-setup-failed"})


def sanitize(text: Any, limit: int = 500) -> str:
    """Untrusted text (from a child, or about its values), safe to print (the one rule of
    grader.report.safe_text) and of bounded length."""
    text = clean(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clean(value: Any) -> Any:
    if isinstance(value, str):  # a parameter is one line of a report: its breaks are folded
        return sanitize(one_line(value))
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value[:64]]
    if isinstance(value, dict):
        return {sanitize(k, 60): _clean(v) for k, v in value.items()}
    return value


def param_names(code: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(required, optional) parameter names of ``code``."""
    names = CODES[code][1]
    return tuple(n for n in names if not n.endswith("?")), tuple(n[:-1] for n in names if n.endswith("?"))


class ReasonError(ValueError):
    """A reason that does not match the registry (a bug in the grader, or a hostile child)."""


@dataclass(frozen=True)
class Reason:
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ReasonError(f"unknown reason code {self.code!r}")
        required, optional = param_names(self.code)
        given = {k for k, v in self.params.items() if v is not None}
        missing = set(required) - given
        extra = set(self.params) - set(required) - set(optional)
        if missing or extra:
            raise ReasonError(f"reason {self.code!r}: missing {sorted(missing)}, unexpected {sorted(extra)}")
        # Absent optional parameters are left out, so that templates and JSON agree; every
        # string is made printable here, whoever built the reason.
        params = {k: v if isinstance(v, Reason) else _clean(v) for k, v in self.params.items() if v is not None}
        object.__setattr__(self, "params", params)

    @property
    def status(self) -> str:
        return CODES[self.code][0]

    def to_json(self) -> dict:
        return {"code": self.code, "params": {k: _json_value(v) for k, v in self.params.items()}}

    @classmethod
    def from_json(cls, data: Any) -> Reason:
        if not isinstance(data, dict) or not isinstance(data.get("code"), str) or not isinstance(data.get("params", {}), dict):
            raise ReasonError("a reason is {code, params}")
        return cls(data["code"], dict(data.get("params", {})))


class ReasonText(str):
    """A reason that is also its English sentence: what grader.properties.mismatch returns,
    so that a judge written for strings (``return problem``, ``problem or ...``, an
    f-string) keeps working, while the engine still finds the reason (``.reason``)."""

    reason: Reason

    def __new__(cls, why: Reason) -> ReasonText:
        from grader.report.reasons import render

        text = super().__new__(cls, render(why, "en"))
        text.reason = why
        return text


def reason(code: str, /, **params: Any) -> Reason:
    """``reason("timeout", limit_s=5)``; positional-only, so that a parameter may be named ``code``."""
    return Reason(code, params)


def _json_value(value: Any) -> Any:
    """JSON has no NaN or infinity: such floats travel as the strings "nan", "inf", "-inf"."""
    if isinstance(value, Reason):
        return value.to_json()
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return [_json_value(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    return value


def nested(value: Any) -> Optional[Reason]:
    """A parameter that holds a reason (a Reason, or its JSON form), else None."""
    if isinstance(value, Reason):
        return value
    if isinstance(value, dict) and "code" in value and "params" in value:
        return Reason.from_json(value)
    return None


def not_gradable(question: Any) -> Optional[Reason]:
    """Why ``question`` (a bank question) cannot be graded from a file, or None: only code
    questions are; a quiz question is answered with `llamaprep quiz`."""
    if getattr(question, "kind", None) == "code":
        return None
    return reason("not-code-question", id=question.id, kind=question.kind, topic=question.topic)

"""Every schema problem of one bank file, for `llamaprep validate`.

Loading stops at a broken file's first problem ("... (+3 more)"), which is right for a
learner's command; an author fixing a file wants them all at once, and a misspelt key named
as such: `casse:` is "unknown key 'casse' — did you mean 'cases'?", not only "cases: Field
required".  ``schema_problems`` re-reads a file the loader refused and returns one line per
problem, ``file:line: field: problem``; None when the file is not a schema problem (it is
not YAML, or it validates), so the loader's own line stands.
"""

from __future__ import annotations

import typing
from pathlib import Path
from typing import Any, Optional

from grader.bank.loader import _display, _format_loc, _line_of, _yaml
from grader.bank.suggest import close_names

UNKNOWN = "Extra inputs are not permitted"
REQUIRED = "Field required"


def _model_for(path: Path, data: dict) -> Optional[type]:
    from grader.bank import schema

    if path.name == "_topic.yaml":
        return schema.Topic
    return {"code": schema.CodeQuestion, "quiz": schema.QuizQuestion}.get(data.get("kind", "code"))


def _inner(hint: Any) -> Any:
    """The model inside Optional[...], list[...] or dict[str, ...], if any."""
    from grader.bank import strict

    while not strict.is_model(hint):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if not args:
            return None
        hint = args[-1]
    return hint


def _keys_at(model: type, loc: tuple) -> list[str]:
    """The keys the model allows in the mapping at ``loc`` (a path of keys and indexes)."""
    from grader.bank import strict

    cls = model
    for step in loc:
        if isinstance(step, int):
            continue
        fields = strict.fields_of(cls)
        if step not in fields:
            return []
        cls = _inner(fields[step].hint)
        if cls is None:
            return []
    return list(strict.fields_of(cls))


def schema_problems(path: Path) -> Optional[list[str]]:
    from grader.bank import strict

    yaml, loader = _yaml()
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    model = _model_for(path, data) if isinstance(data, dict) else None
    if model is None:
        return None
    try:
        strict.validate(model, data)
        return None
    except strict.ValidationError as exc:
        errors = list(exc.errors)
    node = yaml.compose(text, Loader=loader)
    name = _display(path)

    def line(loc: tuple, message: str) -> str:
        return f"{name}:{_line_of(node, loc) if node is not None else 1}: {_format_loc(loc)}: {message}"

    required = {loc for loc, msg in errors if msg == REQUIRED}
    covered: set[tuple] = set()  # required fields a misspelt key stands for
    lines: list[str] = []
    for loc, msg in errors:
        if msg != UNKNOWN:
            continue
        parent, key = loc[:-1], str(loc[-1])
        allowed = _keys_at(model, parent)
        missing = [k for k in allowed if parent + (k,) in required]
        near = close_names(key, missing) or close_names(key, allowed)
        if near:
            guess = near[0]
            also = " (a required field, missing)" if parent + (guess,) in required else ""
            lines.append(line(loc, f"unknown key {key!r}: did you mean {guess!r}{also}?"))
            covered.add(parent + (guess,))
        else:
            lines.append(line(loc, f"unknown key {key!r}; the keys here are: {', '.join(allowed)}"))
    for loc, msg in errors:
        if msg == UNKNOWN or (msg == REQUIRED and loc in covered):
            continue
        lines.append(line(loc, msg))
    return sorted(lines, key=lambda text: int(text.split(":")[1]) if text.split(":")[1].isdigit() else 0)

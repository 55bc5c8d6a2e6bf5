"""Loading the question bank: YAML files -> validated question objects (no torch).

Errors name the file, the line and the field, e.g.
``questions/rope/rope-x.yaml:12: grading.cases[2].args: field required``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Optional, Union

if TYPE_CHECKING:
    import yaml

    from grader.bank.cache import BankCache
    from grader.bank.schema import Question, Topic


def __getattr__(name: str):
    """`from grader.bank.loader import Question` without building the schema until it is used:
    `llamaprep --help` and shell completion never need it."""
    if name in ("Question", "Topic"):
        from grader.bank import schema

        return getattr(schema, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _yaml():
    """PyYAML and its loader, imported on the first parse: a bank served whole by the cache
    (grader.bank.cache) needs neither.  libyaml when available: ten times faster than the
    pure-Python parser."""
    import yaml

    return yaml, getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class BankError(Exception):
    """A broken bank: the message is one line naming file, line and field."""


def builtin_bank_dir() -> Path:
    """The bank shipped with the package (wheel) or beside it (source checkout)."""
    package = Path(__file__).resolve().parent.parent  # grader/
    installed = package / "_bank"
    if (installed / "questions").is_dir():
        return installed
    return package.parent


@dataclass
class Bank:
    questions: dict[str, Question] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    paths: dict[str, Path] = field(default_factory=dict)  # id -> YAML path
    roots: dict[str, Path] = field(default_factory=dict)  # id -> bank root

    def get(self, qid: str) -> Question:
        try:
            return self.questions[qid]
        except KeyError:
            raise BankError(f"unknown question id {qid!r} (see `llamaprep list`)") from None

    def by_topic(self, topic: Optional[str] = None, kind: Optional[str] = None) -> list[Question]:
        out = [q for q in self.questions.values() if (topic is None or q.topic == topic) and (kind is None or q.kind == kind)]
        return sorted(out, key=lambda q: (TOPIC_ORDER.get(q.topic, 99), q.kind != "code", self._order(q)))

    def _order(self, q: Question) -> tuple:
        return ({"easy": 0, "medium": 1, "hard": 2}[q.difficulty], q.id)

    def stub_path(self, qid: str) -> Path:
        q = self.get(qid)
        return self.paths[qid].parent / f"{q.file_stem}.py"

    def solution_path(self, qid: str) -> Path:
        q = self.get(qid)
        return self.roots[qid] / "solutions" / q.topic / f"{q.file_stem}.py"

    def topic_names(self) -> list[str]:
        names = {q.topic for q in self.questions.values()} | set(self.topics)
        return sorted(names, key=lambda t: (TOPIC_ORDER.get(t, 99), t))


TOPIC_ORDER = {"rope": 0, "rmsnorm": 1, "gqa": 2, "llama": 3}


def _line_of(node: yaml.Node, loc: Iterable[Union[str, int]]) -> int:
    """1-based line of the YAML node at an error location (best effort)."""
    yaml, _ = _yaml()
    line = node.start_mark.line + 1
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if getattr(k, "value", None) == key), None)
            if match is None:
                break
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _format_loc(loc: Iterable[Union[str, int]]) -> str:
    out = ""
    for key in loc:
        if isinstance(key, int):
            out += f"[{key}]"
        else:
            out += ("." if out else "") + str(key)
    return out or "(top level)"


def _display(path: Path) -> str:
    """Relative to the current folder when inside it, else absolute."""
    path = Path(path).absolute()
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def parse_file(path: Path, model: type) -> object:
    """Parse one YAML file into ``model``; BankError names the file, line and field."""
    from grader.bank import schema, strict

    yaml, loader = _yaml()
    name = _display(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BankError(f"{name}: cannot read: {exc}") from None
    try:
        data = yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise BankError(f"{name}{where}: not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise BankError(f"{name}:1: expected a mapping of fields at the top level")
    try:
        if model is schema.Question:
            return _question_model(data)
        return strict.validate(model, data)
    except strict.ValidationError as exc:
        loc, msg = exc.errors[0]
        node = yaml.compose(text, Loader=loader)  # only now: line numbers cost a second parse
        line = _line_of(node, loc) if node is not None else 1
        more = f" (+{len(exc.errors) - 1} more)" if len(exc.errors) > 1 else ""
        raise BankError(f"{name}:{line}: {_format_loc(loc)}: {msg}{more}") from None


def _question_model(data: dict) -> Question:
    """A code question or a quiz, by its `kind` (code when absent)."""
    from grader.bank import strict
    from grader.bank.schema import CodeQuestion, QuizQuestion

    kind = data.get("kind", "code")
    if kind == "quiz":
        return strict.validate(QuizQuestion, data)
    if kind == "code":
        return strict.validate(CodeQuestion, data)
    raise strict.ValidationError([(("kind",), "Input should be 'code' or 'quiz'")])


def load_question(path: Path) -> Question:
    from grader.bank.schema import Question

    return _placed(path, parse_file(path, Question))


def _placed(path: Path, q: Question) -> Question:
    """``q`` after checking that its id matches its file name and folder."""
    if path.stem != q.id:
        raise BankError(f"{_display(path)}:1: id: {q.id!r} does not match the file name {path.name!r}")
    if path.parent.name != q.topic:
        raise BankError(f"{_display(path)}:1: id: topic {q.topic!r} does not match the folder {path.parent.name!r}")
    return q


def _load_cached(path: Path, model: type, cache: BankCache) -> object:
    """parse_file, or the validated content the cache holds for the unchanged file."""
    from grader.bank.schema import CodeQuestion, Question, QuizQuestion

    path = path.absolute()
    try:
        st = path.stat()
    except OSError:
        return parse_file(path, model)  # which names the file and the reason
    obj = cache.get(path, st)
    if obj is None or not isinstance(obj, (CodeQuestion, QuizQuestion) if model is Question else model):
        obj = parse_file(path, model)
        cache.put(path, st, obj)
    return obj


def load_bank(extra: Iterable[Union[str, Path]] = (), *, builtin: bool = True, errors: Optional[list[tuple[Path, str]]] = None) -> Bank:
    """Every question and topic of the built-in bank (unless ``builtin`` is False) and of the
    extra bank folders; files unchanged since a previous load come from the cache.

    A broken file raises BankError, unless ``errors`` is given: then each broken file or
    folder is recorded there as (path, one-line message) and skipped, so that `llamaprep
    validate` reports every problem at once."""
    from grader.bank.cache import BankCache

    cache = BankCache.open()
    bank = _load_bank(extra, builtin, cache, errors)
    cache.save()
    return bank


def _load_bank(extra: Iterable[Union[str, Path]], builtin: bool, cache: BankCache, errors: Optional[list[tuple[Path, str]]]) -> Bank:
    from grader.bank.schema import Question, Topic

    def broken(path: Path, message: str) -> None:
        if errors is None:
            raise BankError(message)
        errors.append((path, message))

    bank = Bank()
    roots = ([builtin_bank_dir()] if builtin else []) + [Path(p) for p in extra]
    for root in roots:
        qdir = root / "questions"
        if not qdir.is_dir():
            broken(root, f"{_display(root)}: not a bank (no questions/ folder inside)")
            continue
        for path in sorted(qdir.glob("*/*.yaml")):
            try:
                if path.name.startswith("_"):
                    if path.name == "_topic.yaml":
                        t = _load_cached(path, Topic, cache)
                        bank.topics.setdefault(t.topic, t)
                    continue
                q = _placed(path, _load_cached(path, Question, cache))
            except BankError as exc:
                broken(path, str(exc))
                continue
            if q.id in bank.questions:
                broken(path, f"{_display(path)}:{_id_line(path)}: id: {q.id!r} already defined in {_display(bank.paths[q.id])}")
                continue
            bank.questions[q.id] = q
            bank.paths[q.id] = path
            bank.roots[q.id] = root
    return bank


def _id_line(path: Path) -> int:
    """The line of a file's `id:` (only read when reporting a duplicate)."""
    yaml, loader = _yaml()
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return 1
    return _line_of(node, ["id"]) if node is not None else 1


def extra_banks_from_env() -> list[str]:
    value = os.environ.get("LLAMAPREP_BANK", "")
    return [p for p in value.split(os.pathsep) if p]

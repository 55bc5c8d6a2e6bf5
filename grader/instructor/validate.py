"""The instructor check of a bank (docs/authoring.md): `llamaprep validate`.

``validate_bank`` returns a ``ValidationReport`` whose problems are one line each,
``file:line: field: what is wrong``; it never raises for anything a bank contains.

Static checks (schema, files present, functions defined, argument names, seeded
inputs, sources, claim coverage) come first and need no child process.  Then, per code
question, the reference, the untouched stub and one generated submission per listed
mistake are graded exactly as a learner's file would be, through grader.grading.engine, with
one zygote shared by the whole run.
"""

from __future__ import annotations

import inspect
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Optional, Union

import yaml

from grader.bank.corrections import uncorrected
from grader.bank.loader import Bank, Question, _display, _line_of, builtin_bank_dir, load_bank
from grader.bank.schema import CodeQuestion
from grader.grading.parallel import in_threads, sandbox
from grader.instructor.schema_report import schema_problems

TODO_MARK = "TODO(author)"
Progress = Callable[[str], None]


@dataclass
class ValidationReport:
    problems: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)  # ids checked
    todo: int = 0  # TODO(author) markers left

    @property
    def ok(self) -> bool:
        return not self.problems


# ---------------------------------------------------------------- locating things


def field_line(path: Path, loc: Iterable[Union[str, int]]) -> int:
    """1-based line of a field such as ("grading", "cases", 2, "args") in a YAML file."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return 1
    return _line_of(node, list(loc)) if node is not None else 1


def _loc_text(loc: Iterable[Union[str, int]]) -> str:
    out = ""
    for key in loc:
        out += f"[{key}]" if isinstance(key, int) else ("." if out else "") + str(key)
    return out


class _Problems:
    """Collects the problems of one question, each pointing at a field's line of its YAML
    (or a line of its stub or solution)."""

    def __init__(self, path: Path):
        self.path = path
        self.items: list[str] = []

    def add(self, loc: tuple, message: str) -> None:
        self.items.append(f"{_display(self.path)}:{field_line(self.path, loc)}: {_loc_text(loc) or 'id'}: {message}")

    def at(self, path: Path, line: int, what: str, message: str) -> None:
        self.items.append(f"{_display(path)}:{line}: {what}: {message}")


def _within(path: Path, roots: list[Path]) -> bool:
    path = path.resolve()
    return any(path == r.resolve() or r.resolve() in path.parents for r in roots)


# ---------------------------------------------------------------- static checks


def todo_markers(path: Path) -> list[tuple[int, str]]:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    found = []
    for n, line in enumerate(lines, 1):
        if TODO_MARK in line:
            what = line.split(TODO_MARK, 1)[1].strip(" :\"'")
            found.append((n, f"fill in {what}" if what else "fill this in"))
    return found


def _check_sources(q: Question, p: _Problems) -> None:
    if q.correction is not None and not q.sources:
        p.add(("sources",), "the correction cites no source; add at least one {title, url}")


def _arg_order(q: CodeQuestion, reference: Any, p: _Problems) -> None:
    """Case arguments are passed positionally, so their names must follow the signature."""
    try:
        target = reference.__init__ if inspect.isclass(reference) else reference
        params = [n for n, prm in inspect.signature(target).parameters.items() if prm.kind not in (prm.VAR_KEYWORD,)]
    except (TypeError, ValueError):
        return
    if inspect.isclass(reference):
        params = [n for n in params if n != "self"]
    has_var = any(
        prm.kind == prm.VAR_POSITIONAL for prm in inspect.signature(target).parameters.values()
    )
    for i, case in enumerate(q.grading.cases):
        names = list(case.args)
        if q.grading.driver == "module":
            if "x" not in names:
                p.add(("grading", "cases", i, "args"), "the module driver needs an argument named x")
                continue
            ctor, rest = names[: names.index("x")], names[names.index("x") + 1 :]
            expected = params[: len(ctor)]
            bad = [n for n in rest if n != "grad_out" and not n.startswith("param_")]
            if bad:
                p.add(("grading", "cases", i, "args", bad[0]), "after x the module driver takes only grad_out and param_<name>")
        else:
            ctor, expected = names, params[: len(names)]
        if has_var:
            continue
        if ctor != expected:
            what = f"{reference.__name__}.__init__" if inspect.isclass(reference) else reference.__name__
            p.add(
                ("grading", "cases", i, "args"),
                f"arguments {', '.join(ctor) or '(none)'} are passed in this order, but {what} takes "
                f"({', '.join(params)}); list them in the signature's order",
            )


def _same_bits(a: Any, b: Any) -> bool:
    import torch

    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        if not (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)):
            return False
        if a.dtype != b.dtype or a.shape != b.shape or a.stride() != b.stride():
            return False
        flat_a, flat_b = a.contiguous().reshape(-1), b.contiguous().reshape(-1)
        return torch.equal(flat_a.view(torch.uint8), flat_b.view(torch.uint8))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same_bits(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_bits(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def _inputs_repeat(q: CodeQuestion, solution: ModuleType, p: _Problems) -> None:
    import torch

    from grader.grading import inputs

    for i, case in enumerate(q.grading.cases):
        try:
            first = inputs.build_args(q.id, case.name, case.args, case.seed)
            second = inputs.build_args(q.id, case.name, case.args, case.seed)
        except (inputs.InputSpecError, TypeError, ValueError, RuntimeError) as exc:
            p.add(("grading", "cases", i, "args"), f"cannot build the inputs: {exc}")
            continue
        if not _same_bits(first, second):
            p.add(("grading", "cases", i, "args"), "inputs differ between two runs (they must be seeded)")
    for i, check in enumerate(q.grading.properties):
        fn = getattr(solution, check.function, None)
        if fn is None:
            continue
        calls = []
        for _ in range(2):
            gen = torch.Generator().manual_seed(inputs.case_seed(q.id, check.name))
            try:
                calls.append([list(c) for c in fn(gen).calls])
            except Exception as exc:  # noqa: BLE001 - the author's code: report, don't crash
                p.add(("grading", "properties", i, "function"), f"{check.function} raised {type(exc).__name__}: {exc}")
                break
        if len(calls) == 2 and not _same_bits(calls[0], calls[1]):
            p.add(("grading", "properties", i, "function"), f"{check.function} makes different inputs on two runs; draw them from the generator it is given")


def _functions_exist(q: CodeQuestion, solution: ModuleType, solution_path: Path, p: _Problems) -> bool:
    sol = _display(solution_path)
    ok = True
    if not callable(getattr(solution, q.entry_point, None)):
        p.add(("entry_point",), f"{sol} defines no {q.entry_point} (the reference)")
        ok = False
    for i, m in enumerate(q.grading.mistakes):
        if not callable(getattr(solution, m.function_name, None)):
            p.add(("grading", "mistakes", i, "function" if m.function else "id"), f"{sol} defines no {m.function_name}")
            ok = False
    for i, check in enumerate(q.grading.properties):
        if not callable(getattr(solution, check.function, None)):
            p.add(("grading", "properties", i, "function"), f"{sol} defines no {check.function}")
            ok = False
    return ok


# ---------------------------------------------------------------- graded checks


def _case_index(q: CodeQuestion, name: str) -> tuple:
    for i, c in enumerate(q.grading.cases):
        if c.name == name:
            return ("grading", "cases", i)
    for i, prop in enumerate(q.grading.properties):
        if prop.name == name:
            return ("grading", "properties", i)
    return ("grading",)


def _graded(q: CodeQuestion, submission: Path, bank: Bank, zygote: Any, p: _Problems, what: str):
    """Grade a file as a learner's; None (with the problem recorded) when the question
    itself broke: its reference or a property raised."""
    from grader.grading.engine import grade_question

    result = grade_question(question=q, submission=submission, bank=bank, zygote=zygote)
    if getattr(result, "problem", None):
        p.add(("id",), f"grading {what} failed: {result.problem}")
        return None
    return result


def _check_reference(q, bank, zygote, p: _Problems) -> None:
    result = _graded(q, bank.solution_path(q.id), bank, zygote, p, "the reference")
    for case in result.cases if result else []:
        if case.status == "timeout":  # the engine's message speaks to a learner ("your code")
            limit = getattr(getattr(case, "reason", None), "params", {}).get("limit_s")
            within = f" within the time limit ({limit:g} s)" if isinstance(limit, (int, float)) else ""
            p.add(_case_index(q, case.name), f"the reference did not finish {case.name!r}{within}: make it faster, "
                  "or raise grading.time_limit / question_time_limit")
        elif case.status != "passed":
            p.add(_case_index(q, case.name), f"the reference fails {case.name!r} ({case.status}): {case.message}")


def _check_stub(q, bank, zygote, p: _Problems) -> None:
    stub = bank.stub_path(q.id)
    result = _graded(q, stub, bank, zygote, p, "the stub")
    passed = [c.name for c in result.cases if c.score > 0] if result else []
    if passed:
        p.at(stub, 1, "stub", f"the untouched stub earns {result.score:.3g}/{result.max_score:g} (passes {', '.join(map(repr, passed))}); it must earn zero")


def _mistake_submission(q: CodeQuestion, solution_path: Path, function: str, folder: Path) -> Path:
    """What a learner who made exactly that mistake would submit: a file whose entry point
    is the mistake function.  The solution runs inside it as a module of its own, so a
    mistake written in terms of the reference still calls the reference, not itself; and
    the file needs nothing beside it (a worker may not be allowed to read our folders)."""
    source = solution_path.read_text(encoding="utf-8")
    path = folder / f"{q.file_stem}.py"
    path.write_text(
        "import types as _types\n"
        "_solution = _types.ModuleType('_llamaprep_solution')\n"
        f"exec(compile({source!r}, {str(solution_path)!r}, 'exec'), _solution.__dict__)\n"
        f"{q.entry_point} = _solution.{function}\n",
        encoding="utf-8",
    )
    return path


def _coincide(q: CodeQuestion, solution: ModuleType, case_name: str, one: str, other: str) -> bool:
    """Whether two mistake functions give the same output (at the case's tolerance) on a case."""
    from grader.grading import inputs
    from grader.grading.compare import compare
    from grader.sandbox import drivers

    case = next(c for c in q.grading.cases if c.name == case_name)
    drive = drivers.DRIVERS[q.grading.driver]
    outs = []
    for fn in (one, other):
        values = inputs.build_args(q.id, case.name, case.args, case.seed)
        try:
            outs.append(drive(getattr(solution, fn), list(case.args), values))
        except Exception:  # noqa: BLE001 - a mistake that raises coincides with nothing
            return False
    return compare(outs[0], outs[1], q.grading.tolerance) is None


def _check_mistakes(q, bank, solution, zygote, p: _Problems) -> None:
    by_id = {m.id: m for m in q.grading.mistakes}
    case_names = {c.name for c in q.grading.cases}
    with tempfile.TemporaryDirectory(prefix="llamaprep-validate-") as tmp:
        for i, m in enumerate(q.grading.mistakes):
            loc = ("grading", "mistakes", i, "id")
            folder = Path(tmp) / m.id
            folder.mkdir()
            sub = _mistake_submission(q, bank.solution_path(q.id), m.function_name, folder)
            result = _graded(q, sub, bank, zygote, p, f"mistake {m.id!r}")
            if result is None:
                continue
            if result.full_marks:
                p.add(loc, f"mistake {m.id!r} earns full marks: no case tells it apart from the reference; add a case where it is wrong")
                continue
            failed = [c for c in result.cases if c.status != "passed" and c.name in case_names]
            own = [c for c in failed if c.mistake == m.id]
            for c in failed:
                if c.mistake not in (None, m.id) and not _coincide(q, solution, c.name, m.function_name, by_id[c.mistake].function_name):
                    p.add(loc, f"mistake {m.id!r} is diagnosed as {c.mistake!r} on {c.name!r}, where their outputs differ")
                elif c.mistake is None and c.status == "failed":
                    p.add(loc, f"mistake {m.id!r} fails {c.name!r} but is not recognised there (is {m.function_name} deterministic?)")
            if not own:
                others = sorted({c.mistake for c in failed if c.mistake})
                why = f"every case it fails is named {', '.join(map(repr, others))}" if others else "no case names it"
                p.add(loc, f"mistake {m.id!r} is never diagnosed as itself: {why}; add a case where the two differ")


# ---------------------------------------------------------------- the whole check


def _check_code_question(q: CodeQuestion, bank: Bank, zygote: Any) -> list[str]:
    p = _Problems(bank.paths[q.id])
    try:
        _check_code_files(q, bank, zygote, p)
    except Exception as exc:  # noqa: BLE001 - one broken question must not stop the check
        p.add(("id",), f"could not be checked: {type(exc).__name__}: {exc}")
    return p.items


def _check_code_files(q: CodeQuestion, bank: Bank, zygote: Any, p: _Problems) -> None:
    stub, sol = bank.stub_path(q.id), bank.solution_path(q.id)
    missing = False
    if not stub.is_file():
        p.add(("id",), f"no stub: create {_display(stub)} (the file the learner fills in)")
        missing = True
    if not sol.is_file():
        p.add(("id",), f"no reference: create {_display(sol)}")
        missing = True
    if missing:
        return
    from grader.grading.engine import load_solution

    try:
        solution = load_solution(sol, q.id)
    except BaseException as exc:  # noqa: BLE001 - the author's module: any failure is a finding
        p.at(sol, getattr(exc, "lineno", None) or 1, "reference", f"cannot import: {type(exc).__name__}: {exc}")
        return
    if not _functions_exist(q, solution, sol, p):
        return
    _arg_order(q, getattr(solution, q.entry_point), p)
    before = len(p.items)
    _inputs_repeat(q, solution, p)
    if len(p.items) > before:
        return  # grading with unbuildable inputs would only repeat the problem
    _check_reference(q, bank, zygote, p)
    _check_stub(q, bank, zygote, p)
    _check_mistakes(q, bank, solution, zygote, p)


def validate_bank(
    *,
    banks: Iterable[Union[str, Path]] = (),
    zygote: Any = None,
    workers: Optional[int] = None,
    progress: Optional[Progress] = None,
) -> ValidationReport:
    """Check the built-in bank (no ``banks``) or the given extra banks (with the built-in
    one loaded beside them, so id collisions are found).  Code questions are graded on
    ``workers`` threads (default: one per core), each driving its own child processes."""
    say = progress or (lambda _msg: None)
    extra = [Path(b) for b in banks]
    builtin = builtin_bank_dir()
    targets = extra or [builtin]
    report = ValidationReport()
    errors: list[tuple[Path, str]] = []
    bank = load_bank([r for r in extra if r.resolve() != builtin.resolve()], errors=errors)
    for path, msg in errors:  # every schema problem of a file, not the loader's first one
        if _within(path, targets):
            report.problems.extend(schema_problems(path) or [msg])
    mine = [q for qid, q in bank.questions.items() if _within(bank.paths[qid], targets)]
    report.questions = [q.id for q in mine]

    blocked: set[str] = set()
    for q in mine:
        p = _Problems(bank.paths[q.id])
        _check_sources(q, p)
        files = [bank.paths[q.id]]
        if isinstance(q, CodeQuestion):
            files += [bank.stub_path(q.id), bank.solution_path(q.id)]
        for path in files:
            for line, text in todo_markers(path):
                p.at(path, line, "todo", text)
                report.todo += 1
                blocked.add(q.id)  # a placeholder is not worth grading yet
        report.problems.extend(p.items)
    if builtin in targets:
        for myth in uncorrected(q for q in bank.questions.values() if bank.roots[q.id] == builtin):
            report.problems.append(f"{_display(builtin / 'questions')}: corrects: no question corrects {myth} (see docs/myths.md)")

    code = [q for q in mine if isinstance(q, CodeQuestion) and q.id not in blocked]
    if not code:
        return report
    done = 0
    lock = threading.Lock()

    def check(q: CodeQuestion) -> list[str]:
        nonlocal done
        items = _check_code_question(q, bank, z)
        with lock:
            done += 1
            say(f"[{done}/{len(code)}] {q.id}: {'ok' if not items else f'{len(items)} problem(s)'}")
        return items

    with sandbox(zygote) as z:  # before any torch computation or reference module
        for items in in_threads(check, code, workers):  # in bank order, whatever finishes first
            report.problems.extend(items)
    return report

"""Grading: run a submission's code in a child, judge every case in the parent, score.

``grade_submissions`` is the entry point; it returns plain result objects and never
raises for anything a submission does.  Order matters for speed and safety: torch is
imported and the zygote forked before any reference code is loaded or any tensor
computed (grader.sandbox.zygote).
"""

from __future__ import annotations

import importlib.util
import os
import signal
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Optional

import torch

from grader.bank.loader import Bank
from grader.bank.schema import Case, CodeQuestion, PropertyCheck
from grader.grading import inputs
from grader.grading.clock import BACKSTOP, CallClock, Overrun
from grader.grading.compare import difference, excerpt, shapes
from grader.grading.dtypes import accepted_dtypes
from grader.grading.parallel import in_threads, sandbox
from grader.grading.prestart import Prestart
from grader.grading.reasons import CHILD_CODES, Reason, ReasonError, not_gradable, reason, sanitize
from grader.grading.results import CaseResult, GradeReport, QuestionResult, is_full_marks
from grader.grading.source import read_source
from grader.grading.stubs import stub_raises
from grader.properties import Property
from grader.sandbox import drivers, wire
from grader.sandbox.zygote import ExitInfo, SandboxError, SpawnError, WorkerHandle, Zygote

# ---------------------------------------------------------------- reference side


_solution_lock = threading.Lock()  # class grading loads solutions from several threads


def load_solution(path: Path, qid: str) -> ModuleType:
    """The solution module, loaded once per file version: two banks may hold the same id
    (validate checks a copy beside the original), and an edited file is loaded afresh."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    name = f"llamaprep_solution_{qid.replace('-', '_')}_{zlib.crc32(key[0].encode()):08x}"
    with _solution_lock:
        cached = sys.modules.get(name)
        if cached is not None and getattr(cached, "__llamaprep_key__", None) == key:
            return cached
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        module.__llamaprep_key__ = key  # type: ignore[attr-defined]
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(name, None)
            raise
    oracle = oracle_path(path)
    if oracle.is_file():  # loaded after the lock is released: it is a solution file of its own
        module.__llamaprep_oracle__ = getattr(load_solution(oracle, f"{qid}-oracle"), ORACLE)  # type: ignore[attr-defined]
    return module


ORACLE = "oracle"


def oracle_path(solution: Path) -> Path:
    """Where a reference's oracle lives: ``<reference>_oracle.py`` beside it, defining
    ``oracle`` with the reference's signature — the same function computed faster (e.g. with
    a torch kernel the question bans, which is why it is not in the reference the learner may
    read and the bank's own check grades).  tests/bank/test_oracles.py holds it to the
    reference on every case."""
    return solution.with_name(f"{solution.stem}_oracle.py")


def _clone(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.clone()
    if isinstance(value, (list, tuple)):
        return type(value)(_clone(v) for v in value)
    return value


@dataclass
class Outcome:
    """What one call in the child came to."""

    kind: str  # ok | error | forbidden | memory | timeout | crashed
    reason: Optional[Reason] = None  # unless ok
    value: Any = None


class Session:
    """One submission of one question: a worker, restarted fresh after a crash or time-out."""

    def __init__(
        self, zygote: Zygote, question: CodeQuestion, submission: Path, protected: tuple[str, ...] = (), stub_raises: Iterable[list[str]] = ()
    ):
        self.zygote = zygote
        self.protected = protected  # folders the learner's code may not read (grader.sandbox.guard)
        self.stub_raises = list(stub_raises)  # the stub's own `raise NotImplementedError` lines (grader.grading.stubs)
        self.q = question
        self.submission = submission
        self.worker: Optional[WorkerHandle] = None
        self.source, too_large = read_source(submission)
        self.load_failure: Optional[Outcome] = Outcome("error", too_large) if too_large else None
        # Limits are CPU seconds (grader.grading.clock); the wall-clock backstop has its own budget.
        self.budget = question.grading.question_time_limit
        self.wall_budget = BACKSTOP * question.grading.question_time_limit
        self.out_offset = 0
        self.paused = False  # loaded early and stopped until the first call
        self.early_failure: Optional[Outcome] = None  # a worker that could not be started early

    # -- lifecycle
    def _limits(self, phase: str) -> tuple[float, float, tuple[bool, bool]]:
        """(CPU seconds, wall-clock seconds, whether the question's budget binds each of them)
        for the next exchange.  Loading has its own budget, outside the question's."""
        g = self.q.grading
        if phase == "load":
            return g.load_time_limit, BACKSTOP * g.load_time_limit, (False, False)
        capped = (self.budget < g.time_limit, self.wall_budget < BACKSTOP * g.time_limit)
        return max(0.0, min(g.time_limit, self.budget)), max(0.0, min(BACKSTOP * g.time_limit, self.wall_budget)), capped

    def _spawn(self) -> tuple[dict, list[bytes]]:
        """A fresh worker, and the load request for it."""
        g = self.q.grading
        cpu_cap = g.load_time_limit + g.question_time_limit + 1  # the kernel's limit: a backstop behind ours
        # The hidden folders are left out of the worker's Landlock rules even where they sit
        # inside an allowed one (a bank installed in site-packages).
        self.worker = self.zygote.spawn(self.submission, memory_mb=g.memory_limit_mb, cpu_seconds=cpu_cap, hidden=self.protected)
        self.out_offset = 0
        request = {
            "op": "load",
            "filename": str(self.submission),
            "stub_raises": self.stub_raises,
            "entry_point": self.q.entry_point,
            "banned": list(g.banned),
            "driver": g.driver,
            "protected": list(self.protected),
            "workdir": str(self.worker.workdir),
        }
        return request, [self.source.encode("utf-8", errors="replace")]

    def start_early(self) -> None:
        """Start the worker and load the file now, before the first call, exactly as that
        call would (the same clock, the same verdicts: grader.grading.prestart starts the
        next questions' workers while others are graded); then hold the worker stopped until
        the first call, so that threads its file started use no CPU while it waits its turn."""
        if self.load_failure is not None or self.worker is not None:
            return
        try:
            if self._start() is None and self.worker is not None:
                self._signal(signal.SIGSTOP)
                self.paused = True
        except SandboxError as exc:  # the first call's outcome, as if it had spawned
            self.worker = None
            self.early_failure = _spawn_failure(exc)

    def _signal(self, sig: int) -> None:
        assert self.worker is not None
        try:
            os.killpg(self.worker.pid, sig)  # the worker leads its own process group
        except (ProcessLookupError, PermissionError):
            pass  # it ended meanwhile: its first call finds out how

    def _start(self) -> Optional[Outcome]:
        request, blobs = self._spawn()
        outcome = self._exchange(request, blobs, phase="load")
        if outcome.kind != "ok":
            self.load_failure = outcome
            self.stop()
        return self.load_failure

    def stop(self) -> None:
        self.paused = False  # SIGKILL ends a stopped process too
        if self.worker is not None:
            self.worker.release()  # a no-op after stop() collected a crash
            self.worker.remove()
            self.worker = None

    def printed(self) -> str:
        if self.worker is None:
            return ""
        text, self.out_offset = self.worker.output_since(self.out_offset)
        return text

    # -- one exchange with the child
    def _exchange(self, header: dict, blobs: list[bytes], phase: str, meanwhile: Optional[Callable[[], None]] = None) -> Outcome:
        assert self.worker is not None
        cpu_limit, wall_limit, capped = self._limits(phase)
        clock = CallClock(self.worker.pid, cpu_limit, wall_limit)
        spent: Optional[tuple[float, float]] = None
        try:
            self.worker.sock.settimeout(max(0.001, wall_limit))  # a child that stops reading
            wire.send_message(self.worker.sock, header, blobs)
            if meanwhile is not None:
                meanwhile()
            overrun = clock.wait(self.worker.sock, self.worker.pidfd)
            if overrun is not None:
                spent = (overrun.cpu, overrun.wall)
                self._crash_cleanup()
                return Outcome("timeout", self._timeout_reason(phase, capped, overrun))
            reply, out = wire.recv_message(self.worker.sock, clock.wall_deadline, alive=self.worker.pidfd)
            spent = (clock.cpu(), clock.wall())
            return self._interpret(reply, out)
        except (wire.WireTimeout, TimeoutError):  # a reply begun but not finished by the backstop
            spent = (clock.cpu(), clock.wall())
            self._crash_cleanup()
            return Outcome("timeout", self._timeout_reason(phase, capped, Overrun(backstop=True, cpu=spent[0], wall=spent[1])))
        except wire.PeerClosed:
            spent = (clock.cpu(), clock.wall())
            info = self.worker.stop()
            if info.signal == signal.SIGXCPU:  # the kernel's CPU limit, behind ours
                return Outcome("timeout", self._timeout_reason(phase, capped, Overrun(backstop=False, cpu=spent[0], wall=spent[1])))
            return Outcome("crashed", exit_reason(info))
        except (wire.WireError, OSError) as exc:
            self._crash_cleanup()
            return Outcome("crashed", reason("malformed-reply", detail=sanitize(exc, 100)))
        finally:
            if phase != "load":
                cpu, wall = spent if spent is not None else (clock.wall(), clock.wall())
                self.budget -= cpu
                self.wall_budget -= wall

    def _timeout_reason(self, phase: str, capped: tuple[bool, bool], overrun: Overrun) -> Reason:
        g = self.q.grading
        if phase == "load":
            if overrun.backstop:
                return reason("load-backstop", limit_s=g.load_time_limit, wall_s=round(overrun.wall, 1), cpu_s=round(overrun.cpu, 1))
            return reason("load-timeout", limit_s=g.load_time_limit)
        question = capped[1] if overrun.backstop else capped[0]  # the question's budget, not the call's, ran out
        limit = g.question_time_limit if question else g.time_limit
        if overrun.backstop:
            return reason("backstop", limit_s=limit, wall_s=round(overrun.wall, 1), cpu_s=round(overrun.cpu, 1))
        return reason("question-timeout" if question else "timeout", limit_s=limit)

    def _crash_cleanup(self) -> Reason:
        assert self.worker is not None
        return exit_reason(self.worker.stop())

    def _interpret(self, reply: dict, blobs: list[bytes]) -> Outcome:
        status = reply.get("status")
        if status == "ok":
            if "result" not in reply:
                return Outcome("ok")
            return Outcome("ok", value=wire.decode(reply["result"], blobs))
        if status == "memory":
            return Outcome("memory", reason("memory-limit", limit_mb=self.q.grading.memory_limit_mb))
        if status in ("error", "forbidden"):
            return Outcome(status, child_reason(reply.get("reason")))
        raise wire.WireError("unknown reply")

    # -- public
    def call(self, names: list[str], values: list[Any], meanwhile: Optional[Callable[[], None]] = None) -> Outcome:
        if self.load_failure is not None:
            return self.load_failure
        if self.budget <= 0 or self.wall_budget <= 0:
            return Outcome("timeout", reason("time-used-up", limit_s=self.q.grading.question_time_limit))
        if self.early_failure is not None:
            failure, self.early_failure = self.early_failure, None
            return failure  # this case's, as a spawn failing here would be; the next case tries again
        try:
            if self.worker is None and self._start() is not None:
                return self.load_failure  # type: ignore[return-value]
        except SandboxError as exc:
            self.worker = None
            return _spawn_failure(exc)
        if self.paused and self.worker is not None:
            self.paused = False
            self._signal(signal.SIGCONT)
        blobs: list[bytes] = []
        tree = wire.encode(values, blobs)
        outcome = self._exchange({"op": "call", "names": names, "args": tree}, blobs, "call", meanwhile)
        if outcome.kind in ("timeout", "crashed", "memory"):
            self.stop()  # a fresh child for the next case
        return outcome


def _spawn_failure(exc: SandboxError) -> Outcome:
    """What a case comes to when its worker could not be started."""
    if isinstance(exc, SpawnError):  # out of processes, files or memory: this case, not the run
        return Outcome("crashed", reason("spawn-failed", detail=sanitize(exc, 200)))
    return Outcome("crashed", reason("sandbox-lost", detail=sanitize(exc)))


def exit_reason(info: ExitInfo) -> Reason:
    """How a worker ended, as a reason (the signal by name: SIGSEGV)."""
    if info.signal is not None:
        try:
            name = signal.Signals(info.signal).name
        except ValueError:
            name = f"signal {info.signal}"
        return reason("killed-by-signal", signal=name)
    if info.code is not None:
        return reason("exited", code=info.code)
    return reason("process-died")


def child_reason(data: Any) -> Reason:
    """A failure the child reported, checked: a code it may report, plain parameters."""
    try:
        found = Reason.from_json(data)
    except ReasonError as exc:
        raise wire.WireError(f"malformed reason: {exc}") from None
    if found.code not in CHILD_CODES or not all(isinstance(v, (str, int, float)) for v in found.params.values()):
        raise wire.WireError(f"reason {found.code!r} is not the child's to give")
    return found


# ---------------------------------------------------------------- judging


def _case_points(q: CodeQuestion) -> list[float]:
    weights = [c.points for c in q.grading.cases] + [p.points for p in q.grading.properties]
    total = sum(weights)
    return [q.points * w / total for w in weights]


def _tolerance_for(q: CodeQuestion):
    return q.grading.tolerance


def _name_mistake(
    q: CodeQuestion, solution: ModuleType, names: list[str], values: list[Any], actual: Any, accept: frozenset[str] = frozenset()
) -> Optional[Any]:
    """The listed mistake whose output the learner's matches, if any."""
    drive = drivers.DRIVERS[q.grading.driver]
    for mistake in q.grading.mistakes:
        fn = getattr(solution, mistake.function_name, None)
        if fn is None:
            continue
        try:
            wrong = drive(fn, names, _clone(values))
        except Exception:  # noqa: BLE001 - a mistake variant that raises simply doesn't match
            continue
        if difference(actual, wrong, _tolerance_for(q), accept=accept) is None:
            return mistake
    return None


def _expected_function(q: CodeQuestion, solution: ModuleType) -> Any:
    """What computes the expected values: the reference's oracle where it has one (oracle_path),
    else the reference itself."""
    return getattr(solution, "__llamaprep_oracle__", None) or getattr(solution, q.entry_point)


def _grade_case(session: Session, q: CodeQuestion, solution: ModuleType, case: Case, points: float) -> CaseResult:
    names = list(case.args)
    values = inputs.build_args(q.id, case.name, case.args, case.seed)
    accept = accepted_dtypes(q.grading.dtype_conventions(case), values, q.grading.driver)
    result = CaseResult(
        name=case.name, status="failed", score=0.0, max_score=points,
        name_zh=case.name_zh, description=case.description, description_zh=case.description_zh, visible=case.visible,
    )
    expected: list[Any] = []

    def reference() -> None:  # computed while the child works on the same inputs
        try:
            expected.append(drivers.DRIVERS[q.grading.driver](_expected_function(q, solution), names, _clone(values)))
        except Exception as exc:  # noqa: BLE001 - the bank's fault, not the learner's
            raise QuestionBroken(reason("reference-failed", case=case.name, type=type(exc).__name__, message=str(exc))) from None

    outcome = session.call(names, values, meanwhile=reference)
    if not expected:
        reference()
    result.output = sanitize(session.printed(), limit=4000)
    if case.visible:  # a visible case may show its data; a hidden one never does
        result.inputs = shapes(names, values)
    if outcome.kind != "ok":
        result.fail(outcome.reason)
        return result
    problem = difference(outcome.value, expected[0], _tolerance_for(q), reveal=case.visible, accept=accept)
    if problem is None:
        result.passed()
        return result
    if case.visible:
        result.expected = excerpt(expected[0])
    mistake = _name_mistake(q, solution, names, values, outcome.value, accept)
    if mistake is None:
        result.fail(problem)
    else:
        result.fail(problem, mistake=mistake.id, explanation={"en": mistake.explanation.en, "zh": mistake.explanation.zh})
    return result


def _grade_property(session: Session, q: CodeQuestion, solution: ModuleType, check: PropertyCheck, points: float) -> CaseResult:
    result = CaseResult(
        name=check.name, status="failed", score=0.0, max_score=points,
        name_zh=check.name_zh, description=check.description, description_zh=check.description_zh, visible=check.visible,
    )
    gen = torch.Generator().manual_seed(inputs.case_seed(q.id, check.name))
    try:
        prop: Property = getattr(solution, check.function)(gen)
    except Exception as exc:  # noqa: BLE001 - the bank's fault, not the learner's
        raise QuestionBroken(reason("property-setup-failed", property=check.name, type=type(exc).__name__, message=str(exc))) from None
    outputs = []
    for call in prop.calls:
        values = list(call)
        outcome = session.call([f"arg{i}" for i in range(len(values))], values)
        if outcome.kind != "ok":
            result.fail(outcome.reason)
            result.output = sanitize(session.printed(), limit=4000)
            return result
        outputs.append(outcome.value)
    result.output = sanitize(session.printed(), limit=4000)
    try:
        problem = prop.judge(outputs)
    except Exception as exc:  # noqa: BLE001 - outputs of the wrong kind
        result.fail(reason("property-unchecked", type=type(exc).__name__, message=sanitize(exc, 120)))
        return result
    if problem is None:
        result.passed()
    elif isinstance(getattr(problem, "reason", None), Reason) and problem.reason.status == "failed":
        result.fail(problem.reason)  # grader.properties.mismatch: data the table can translate
    else:  # the judge's sentence is the bank author's own
        result.fail(reason("property-failed", message=str(problem)))
    return result


class QuestionBroken(Exception):
    """The question itself (its reference or checks) failed: the bank needs fixing."""

    def __init__(self, why: Reason):
        super().__init__(why.code)
        self.reason = why


def grade_question(
    *, question: CodeQuestion, submission: Path, bank: Bank, zygote: Zygote, session: Optional[Session] = None
) -> QuestionResult:
    """Grade one file for one code question.  Never raises: what the submission did is in
    its cases; what stopped the grader (a broken reference, a failure of its own) is the
    result's ``failure``.  ``session``: one made for this file and question, maybe started
    early (grader.grading.prestart); stopped here in any case."""
    started = time.monotonic()
    try:
        result = _grade_question(question, submission, bank, zygote, session)
    except Exception as exc:  # noqa: BLE001 - the grader's own failure becomes a result, marked as such
        result = failed_result(question, submission, reason("internal-error", type=type(exc).__name__, message=str(exc)))
    finally:
        if session is not None:
            session.stop()  # a no-op once graded; a worker started early for a question that failed before its cases
    result.seconds = time.monotonic() - started
    return result


def new_session(bank: Bank, zygote: Zygote, q: CodeQuestion, submission: Path) -> Session:
    """The session for one file and question (OSError: the file cannot be read)."""
    return Session(zygote, q, submission, protected=hidden_folders(bank, submission), stub_raises=stub_raises(bank.stub_path(q.id)))


def _grade_question(q: CodeQuestion, submission: Path, bank: Bank, zygote: Zygote, session: Optional[Session] = None) -> QuestionResult:
    result = QuestionResult(id=q.id, score=0.0, max_score=q.points, file=str(submission))
    try:
        solution = load_solution(bank.solution_path(q.id), q.id)
    except Exception as exc:  # noqa: BLE001 - a broken bank becomes a result
        return failed_result(q, submission, reason("reference-unloadable", type=type(exc).__name__, message=str(exc)))
    points = _case_points(q)
    if session is None:
        try:
            session = new_session(bank, zygote, q, submission)
        except OSError as exc:  # the learner's file: unreadable is the submission's failure
            return missing_file_result(q, submission, reason("unreadable-file", path=str(submission), error=exc.strerror or str(exc)))
    items: list[tuple[Any, float]] = list(zip(q.grading.cases, points)) + list(zip(q.grading.properties, points[len(q.grading.cases):]))
    try:
        for item, pts in items:
            if isinstance(item, Case):
                case = _grade_case(session, q, solution, item, pts)
            else:
                case = _grade_property(session, q, solution, item, pts)
            result.cases.append(case)
    except QuestionBroken as exc:
        result.failure = exc.reason
        for item, pts in items[len(result.cases):]:
            result.cases.append(CaseResult(name=item.name, status="error", score=0.0, max_score=pts, reason=reason("not-graded", cause=exc.reason)))
    finally:
        session.stop()
    total = sum(c.score for c in result.cases)
    # Case points are fractions of the question's points: undo float summation noise.
    result.score = q.points if is_full_marks(total, q.points) else round(total, 9)
    return result


def hidden_folders(bank: Bank, submission: Path) -> tuple[str, ...]:
    """Every bank's solutions/ folder, except one holding the submission itself (when
    validate grades a reference, its siblings are no secret)."""
    inside = submission.resolve()
    folders = {str((root / "solutions").resolve()) for root in set(bank.roots.values())}  # a root per question: resolve each once
    return tuple(sorted(f for f in folders if not inside.is_relative_to(f)))


def missing_file_result(question: CodeQuestion, path: Path, why: Reason) -> QuestionResult:
    """Every case of ``question`` ends with ``why``: the submission's file is missing or unreadable."""
    points = _case_points(question)
    specs: list[Any] = list(question.grading.cases) + list(question.grading.properties)
    cases = [CaseResult(name=s.name, status="error", score=0.0, max_score=p, reason=why, name_zh=s.name_zh) for s, p in zip(specs, points)]
    return QuestionResult(id=question.id, score=0.0, max_score=question.points, cases=cases, file=str(path))


def failed_result(question: Any, path: Path, failure: Reason) -> QuestionResult:
    """A question the grader could not grade: ``failure`` says why; no case ran."""
    result = QuestionResult(id=getattr(question, "id", str(question)), score=0.0, max_score=getattr(question, "points", 0.0), file=str(path))
    if isinstance(question, CodeQuestion):
        try:
            result = missing_file_result(question, path, reason("not-graded", cause=failure))
        except Exception:  # noqa: BLE001 - too broken even to list its cases: the failure alone says why
            pass
    result.failure = failure
    return result


def _grade_one(
    bank: Bank, zygote: Optional[Zygote], qid: str, path: Path, broken: Optional[Reason] = None, *, session: Optional[Session] = None
) -> QuestionResult:
    q = bank.questions.get(qid)
    if q is None:
        return failed_result(qid, path, reason("unknown-question", id=qid))
    if not isinstance(q, CodeQuestion):
        return failed_result(q, path, not_gradable(q) or reason("internal-error", type="TypeError", message=f"{qid} is no code question"))
    if broken is not None or zygote is None:
        return failed_result(q, path, broken or reason("internal-error", type="SandboxError", message="no sandbox"))
    return grade_question(question=q, submission=path, bank=bank, zygote=zygote, session=session)


def grading_weight(bank: Bank, qid: str) -> tuple[float, int]:
    """How long a question's grading is likely to take, to start the longest first: its
    time budget (the bank's word for how heavy it is), then the size of its inputs."""
    q = bank.questions.get(qid)
    if not isinstance(q, CodeQuestion):
        return (0.0, 0)
    try:
        size = sum(inputs.spec_elements(value) for case in q.grading.cases for value in case.args.values())
    except Exception:  # noqa: BLE001 - a malformed spec is reported when the case is graded
        size = 0
    return (q.grading.question_time_limit, size)


def grade_submissions(
    *, bank: Bank, targets: Iterable[tuple[str, Path]], zygote: Optional[Zygote] = None, jobs: Optional[int] = None
) -> GradeReport:
    """Grade each (question id, file) pair: the one entry point, and it never raises.

    What a submission did ends up in its question's cases (``report.questions``); a
    question the grader could not grade (unknown id, a quiz question, a broken reference,
    no sandbox) ends up in ``report.failures`` with the reason, and counts for nobody.

    Questions are graded on ``jobs`` threads (default: one per core): while one waits for
    its child, another computes references, so both cores stay busy.  The heaviest start
    first (``grading_weight``), and the next questions' workers start while others are
    graded (grader.grading.prestart).  Results keep the order of ``targets``.
    """
    targets = list(targets)
    order = sorted(range(len(targets)), key=lambda i: grading_weight(bank, targets[i][0]), reverse=True)  # stable
    failed: list[Exception] = []  # no fork, no socket: the grader's resources, not the submission
    with sandbox(zygote, failed=failed) as z:
        broken: Optional[Reason] = None
        if failed:
            exc = failed[0]
            broken = reason("internal-error", type=type(exc).__name__, message=f"cannot start the grading sandbox: {exc}")

        def early(k: int) -> Optional[Session]:
            qid, path = targets[order[k]]
            q = bank.questions.get(qid)
            if z is None or broken is not None or not isinstance(q, CodeQuestion):
                return None
            return new_session(bank, z, q, path)

        threads = max(1, min(jobs or os.cpu_count() or 1, len(targets)))
        ahead = Prestart(early, len(targets), depth=threads)
        try:
            graded = in_threads(lambda k: _grade_one(bank, z, *targets[order[k]], broken, session=ahead.claim(k)), range(len(targets)), jobs)
        finally:
            ahead.close()
    results: list[Any] = [None] * len(targets)
    for k, result in zip(order, graded):
        results[k] = result
    return GradeReport(questions=[r for r in results if r.failure is None], failures=[r for r in results if r.failure is not None])

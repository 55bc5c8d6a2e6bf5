"""Where the wall time of grading every code question's reference goes, per question.

    python benchmarks/grade_profile.py [--first-bank] [--jobs N] [--cases]

Grades the references in this process the way `llamaprep grade` does (torch imported, the
zygote started, its isolation asked for, then ``grade_submissions``) and prints a timeline
of those steps, the CPU time of this process, of the zygote and of its workers, then one
line per question: when it began, its wall time, its worker's start (fork, confinement,
load), the exchanges with the child (the reference is computed during them), the
reference, the inputs, the comparison, loading the reference module, and the CPU time the
worker used.  ``--cases`` adds one line per case.  A measuring aid only: the figures come
from timers wrapped around the engine's own functions, which it does not change.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

T0 = time.perf_counter()
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

KEYS = ("start", "exchange", "reference", "inputs", "compare", "solution", "child cpu")


def stamp(label: str) -> None:
    print(f"{time.perf_counter() - T0:7.3f} s  {label}", flush=True)


def proc_cpu(pid: int) -> tuple[float, float]:
    """(CPU seconds of ``pid`` itself, of the children it has reaped), from /proc."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        fields = f.read().rsplit(b")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


class Probe:
    """Timers wrapped around the engine's functions, summed per question and per case."""

    def __init__(self) -> None:
        self.questions: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.cases: list[tuple[str, str, dict]] = []
        self.local = threading.local()

    def add(self, key: str, seconds: float) -> None:
        self.questions[getattr(self.local, "qid", "?")][key] += seconds
        case = getattr(self.local, "case", None)
        if case is not None:
            case[key] += seconds

    def timer(self, original, key: str):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.add(key, time.perf_counter() - started)

        return timed

    def time(self, owner, name: str, key: str) -> None:
        setattr(owner, name, self.timer(getattr(owner, name), key))

    def install(self) -> None:
        from grader.grading import engine, inputs
        from grader.grading.clock import cpu_seconds
        from grader.sandbox import drivers
        from grader.sandbox.zygote import WorkerHandle

        self.time(inputs, "build_args", "inputs")
        self.time(engine.Session, "_start", "start")
        self.time(engine.Session, "_exchange", "exchange")
        self.time(engine, "difference", "compare")
        self.time(engine, "load_solution", "solution")
        for key, drive in list(drivers.DRIVERS.items()):
            drivers.DRIVERS[key] = self.timer(drive, "reference")
        for name in ("release", "stop"):
            self._child_cpu(WorkerHandle, name, cpu_seconds)
        grade_case, grade_question = engine._grade_case, engine.grade_question

        def case(session, q, solution, spec, points):
            self.local.case = collections.Counter()
            started = time.perf_counter()
            try:
                return grade_case(session, q, solution, spec, points)
            finally:
                self.local.case["total"] = time.perf_counter() - started
                self.cases.append((q.id, spec.name, dict(self.local.case)))
                self.local.case = None

        def question(*, question, **kwargs):
            self.local.qid = question.id
            began = time.perf_counter() - T0
            result = grade_question(question=question, **kwargs)
            self.questions[question.id].update(wall=result.seconds, began=began)
            return result

        engine._grade_case = case
        engine.grade_question = question

    def _child_cpu(self, handle, name: str, cpu_seconds) -> None:
        end = getattr(handle, name)

        def ending(worker):
            if worker.exit is None:  # the worker's own CPU time, read before it is killed
                self.add("child cpu", cpu_seconds(worker.pid) or 0.0)
            return end(worker)

        setattr(handle, name, ending)

    def print(self, with_cases: bool) -> None:
        counts = collections.Counter(qid for qid, _, _ in self.cases)
        print(f"{'question':28} {'began':>6} {'wall':>6} " + " ".join(f"{k:>9}" for k in KEYS) + "  cases")
        for qid, t in sorted(self.questions.items(), key=lambda kv: -kv[1]["wall"]):
            print(f"{qid:28} {t['began']:6.2f} {t['wall']:6.2f} " + " ".join(f"{t[k]:9.3f}" for k in KEYS) + f"  {counts[qid]}")
        total: collections.Counter = collections.Counter()
        for t in self.questions.values():
            total.update(t)
        print(f"{'(sum)':28} {'':6} {total['wall']:6.2f} " + " ".join(f"{total[k]:9.3f}" for k in KEYS))
        if with_cases:
            for qid, name, t in sorted(self.cases, key=lambda r: -r[2]["total"]):
                parts = " ".join(f"{k} {t.get(k, 0):6.3f}" for k in ("exchange", "reference", "inputs", "compare"))
                print(f"  {qid:28} {name[:40]:40} total {t['total']:6.3f} {parts}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--first-bank", action="store_true", help="only the 14 code questions of the first release")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--cases", action="store_true", help="one line per case too")
    args = parser.parse_args()
    from grade_speed import FIRST_BANK

    from grader.bank.loader import load_bank

    bank = load_bank()
    stamp("bank loaded")
    import torch  # noqa: F401 - before the zygote, as `llamaprep grade` does

    stamp("torch imported")
    from grader.grading import engine
    from grader.sandbox.isolation import confined_zygote

    stamp("engine imported")
    code = [q for q in bank.by_topic(kind="code") if not args.first_bank or q.id in FIRST_BANK]
    with tempfile.TemporaryDirectory() as tmp:
        targets = []
        for q in code:
            dest = Path(tmp) / q.topic / f"{q.file_stem}.py"
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(bank.solution_path(q.id).read_bytes())
            targets.append((q.id, dest))
        before = os.times()
        with confined_zygote() as (zygote, isolation):
            stamp(f"zygote ready, isolation {isolation and isolation['level']}")
            probe = Probe()
            probe.install()  # after the fork: the workers run the engine's own functions
            started = time.perf_counter()
            report = engine.grade_submissions(bank=bank, targets=targets, zygote=zygote, jobs=args.jobs)
            graded = time.perf_counter() - started
            stamp(f"graded in {graded:.2f} s: {sum(r.score for r in report.questions):g}/"
                  f"{sum(r.max_score for r in report.questions):g}, {len(report.failures)} failures")
            time.sleep(0.3)  # the zygote reaps the last released workers
            own, reaped = proc_cpu(zygote.pid)
        after = os.times()
    parent = after.user - before.user + after.system - before.system
    print(f"CPU: this process {parent:.2f} s, the zygote {own:.2f} s, its workers {reaped:.2f} s "
          f"(their whole lives, teardown included) = {parent + own + reaped:.2f} s in {graded:.2f} s of grading")
    probe.print(args.cases)


if __name__ == "__main__":
    main()

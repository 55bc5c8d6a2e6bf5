"""Grading every code question's reference while two CPU-bound processes run beside it.

    python benchmarks/busy_machine.py [--hogs 2] [--rounds 1]

Limits are judged on CPU time (grader/grading/clock.py), so a loaded machine must change
neither a score nor a status: every round must give full marks and no case may time out.
Prints the wall-clock time of each round beside the CPU time the grading used; exits 1 if
any round lost a point.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from grader.bank.loader import load_bank  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hogs", type=int, default=2, help="CPU-bound processes beside the grader")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    bank = load_bank()
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "work"
        for q in bank.by_topic(kind="code"):
            dest = ws / q.topic / f"{q.file_stem}.py"
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(bank.solution_path(q.id), dest)
        env = {**os.environ, "LLAMAPREP_HOME": str(Path(tmp) / "home")}
        cmd = [sys.executable, "-m", "cli", "grade", "--workspace", str(ws), "--format", "json"]
        hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.hogs)]
        try:
            for n in range(1, args.rounds + 1):
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                started = time.perf_counter()
                proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=Path(__file__).resolve().parent.parent)
                wall = time.perf_counter() - started
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
                try:
                    report = json.loads(proc.stdout)
                except ValueError:
                    sys.exit(f"round {n}: no JSON (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
                cases = [c for q in report["questions"] for c in q["cases"]]
                timeouts = [f"{q['id']}: {c['name']}" for q in report["questions"] for c in q["cases"] if c["status"] == "timeout"]
                lost = [f"{q['id']}: {c['name']} ({c['status']}: {c['message'][:80]})"
                        for q in report["questions"] for c in q["cases"] if c["status"] != "passed"]
                print(f"round {n}: {len(report['questions'])} questions, {len(cases)} cases, score {report['score']:g}/{report['max_score']:g}, "
                      f"time-outs {len(timeouts)}; wall {wall:.1f} s beside {args.hogs} CPU hogs "
                      f"(CPU time of the grader and the processes it waited for: {cpu:.1f} s)")
                for line in lost:
                    print("  lost:", line)
                failed = failed or proc.returncode != 0 or bool(lost)
        finally:
            for hog in hogs:
                hog.kill()
                hog.wait()
    print("full marks, no time-out" if not failed else "FAILED: points lost on a busy machine")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

"""Grading every code question's reference in one `llamaprep grade` run, against a bare
`python -c "import torch"` measured side by side in the same run.

    python benchmarks/grade_speed.py [--repeat 5] [--first-bank]

Prints the median of each and their ratio (target: at most 1.3).  Each round runs both
commands back to back, so a busy machine slows both alike.  ``--first-bank`` grades only the
14 code questions of the first release, so that a bank that has grown can still be compared
with the figures measured before it grew.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from grader.bank.loader import load_bank  # noqa: E402

FIRST_BANK = {
    "rope-frequencies", "rope-apply-interleaved", "rope-apply-half", "rope-layout-permutation", "rope-llama3-scaling",
    "rmsnorm-forward", "rmsnorm-module", "rmsnorm-backward", "rmsnorm-fused-residual",
    "gqa-repeat-kv", "gqa-attention", "gqa-kv-cache-bytes", "gqa-from-mha", "llama-attention-block",
}


def timed(cmd: list[str], env: dict) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return time.perf_counter() - started, proc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--first-bank", action="store_true", help="only the 14 code questions of the first release")
    args = parser.parse_args()
    bank = load_bank()
    code = [q for q in bank.by_topic(kind="code") if not args.first_bank or q.id in FIRST_BANK]
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "work"
        for q in code:
            dest = ws / q.topic / f"{q.file_stem}.py"
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(bank.solution_path(q.id), dest)
        env = {**os.environ, "LLAMAPREP_HOME": str(Path(tmp) / "home")}
        # pip writes every module's bytecode when it installs; a checkout gets it on the warm-up
        # runs below unless this is set (it was, where the earlier figures were taken)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        # as the installed `llamaprep` script runs it: cli imported, from its bytecode
        entry = "import sys; sys.path.insert(0, sys.argv.pop(1)); sys.argv[0] = 'llamaprep'; from cli import main; main()"
        grade_cmd = [sys.executable, "-c", entry, str(REPO), "grade", "--workspace", str(ws), "--format", "json"]
        torch_cmd = [sys.executable, "-c", "import torch"]
        timed(torch_cmd, env)  # warm the file cache (and the bytecode) for both
        timed(grade_cmd, env)
        grades, imports = [], []
        for _ in range(args.repeat):
            seconds, proc = timed(grade_cmd, env)
            if proc.returncode != 0:
                sys.exit(f"grading the references did not give full marks (exit {proc.returncode}):\n{proc.stderr[-2000:]}")
            grades.append(seconds)
            imports.append(timed(torch_cmd, env)[0])
        report = json.loads(proc.stdout)
    cases = sum(len(q["cases"]) for q in report["questions"])
    g, i = statistics.median(grades), statistics.median(imports)
    print(f"questions graded: {len(report['questions'])} ({cases} cases), score {report['score']:g}/{report['max_score']:g}")
    print(f"grade-all median: {g:.2f} s   import torch median: {i:.2f} s   (over {args.repeat} rounds)")
    print(f"grade-all / import torch = {g / i:.2f}   (target <= 1.3)")


if __name__ == "__main__":
    main()

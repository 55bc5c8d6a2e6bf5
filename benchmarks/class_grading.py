"""Class grading throughput: students graded per second with one worker and with one per
core, measured side by side in one run, and the speed-up between them.

    python benchmarks/class_grading.py [--students 24] [--rounds 3] [--jobs N]

The class is synthetic: each student submits rmsnorm-forward (a correct answer, the
untouched stub, or a listed mistake, in turn) and, when the bank has them, gqa-repeat-kv
and rope-apply-interleaved references.  Rounds alternate between the two settings, so a
busy machine slows both alike; each figure is the median over the rounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from grader.sandbox.zygote import Zygote  # noqa: E402

ZYGOTE = Zygote()  # before torch computes anything in this process

from grader.bank.loader import load_bank  # noqa: E402
from grader.instructor.classroom import grade_class  # noqa: E402

WRONG = {
    "mean": "import torch\n\ndef rms_norm(x, weight, eps=1e-5):\n    xf = x.float(); xc = xf - xf.mean(-1, keepdim=True)\n"
            "    return (xc * torch.rsqrt(xc.pow(2).mean(-1, keepdim=True) + eps)).type_as(x) * weight\n",
    "no_weight": "import torch\n\ndef rms_norm(x, weight, eps=1e-5):\n"
                 "    xf = x.float()\n    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).type_as(x)\n",
}


def make_class(folder: Path, students: int) -> int:
    bank = load_bank()
    extra = [q for q in ("gqa-repeat-kv", "rope-apply-interleaved") if q in bank.questions]
    files = 0
    for n in range(students):
        student = folder / f"student{n:03d}"
        student.mkdir(parents=True)
        kind = n % 4
        if kind == 0:
            text = bank.solution_path("rmsnorm-forward").read_text()
        elif kind == 1:
            text = bank.stub_path("rmsnorm-forward").read_text()
        else:
            text = list(WRONG.values())[kind - 2]
        (student / "rmsnorm_forward.py").write_text(text)
        files += 1
        for qid in extra:
            (student / f"{qid.replace('-', '_')}.py").write_text(bank.solution_path(qid).read_text())
            files += 1
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=24)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    bank = load_bank()
    with tempfile.TemporaryDirectory() as tmp:
        files = make_class(Path(tmp), args.students)
        grade_class(bank=bank, folder=Path(tmp), workers=1, zygote=ZYGOTE)  # warm-up: solutions loaded, caches hot
        times: dict[int, list[float]] = {1: [], args.jobs: []}
        for _ in range(args.rounds):
            for workers in times:
                started = time.perf_counter()
                report = grade_class(bank=bank, folder=Path(tmp), workers=workers, zygote=ZYGOTE)
                times[workers].append(time.perf_counter() - started)
                assert len(report.rows()) == files
    one, many = statistics.median(times[1]), statistics.median(times[args.jobs])
    print(f"class: {args.students} students, {files} files, {os.cpu_count()} cores, median of {args.rounds} rounds")
    print(f"1 worker:   {one:6.2f} s   {args.students / one:6.2f} students/s   {files / one:6.2f} files/s")
    print(f"{args.jobs} workers:  {many:6.2f} s   {args.students / many:6.2f} students/s   {files / many:6.2f} files/s")
    print(f"speed-up with {args.jobs} workers: {one / many:.2f}x")
    ZYGOTE.close()


if __name__ == "__main__":
    main()

"""Time limits judged on CPU time, with a wall-clock backstop, and loading on its own budget.

Every assertion is on statuses and reason codes, never on a stopwatch: the point is that
the verdicts stay the same when the machine is busy.  Two CPU-bound processes, started by
the test and killed after, play the busy machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from bank_copies import copy_question

LLAMAPREP = str(Path(sys.executable).with_name("llamaprep"))
QID = "rmsnorm-forward-copy"
CORRECT = """
import time
import torch

def rms_norm(x, weight, eps=1e-5):
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).type_as(x) * weight
"""


def limits(time_limit: float, question: float, load: float):
    def edit(text: str) -> str:
        return text.replace(
            "grading:\n", f"grading:\n  time_limit: {time_limit}\n  question_time_limit: {question}\n  load_time_limit: {load}\n", 1
        )

    return edit


def grade(tmp_path: Path, source: str, edit) -> tuple[dict, subprocess.CompletedProcess]:
    bank = tmp_path / "bank"
    copy_question(bank, yaml_edit=edit)
    path = tmp_path / "answer.py"
    path.write_text(source, encoding="utf-8")
    proc = subprocess.run(
        [LLAMAPREP, "grade", QID, "--bank", str(bank), "--file", str(path), "--format", "json"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return json.loads(proc.stdout)["questions"][0], proc


def codes(question: dict) -> list:
    return [(c["reason"] or {}).get("code") for c in question["cases"]]


@contextmanager
def two_cpu_hogs():
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def test_an_answer_that_computes_for_a_quarter_of_its_cpu_limit_earns_full_marks_beside_two_cpu_hogs(tmp_path):
    # A quarter CPU second per call against a 1 s limit: with two hogs and the grader on two
    # cores (and whatever else the machine runs) that may take well over a wall-clock
    # second; only CPU time counts, and the backstop is 4 s.
    source = CORRECT.replace(
        "    xf = x.float()\n",
        "    start = time.process_time()\n    while time.process_time() - start < 0.25:\n        pass\n    xf = x.float()\n",
    )
    with two_cpu_hogs():
        question, proc = grade(tmp_path, source, limits(1, 12, 60))
    assert proc.returncode == 0, [(c["name"], c["status"], c["message"]) for c in question["cases"]]
    assert question["score"] == question["max_score"]


def test_a_busy_loop_times_out_on_cpu_time_beside_two_cpu_hogs(tmp_path):
    source = "def rms_norm(x, weight, eps=1e-5):\n    while True:\n        pass\n"
    with two_cpu_hogs():
        question, proc = grade(tmp_path, source, limits(1, 3, 60))
    assert proc.returncode == 1
    assert {c["status"] for c in question["cases"]} == {"timeout"}, [(c["status"], c["message"]) for c in question["cases"]]
    # Ended by its CPU limit; on a machine so loaded that the loop gets less than a quarter
    # of a core, by the backstop first — a time-out either way.
    assert codes(question)[0] in ("timeout", "backstop")
    assert "time-used-up" in codes(question)  # the question's 3 CPU seconds run out too


def test_a_sleeping_call_is_ended_by_the_wall_clock_backstop(tmp_path):
    source = "import time\n\ndef rms_norm(x, weight, eps=1e-5):\n    time.sleep(3600)\n"
    question, proc = grade(tmp_path, source, limits(0.5, 1, 60))
    assert proc.returncode == 1
    assert {c["status"] for c in question["cases"]} == {"timeout"}
    first = question["cases"][0]
    assert first["reason"]["code"] == "backstop", first
    assert first["reason"]["params"]["cpu_s"] < 0.5  # it slept: the CPU limit never ran out
    assert "wall-clock" in first["message"]


def test_a_slow_import_has_its_own_budget(tmp_path):
    # Module-level work of 1.5 CPU seconds (a library import, say): more than the per-call
    # (1 s) and the question's (1.2 s) limits, well inside the load budget.
    source = "import time\nstart = time.process_time()\nwhile time.process_time() - start < 1.5:\n    pass\n" + CORRECT
    question, proc = grade(tmp_path, source, limits(1, 1.2, 30))
    assert proc.returncode == 0, [(c["name"], c["status"], c["message"]) for c in question["cases"]]
    assert question["score"] == question["max_score"]


def test_a_load_that_spins_past_its_budget_is_reported_with_the_load_limit(tmp_path):
    source = "while True:\n    pass\n" + CORRECT
    question, proc = grade(tmp_path, source, limits(1, 4, 1.5))
    assert proc.returncode == 1
    assert set(codes(question)) == {"load-timeout"}  # loaded once: every case reports that load
    assert "loading your file did not finish within the time limit (1.5 s)" in question["cases"][0]["message"]


def test_a_load_that_sleeps_ends_at_the_load_backstop(tmp_path):
    source = "import time\ntime.sleep(3600)\n" + CORRECT
    question, _ = grade(tmp_path, source, limits(1, 4, 0.5))
    assert set(codes(question)) == {"load-backstop"}
    assert question["cases"][0]["status"] == "timeout"


def test_the_file_is_imported_once_for_all_cases(bank, zygote, tmp_path):
    from grader.grading.engine import grade_submissions

    path = tmp_path / "answer.py"
    path.write_text("print('imported')\n" + CORRECT, encoding="utf-8")
    report = grade_submissions(bank=bank, targets=[("rmsnorm-forward", path)], zygote=zygote)
    cases = report.questions[0].cases
    assert all(c.status == "passed" for c in cases)
    assert sum("imported" in c.output for c in cases) == 1  # one worker, one import, nine cases

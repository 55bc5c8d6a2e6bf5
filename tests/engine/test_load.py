"""Load: a class of 50 graded at once (`llamaprep grade --submissions DIR`), several of them
hostile, finishes (bounded by a generous subprocess timeout) with every honest student's
marks exactly what they earned, and leaves no process behind."""

from __future__ import annotations

import json
import shutil

from conftest import CORPUS, ONE, make_bank, no_leftovers, opened, qid_of, run_cli

STEM = qid_of("class").replace("-", "_")  # rmsnorm_class.py in every student's folder

# Honest students' files and the score each one earns.
HONEST = {
    "thread_left_running": 10,  # correct, and harmless extras
    "fails_first_call_only": 10 - ONE,
    "passes_first_call_only": ONE,
    "wrong_dtype_float64": ONE,
}
HOSTILE = [
    "loop_in_call", "hoards_tensors", "hoards_python_objects", "os_exit", "segfault",
    "double_fork_daemon", "kills_the_sandbox", "spawns_program", "patches_grader", "sleeps",
]
VANDAL = """
import glob, os

def rms_norm(x, weight, eps=1e-5):
    # Overwrite every other student's submission with a copy that returns zeros.
    here = os.path.dirname(os.path.abspath(__file__))
    for path in glob.glob(os.path.join(here, "..", "*", "*.py")):
        try:
            with open(path, "w") as f:
                f.write("def rms_norm(x, weight, eps=1e-5):\\n    return x * 0\\n")
        except OSError:
            pass
    return x * 0
"""


def test_fifty_students_with_hostile_ones_keep_honest_marks(tmp_path, open_tmp):
    bank = make_bank(tmp_path, ["class"])
    folder = open_tmp / "class"
    expected = {}
    honest = list(HONEST)
    for n in range(50 - len(HOSTILE) - 1):
        name = honest[n % len(honest)]
        student = folder / f"student{n:02d}"
        student.mkdir(parents=True)
        shutil.copy(CORPUS / f"{name}.py", student / f"{STEM}.py")
        expected[student.name] = HONEST[name]
    for name in HOSTILE:
        student = folder / f"hostile_{name}"
        student.mkdir(parents=True)
        shutil.copy(CORPUS / f"{name}.py", student / f"{STEM}.py")
    vandal = folder / "vandal"
    vandal.mkdir()
    (vandal / f"{STEM}.py").write_text(VANDAL)
    opened(folder)  # writable by anyone: only the grader's guard stands in the way

    proc = run_cli(["grade", "--submissions", str(folder), "--bank", str(bank), "--format", "json", "--jobs", "4"], tmp_path, timeout=600)
    assert b"Traceback" not in proc.stderr, proc.stderr[-2000:]
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    scores = {s["student"]: s["questions"][0]["score"] for s in report["students"]}
    assert len(scores) == 50
    wrong = {name: (scores.get(name), want) for name, want in expected.items() if abs(scores.get(name, -1) - want) > 1e-6}
    assert wrong == {}
    assert scores["hostile_kills_the_sandbox"] == 10 and scores["hostile_double_fork_daemon"] == 10
    assert all(scores[f"hostile_{name}"] == 0 for name in HOSTILE if name not in ("kills_the_sandbox", "double_fork_daemon"))
    assert "return x * 0" not in (folder / "student00" / f"{STEM}.py").read_text()
    assert no_leftovers(str(folder)) == []

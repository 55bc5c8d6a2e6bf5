"""Messages that say what happened: the learner's own NotImplementedError, a BOM, a file too
large to grade, and the grader running out of processes or files — through `llamaprep grade`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LLAMAPREP = str(Path(sys.executable).with_name("llamaprep"))
QID = "rmsnorm-forward"
REFERENCE = (REPO / "solutions" / "rmsnorm" / "rmsnorm_forward.py").read_text(encoding="utf-8")
CORRECT = """
import torch

def rms_norm(x, weight, eps=1e-5):
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).type_as(x) * weight
"""


def grade(tmp_path: Path, data: bytes, *argv: str, prelude: str = "") -> tuple[subprocess.CompletedProcess, dict | None]:
    """`llamaprep grade QID --file F --format json`, optionally after ``prelude`` (a fault
    injected into the grader's own process)."""
    path = tmp_path / "answer.py"
    path.write_bytes(data)
    args = ["grade", QID, "--file", str(path), "--format", "json", *argv]
    if prelude:
        code = prelude + f"\nimport sys\nsys.argv = ['llamaprep', *{args!r}]\nimport cli\ncli.main()\n"
        cmd = [sys.executable, "-c", code]
    else:
        cmd = [LLAMAPREP, *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, cwd=REPO)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout, proc.stderr[-3000:]
    try:
        return proc, json.loads(proc.stdout)["questions"][0]
    except (ValueError, IndexError, KeyError):
        return proc, None


def by_name(question: dict) -> dict:
    return {c["name"]: c for c in question["cases"]}


def test_the_learners_own_not_implemented_error_is_reported_with_its_message(tmp_path):
    source = CORRECT.replace(
        "    xf = x.float()\n",
        "    if x.dtype == torch.bfloat16:\n        raise NotImplementedError('no bfloat16 kernel yet')\n    xf = x.float()\n",
    )
    proc, question = grade(tmp_path, source.encode())
    case = by_name(question)["bfloat16 input"]
    assert case["status"] == "error"
    assert case["reason"]["code"] == "exception"
    assert "NotImplementedError: no bfloat16 kernel yet" in case["message"]
    assert "raise NotImplementedError('no bfloat16 kernel yet')" in case["message"]  # its line
    assert "stub" not in case["message"]
    assert sum(c["status"] == "passed" for c in question["cases"]) == len(question["cases"]) - 1


def test_only_the_stubs_untouched_raise_is_not_implemented_yet(tmp_path):
    stub = (REPO / "questions" / "rmsnorm" / "rmsnorm_forward.py").read_bytes()
    proc, question = grade(tmp_path, stub)
    assert {(c["reason"] or {}).get("code") for c in question["cases"]} == {"not-implemented"}
    assert "not implemented yet" in question["cases"][0]["message"]
    # The same bare raise in a helper of the learner's own is the learner's exception.
    own = b"import torch\n\ndef _kernel(x):\n    raise NotImplementedError\n\ndef rms_norm(x, weight, eps=1e-5):\n    return _kernel(x)\n"
    proc, question = grade(tmp_path, own)
    assert {(c["reason"] or {}).get("code") for c in question["cases"]} == {"exception"}
    assert "NotImplementedError (line 4: raise NotImplementedError)" in question["cases"][0]["message"]


def test_a_file_saved_with_a_utf8_bom_earns_full_marks(tmp_path):
    proc, question = grade(tmp_path, b"\xef\xbb\xbf" + REFERENCE.encode("utf-8"))
    assert proc.returncode == 0, question
    assert question["score"] == question["max_score"]


def test_a_file_over_the_size_limit_is_told_its_size_and_the_limit(tmp_path):
    big = CORRECT.encode() + b"# " + b"x" * (20 << 20) + b"\n"
    proc, question = grade(tmp_path, big)
    assert proc.returncode == 1
    assert {c["status"] for c in question["cases"]} == {"error"}
    assert question["cases"][0]["message"] == "your file is 20 MB; the limit is 4 MB"
    assert "Broken pipe" not in proc.stdout


def test_a_file_just_under_the_limit_is_graded(tmp_path):
    padded = REFERENCE.encode() + b"# " + "注".encode() * ((3 << 20) // 3) + b"\n"  # escapes would triple it in JSON
    proc, question = grade(tmp_path, padded)
    assert proc.returncode == 0, question["cases"][0]["message"]


FORK_FAILS_ONCE_IN_THE_ZYGOTE = """
import os, sys
_real_fork, _failed = os.fork, []
def _fork():
    if sys._getframe(1).f_code.co_name == "_zygote_main" and not _failed:  # its first fork of a worker
        _failed.append(1)
        raise BlockingIOError(11, "Resource temporarily unavailable")
    return _real_fork()
os.fork = _fork
"""

SOCKETPAIR_FAILS_ONCE = """
import errno, socket
_real, _calls = socket.socketpair, []
def _socketpair(*args, **kwargs):
    _calls.append(1)
    if len(_calls) == 2:  # the first worker's channel (the first is the zygote's)
        raise OSError(errno.EMFILE, "Too many open files")
    return _real(*args, **kwargs)
socket.socketpair = _socketpair
"""

FORK_ALWAYS_FAILS = """
import os
def _fork():
    raise BlockingIOError(11, "Resource temporarily unavailable")
os.fork = _fork
"""


def test_a_worker_that_cannot_be_forked_costs_one_case_with_the_reason(tmp_path):
    proc, question = grade(tmp_path, REFERENCE.encode(), prelude=FORK_FAILS_ONCE_IN_THE_ZYGOTE)
    assert proc.returncode == 1
    first, rest = question["cases"][0], question["cases"][1:]
    assert first["status"] == "crashed" and first["reason"]["code"] == "spawn-failed"
    assert "could not start a process for your code (os.fork: Resource temporarily unavailable)" in first["message"]
    assert {c["status"] for c in rest} == {"passed"}


def test_running_out_of_file_descriptors_costs_one_case_with_the_reason(tmp_path):
    proc, question = grade(tmp_path, REFERENCE.encode(), prelude=SOCKETPAIR_FAILS_ONCE)
    first, rest = question["cases"][0], question["cases"][1:]
    assert first["status"] == "crashed" and "Too many open files" in first["message"]
    assert {c["status"] for c in rest} == {"passed"}


def test_no_fork_at_all_is_one_line_and_exit_2(tmp_path):
    proc, _ = grade(tmp_path, REFERENCE.encode(), prelude=FORK_ALWAYS_FAILS)
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Resource temporarily unavailable" in lines[0], proc.stderr


THREADS_FAIL = """
import threading
def _start(self):
    raise RuntimeError("can't start new thread")
threading.Thread.start = _start
"""


def test_no_thread_to_be_had_grades_one_question_at_a_time(tmp_path):
    work = tmp_path / "work"
    for topic, stem in (("rmsnorm", "rmsnorm_forward"), ("gqa", "gqa_repeat_kv")):
        (work / topic).mkdir(parents=True)
        (work / topic / f"{stem}.py").write_bytes((REPO / "solutions" / topic / f"{stem}.py").read_bytes())
    argv = ["grade", "rmsnorm-forward", "gqa-repeat-kv", "--workspace", str(work), "--format", "json", "--jobs", "2"]
    code = THREADS_FAIL + f"\nimport sys\nsys.argv = ['llamaprep', *{argv!r}]\nimport cli\ncli.main()\n"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, cwd=REPO)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    assert report["score"] == report["max_score"] == 20

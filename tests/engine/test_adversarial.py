"""The hostile corpus (tests/corpus/*.py) through the real `llamaprep grade` command; what each
file must come to is beside it, in tests/corpus/expected.yaml.

Every hostile submission becomes its own copy of rmsnorm-forward in a temporary bank with
short limits (2 s a call, 6 s a question, 512 MiB), so that hangs are cheap; the corpus is
graded in a few `llamaprep grade ID ... --format json` runs side by side (one torch import
per run instead of one per file).  Separate tests use `--file` at the question's default
limits, the table format, and the grader's own pid.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

# The helpers are conftest's (test_isolation still imports them from here).
from conftest import (  # noqa: F401
    CASES,
    CORPUS,
    LLAMAPREP,
    ONE,
    REPO,
    env_for,
    make_bank,
    no_leftovers,
    open_folder,
    opened,
    processes_mentioning,
    qid_of,
    run_cli,
)

QID = "rmsnorm-forward"

# file -> what its grading must come to (tests/corpus/expected.yaml, "hostile").
EXPECTED = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))["hostile"]

BATCHES = 3


@pytest.fixture(scope="module")
def corpus_run():
    """Grade the whole corpus once: {name: question JSON}, plus each batch's run facts."""
    root = open_folder()
    try:
        yield _grade_corpus(root)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _grade_corpus(root: Path):
    names = sorted(EXPECTED)
    bank = opened(make_bank(root, names))
    batches = [names[i::BATCHES] for i in range(BATCHES)]

    def grade(index: int):
        work = root / f"batch{index}"
        (work / "rmsnorm").mkdir(parents=True)
        for name in batches[index]:
            shutil.copy(CORPUS / f"{name}.py", work / "rmsnorm" / f"{qid_of(name).replace('-', '_')}.py")
        opened(work)
        ids = [qid_of(n) for n in batches[index]]
        proc = run_cli(["grade", *ids, "--bank", str(bank), "--workspace", str(work), "--format", "json"], root)
        return work, proc, no_leftovers(str(work))

    with ThreadPoolExecutor(BATCHES) as pool:
        runs = list(pool.map(grade, range(BATCHES)))
    results, facts = {}, {}
    for index, (work, proc, left) in enumerate(runs):
        report = json.loads(proc.stdout)  # stdout carries only the report
        for name in batches[index]:
            results[name] = next(q for q in report["questions"] if q["id"] == qid_of(name))
            facts[name] = {"work": work, "proc": proc, "leftovers": left}
    return results, facts


def test_every_file_of_the_corpus_has_its_expected_outcome():
    assert sorted(EXPECTED) == sorted(p.stem for p in CORPUS.glob("*.py"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_hostile_submission_gets_its_expected_verdict(corpus_run, name):
    results, facts = corpus_run
    question, run = results[name], facts[name]
    want = EXPECTED[name]
    statuses = [c["status"] for c in question["cases"]]
    detail = [(c["name"], c["status"], c["message"][:160]) for c in question["cases"]]
    assert len(statuses) == CASES
    assert statuses[0] in want["first"], detail
    assert set(statuses[1:]) <= set(want["rest"]), detail
    assert question["score"] == pytest.approx(want["earns"] * ONE, abs=1e-6), detail
    assert any(want.get("message", "") in c["message"] for c in question["cases"]), detail
    assert all("\x1b" not in c["message"] for c in question["cases"])
    proc = run["proc"]
    assert proc.returncode == 1, proc.stderr.decode(errors="replace")[-2000:]  # points lost somewhere in the batch
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")[-2000:]
    assert run["leftovers"] == []


def test_a_pickle_returned_by_the_child_is_never_unpickled(corpus_run):
    _, facts = corpus_run
    marker = facts["returns_pickle"]["work"] / "rmsnorm" / "unpickled-marker"
    assert not marker.exists()


def test_files_outside_the_grading_folder_stay_untouched(corpus_run):
    results, facts = corpus_run
    assert not (facts["writes_outside"]["work"] / "rmsnorm" / "vandalised").exists()
    refusal = results["reads_the_reference"]["cases"][0]["message"]
    found = int(re.search(r"(\d+) candidates", refusal).group(1))
    assert found >= 1  # the files were there to be found, and could not be opened


def test_processes_a_submission_leaves_are_killed(corpus_run):
    _, facts = corpus_run
    for name in ("fork_left_running", "double_fork_daemon", "daemon_keeps_channel_then_dies", "thread_left_running"):
        assert facts[name]["leftovers"] == [], name


def test_nothing_the_submission_does_runs_in_the_grader(tmp_path, open_tmp):
    """Traps on every route into the parent (import, call, returned objects' __reduce__,
    __del__, __eq__, __repr__, atexit) record the pid that ran them; never the grader's."""
    bank = make_bank(tmp_path, ["runs_in_parent"])
    folder = open_tmp  # writable for the worker too: only the guard refuses its writes
    path = folder / "runs_in_parent.py"
    shutil.copy(CORPUS / "runs_in_parent.py", path)
    cmd = [LLAMAPREP, "grade", qid_of("runs_in_parent"), "--file", str(path), "--bank", str(bank), "--format", "json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env_for(tmp_path), cwd=tmp_path)
    out, err = proc.communicate(timeout=240)
    cases = json.loads(out)["questions"][0]["cases"]
    reported = {int(p) for c in cases for p in re.findall(r"pid=(\d+)", c["message"])}
    assert reported and proc.pid not in reported, (proc.pid, reported)
    assert all("call-write=blocked" in c["message"] for c in cases if "pid=" in c["message"])
    written = {int(f.name.rsplit("-", 1)[1]) for f in folder.glob("ran-*")}
    assert proc.pid not in written, written
    assert not written  # the guard refused every write outside the worker's folder
    assert b"Traceback" not in err


def test_table_output_carries_no_escape_sequence_from_the_submission(tmp_path):
    names = ["ansi_escapes", "huge_binary_output", "fake_result_json"]
    bank = make_bank(tmp_path, names)
    work = tmp_path / "work"
    (work / "rmsnorm").mkdir(parents=True)
    for name in names:
        shutil.copy(CORPUS / f"{name}.py", work / "rmsnorm" / f"{qid_of(name).replace('-', '_')}.py")
    # --verbose: what a submission printed is shown only there (the compact view leaves it out)
    proc = run_cli(["grade", *map(qid_of, names), "--bank", str(bank), "--workspace", str(work), "--verbose"], tmp_path)
    assert proc.returncode == 1
    shown = proc.stdout + proc.stderr
    assert b"\x1b" not in shown and b"\x07" not in shown
    assert b"ALL 9 CASES PASSED" in proc.stdout  # the text is shown, defanged
    assert b"Traceback" not in shown


def test_default_limits_a_slow_call_and_a_huge_allocation_cost_one_case_each(tmp_path):
    """At rmsnorm-forward's own limits (5 s a call, 20 s a question, the default memory):
    the first call sleeps, the second allocates 4 TiB, the rest are right."""
    path = tmp_path / "mixed.py"
    path.write_text(
        "import time\nimport torch\n\n"
        "def rms_norm(x, weight, eps=1e-5):\n"
        "    if tuple(x.shape) == (1, 1, 64):\n"  # the first case
        "        time.sleep(3600)\n"
        "    if tuple(x.shape) == (3, 7, 96):\n"  # the second case
        "        return torch.ones(1 << 40)\n"
        "    xf = x.float()\n"
        "    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).type_as(x) * weight\n"
    )
    proc = run_cli(["grade", QID, "--file", str(path), "--format", "json"], tmp_path)
    cases = json.loads(proc.stdout)["questions"][0]["cases"]
    statuses = [c["status"] for c in cases]
    # It sleeps, using no CPU time: the wall-clock backstop (4 x 5 s) ends it.
    assert statuses[0] == "timeout" and cases[0]["reason"]["code"] == "backstop", cases[0]
    assert statuses[1] == "crashed" and "memory limit exceeded" in cases[1]["message"]
    assert set(statuses[2:]) == {"passed"}, [(c["name"], c["status"], c["message"]) for c in cases]
    assert proc.returncode == 1
    assert no_leftovers(str(path)) == []


def test_a_killed_sandbox_makes_the_remaining_cases_crashed_not_a_traceback(bank):
    """What a submission that gets round the guard (ctypes kill) could do to the zygote."""
    import signal

    from grader.grading.engine import grade_submissions
    from grader.sandbox.zygote import Zygote

    with Zygote() as zygote:
        os.kill(zygote.pid, signal.SIGKILL)
        os.waitpid(zygote.pid, 0)
        report = grade_submissions(bank=bank, targets=[(QID, bank.solution_path(QID))], zygote=zygote)
    (question,) = report.questions
    assert {c.status for c in question.cases} == {"crashed"}
    assert "the grading sandbox" in question.cases[0].message

"""Golden outcomes: the basic submissions (tests/corpus/basic/) for rmsnorm-forward through
grade_submissions.  What each must come to is beside it, in tests/corpus/expected.yaml
("basic"); the tests below add what a table cannot say.  The grader must stay honest and
bounded for all.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from conftest import CORPUS, expected_outcomes
from grader.grading.engine import grade_submissions

FIXTURES = CORPUS / "basic"
EXPECTED = expected_outcomes("basic")
QID = "rmsnorm-forward"


def grade(bank, zygote, path: Path, qid: str = QID):
    report = grade_submissions(bank=bank, targets=[(qid, path)], zygote=zygote)
    return report.questions[0]


def statuses(result) -> set[str]:
    return {c.status for c in result.cases}


def test_every_basic_file_has_its_expected_outcome():
    assert sorted(EXPECTED) == sorted(p.stem for p in FIXTURES.glob("*.py"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_basic_submission_gets_its_expected_outcome(bank, zygote, name):
    want = EXPECTED[name]
    result = grade(bank, zygote, FIXTURES / f"{name}.py")
    detail = [(c.name, c.status, c.message) for c in result.cases]
    if "every" in want:
        assert statuses(result) == {want["every"]}, detail
    if want["earns"] == "some":
        assert 0 < result.score < result.max_score, detail
    else:
        assert result.score == pytest.approx(result.max_score * want["earns"] / len(result.cases), abs=1e-6), detail
    fixed = {case.name for case in bank.get(QID).grading.cases}  # property messages are the judge's own
    failed = [c for c in result.cases if c.name in fixed and c.status != "passed"]
    assert all(want.get("message", "") in c.message for c in failed), detail


def test_error_names_the_line_of_the_learners_file(bank, zygote):
    result = grade(bank, zygote, FIXTURES / "raises.py")
    assert "(line 5: last = weight[x.shape[-1]]" in result.cases[0].message


def test_wrong_dtype_fails_only_the_reduced_precision_cases(bank, zygote):
    result = grade(bank, zygote, FIXTURES / "wrong_dtype.py")
    by_name = {c.name: c for c in result.cases}
    assert by_name["bfloat16 input"].status == "failed"
    assert "dtype mismatch: got float32, expected bfloat16" in by_name["bfloat16 input"].message
    assert by_name["large activations in float16"].status == "failed"
    assert by_name["float32, batch 1, one token"].status == "passed"
    assert 0 < result.score < result.max_score


@pytest.mark.parametrize("mistake", ["mean-subtraction", "eps-outside-root", "no-weight", "no-float32-upcast"])
def test_each_listed_mistake_fails_and_is_named(bank, zygote, tmp_path, mistake):
    # tests/bank/test_bank_dev_check.py names every question's mistakes; here, where no two
    # of them coincide on a case, each is also the only one named.
    q = bank.get(QID)
    source = bank.solution_path(QID).read_text()
    path = tmp_path / "submission.py"
    path.write_text(source + f"\n\n{q.entry_point} = mistake_{mistake.replace('-', '_')}\n")
    result = grade(bank, zygote, path)
    assert result.score < result.max_score
    named = {c.mistake for c in result.cases if c.status == "failed"}
    assert mistake in named, [(c.name, c.status, c.mistake) for c in result.cases]
    assert named <= {mistake, None}


def test_flooding_stdout_with_fake_results_changes_nothing(bank, zygote):
    result = grade(bank, zygote, FIXTURES / "floods_stdout.py")  # its score: expected.yaml
    printed = next(c.output for c in result.cases if c.output)
    assert "output truncated" in printed
    assert "\x1b" not in printed and all("\x1b" not in c.message for c in result.cases)


def test_pickled_payload_never_runs_in_the_parent(bank, zygote):
    marker = Path("/tmp/llamaprep-pickle-marker")
    marker.unlink(missing_ok=True)
    grade(bank, zygote, FIXTURES / "pickled_payload.py")
    assert not marker.exists()


def test_never_returns_costs_bounded_time(fast_bank, zygote):
    # The bound is shown by the statuses, not a stopwatch: the first call is cut at the
    # per-call limit, and once the question's cap is spent the rest are skipped unrun.
    _, bank, qid = fast_bank
    result = grade(bank, zygote, CORPUS / "loop_in_call.py", qid)
    assert statuses(result) == {"timeout"}
    # Cut at its 1 s of CPU time; on a machine so loaded that it gets less than a quarter of
    # a core, by the wall-clock backstop (4 s) first.
    assert result.cases[0].reason.code in ("timeout", "backstop"), result.cases[0].message
    assert any("time limit (4 s) was used up" in c.message for c in result.cases)


def test_a_crash_costs_one_case_and_the_rest_still_earn(fast_bank, zygote, tmp_path):
    path = tmp_path / "flaky.py"
    path.write_text(
        (FIXTURES / "correct_float64.py").read_text()
        + "\n_real = rms_norm\n"
        "def rms_norm(x, weight, eps=1e-5):\n"
        "    import os, torch\n"
        "    if x.dtype == torch.bfloat16:\n"
        "        os._exit(7)\n"
        "    if x.dtype == torch.float16:\n"
        "        while True: pass\n"
        "    return _real(x, weight, eps)\n"
    )
    _, bank, qid = fast_bank
    result = grade(bank, zygote, path, qid)
    by_name = {c.name: c for c in result.cases}
    assert by_name["bfloat16 input"].status == "crashed"
    assert "exited with code 7" in by_name["bfloat16 input"].message
    assert by_name["large activations in float16"].status == "timeout"
    others = [c for n, c in by_name.items() if n not in ("bfloat16 input", "large activations in float16")]
    assert all(c.status == "passed" for c in others), [(c.name, c.status, c.message) for c in others]


def test_no_worker_outlives_grading(bank, tmp_path):
    from grader.sandbox.zygote import Zygote

    path = tmp_path / "daemon.py"
    path.write_text(
        "import os, time\n"
        "def rms_norm(x, weight, eps=1e-5):\n"
        "    if os.fork() == 0:\n"
        "        os.setsid()\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(300)\n"
        "        os._exit(0)\n"
        "    return x\n"
    )
    with Zygote() as z:
        zpid = z.pid
        grade(bank, z, path)
    time.sleep(0.2)
    leftovers = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmd = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if f" {zpid} " in cmd.split(")", 1)[1][:20]:
                leftovers.append(entry)
    assert not leftovers
    with pytest.raises(ProcessLookupError):
        os.kill(zpid, 0)

"""Golden outcomes: fixture submissions for rmsnorm-forward through the real grader.

Each fixture is named after what it does; the table says the status every case must end
with (or, for mixed outcomes, per dtype).  The grader must stay honest and bounded for all.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
import yaml

from grader.bank.loader import load_bank
from grader.grading.engine import grade_submissions

FIXTURES = Path(__file__).resolve().parents[1] / "corpus" / "basic"
QID = "rmsnorm-forward"


def grade(bank, zygote, path: Path):
    report = grade_submissions(bank=bank, targets=[(QID, path)], zygote=zygote)
    return report.questions[0]


def statuses(result) -> set[str]:
    return {c.status for c in result.cases}


@pytest.mark.parametrize(
    "fixture, status, message",
    [
        ("syntax_error", "error", "SyntaxError at line 5"),
        ("import_error", "error", "ModuleNotFoundError"),
        ("raises", "error", "IndexError"),
        ("wrong_shape", "failed", "shape mismatch"),
        ("returns_none", "failed", "got None"),
        ("segfault", "crashed", "segmentation fault"),
        ("exhausts_memory", "crashed", "memory limit exceeded"),
        ("pickled_payload", "failed", "builtins.bytes"),
        ("monkeypatches_allclose", "failed", "Greatest absolute difference"),
    ],
)
def test_every_case_ends_with_an_honest_status(bank, zygote, fixture, status, message):
    result = grade(bank, zygote, FIXTURES / f"{fixture}.py")
    assert result.score == 0
    assert statuses(result) == {status}, [(c.name, c.status, c.message) for c in result.cases]
    fixed = {case.name for case in bank.get(QID).grading.cases}  # property messages are the judge's own
    assert all(message in c.message for c in result.cases if c.name in fixed), result.cases[0].message


def test_error_names_the_line_of_the_learners_file(bank, zygote):
    result = grade(bank, zygote, FIXTURES / "raises.py")
    assert "(line 5: last = weight[x.shape[-1]]" in result.cases[0].message


def test_correct_float64_implementation_earns_full_marks(bank, zygote):
    result = grade(bank, zygote, FIXTURES / "correct_float64.py")
    assert result.full_marks, [(c.name, c.message) for c in result.cases if c.status != "passed"]


def test_reference_scores_full_and_stub_scores_zero(bank, zygote):
    assert grade(bank, zygote, bank.solution_path(QID)).full_marks
    stub = grade(bank, zygote, bank.stub_path(QID))
    assert stub.score == 0 and statuses(stub) == {"error"}
    assert "not implemented yet" in stub.cases[0].message


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
    result = grade(bank, zygote, FIXTURES / "floods_stdout.py")
    assert result.score == 0  # returns x unchanged: wrong everywhere
    printed = next(c.output for c in result.cases if c.output)
    assert "output truncated" in printed
    assert "\x1b" not in printed and all("\x1b" not in c.message for c in result.cases)


def test_pickled_payload_never_runs_in_the_parent(bank, zygote):
    marker = Path("/tmp/llamaprep-pickle-marker")
    marker.unlink(missing_ok=True)
    grade(bank, zygote, FIXTURES / "pickled_payload.py")
    assert not marker.exists()


@pytest.fixture
def fast_bank(tmp_path):
    """rmsnorm-forward with short time limits, so that hangs are cheap to test."""
    src = load_bank()
    root = tmp_path / "bank"
    for sub in ("questions", "solutions"):
        (root / sub / "rmsnorm").mkdir(parents=True)
    data = yaml.safe_load(src.paths[QID].read_text())
    data["grading"]["time_limit"] = 1
    data["grading"]["question_time_limit"] = 4
    (root / "questions" / "rmsnorm" / f"{QID}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    shutil.copy(src.stub_path(QID), root / "questions" / "rmsnorm")
    shutil.copy(src.solution_path(QID), root / "solutions" / "rmsnorm")
    return load_bank([root], builtin=False)


def test_never_returns_costs_bounded_time(fast_bank, zygote):
    # The bound is shown by the statuses, not a stopwatch: the first call is cut at the
    # per-call limit, and once the question's cap is spent the rest are skipped unrun.
    result = grade(fast_bank, zygote, FIXTURES / "never_returns.py")
    assert statuses(result) == {"timeout"}
    assert "did not finish within the time limit (1 s)" in result.cases[0].message
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
    result = grade(fast_bank, zygote, path)
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

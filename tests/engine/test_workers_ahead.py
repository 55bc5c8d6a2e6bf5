"""Workers started while earlier questions are graded (grader.grading.prestart) are judged
exactly as workers started by their first call: the load's CPU limit holds, and the time a
loaded worker waits for its question's turn is never counted against it."""

from __future__ import annotations

from conftest import REPO, make_bank, qid_of
from grader.bank.loader import load_bank
from grader.grading.engine import grade_submissions

REFERENCE = (REPO / "solutions" / "rmsnorm" / "rmsnorm_forward.py").read_text()


def files(tmp_path, **texts: str):
    paths = {}
    for name, text in texts.items():
        path = tmp_path / "work" / f"{name}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        paths[name] = path
    return paths


def test_a_load_started_early_that_never_ends_is_a_load_timeout(tmp_path, zygote):
    bank = load_bank([make_bank(tmp_path, ["first", "spins", "last"], load_time_limit=1)])
    paths = files(tmp_path, first=REFERENCE, spins="while True:\n    pass\n" + REFERENCE, last=REFERENCE)
    targets = [(qid_of(name), path) for name, path in paths.items()]
    report = grade_submissions(bank=bank, targets=targets, zygote=zygote, jobs=1)  # "spins" loads while "first" is graded
    first, spins, last = report.questions
    assert first.score == first.max_score and last.score == last.max_score
    assert {c.reason.code for c in spins.cases} == {"load-timeout"}, [(c.name, c.message) for c in spins.cases]


# Correct, and ~5 s of wall-clock time in its cases (sleeping, no CPU): the next question's
# worker is loaded long before its turn.
SLOW = REFERENCE + "\nimport time as _time\n_plain = rms_norm\n\n\ndef rms_norm(*a, **k):\n    _time.sleep(0.6)\n    return _plain(*a, **k)\n"


def assert_full_marks_behind_slow(tmp_path, zygote, name: str, text: str, **limits) -> None:
    bank = load_bank([make_bank(tmp_path, ["slow", name], load_time_limit=1, time_limit=2, **limits)])
    paths = files(tmp_path, slow=SLOW, **{name: text})
    report = grade_submissions(bank=bank, targets=[(qid_of(n), p) for n, p in paths.items()], zygote=zygote, jobs=1)
    for result in report.questions:
        assert result.score == result.max_score, [(c.name, c.message) for c in result.cases if c.status != "passed"]


def test_waiting_in_line_longer_than_the_load_backstop_costs_nothing(tmp_path, zygote):
    assert_full_marks_behind_slow(tmp_path, zygote, "ready", REFERENCE, question_time_limit=20)  # a 1 s load limit: a 4 s backstop


def test_results_keep_the_order_of_the_targets_though_the_heaviest_is_graded_first(bank, zygote):
    targets = [(qid, bank.solution_path(qid)) for qid in ("rmsnorm-forward", "gqa-attention")] + [("no-such-question", REPO / "x.py")]
    report = grade_submissions(bank=bank, targets=targets, zygote=zygote, jobs=1)
    assert [r.id for r in report.questions] == ["rmsnorm-forward", "gqa-attention"]
    assert all(r.score == r.max_score for r in report.questions)
    assert [r.id for r in report.failures] == ["no-such-question"]


# Spins on a thread from the moment it loads until its first call, which checks how much CPU
# time the process used meanwhile.
SPINS = REFERENCE + """
import threading as _threading
import time as _time

_spinning = [True]


def _spin():
    while _spinning[0]:
        pass


_threading.Thread(target=_spin, daemon=True).start()
_plain = rms_norm


def rms_norm(*a, **k):
    if _spinning[0]:
        _spinning[0] = False
        if _time.process_time() > 2.5:
            raise RuntimeError(f"ran {_time.process_time():.1f} s of CPU time before its first call")
    return _plain(*a, **k)
"""


def test_a_worker_waiting_its_turn_is_held_stopped(tmp_path, zygote):
    # held stopped meanwhile, its thread has used almost no CPU time by its first call
    assert_full_marks_behind_slow(tmp_path, zygote, "spins", SPINS, question_time_limit=6)

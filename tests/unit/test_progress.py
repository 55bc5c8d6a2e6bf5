"""The progress store: crash-safe, safe under concurrent writers, migrating, failing in one line."""

import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO
from grader.learner.mastery import summarize
from grader.learner.progress import MIGRATIONS, Progress, ProgressError, best_scores

# A writer that prints each record's number once its transaction has committed.
WRITER = """
import sys
sys.path.insert(0, {repo!r})
from pathlib import Path
from grader.learner.progress import Progress
p = Progress(Path({path!r}))
for i in range({n}):
    p.record_attempt("{tag}-%d" % i, 1.0, 2.0)
    print(i, flush=True)
"""


def _writer(path: Path, tag: str, n: int) -> subprocess.Popen:
    code = WRITER.format(repo=str(REPO), path=str(path), n=n, tag=tag)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)


def _rows(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {q for (q,) in conn.execute("SELECT question FROM attempts")}
    finally:
        conn.close()


def test_records_and_best(tmp_path):
    p = Progress(tmp_path / "p.sqlite3")
    p.record_attempt("rmsnorm-forward", 2.5, 10)
    p.record_attempt("rmsnorm-forward", 10, 10)
    p.record_attempt("rmsnorm-forward", 5, 10)
    assert p.reveal_hint("rmsnorm-forward", 2) == 1
    assert p.reveal_hint("rmsnorm-forward", 2) == 2
    assert p.reveal_hint("rmsnorm-forward", 2) == 2  # never beyond the last hint
    p.record_quiz("rope-quiz-acronym", "A", False)
    p.record_quiz("rope-quiz-acronym", "C", True)
    best = p.best()["rmsnorm-forward"]
    assert (best.score, best.max_score, best.attempts) == (10, 10, 3)
    assert p.hints_shown("rmsnorm-forward") == 2
    quiz = p.quiz_best()["rope-quiz-acronym"]
    assert quiz.answers == 2 and quiz.ever_correct
    assert p.last_activity().kind == "hint" or p.last_activity().kind == "quiz"


def test_killed_writer_loses_nothing_committed(tmp_path):
    path = tmp_path / "p.sqlite3"
    Progress(path).best()  # create the file first: the kill should land mid-write, not mid-setup
    committed: set[str] = set()
    for round_ in range(6):
        proc = _writer(path, f"r{round_}", 100_000)
        wanted = 5 + 7 * round_  # a different moment in every round
        for _ in range(wanted):
            committed.add(f"r{round_}-{proc.stdout.readline().strip()}")
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        rows = _rows(path)
        assert committed <= rows, f"lost {sorted(committed - rows)[:5]}"
    Progress(path).record_attempt("after", 1, 1)  # still writable after all the kills
    assert "after" in _rows(path)


def test_two_writers_at_once(tmp_path):
    path = tmp_path / "p.sqlite3"  # a new file: both processes also race to create the schema
    procs = [_writer(path, tag, 150) for tag in ("a", "b")]
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        assert len(out.split()) == 150
    rows = _rows(path)
    assert len(rows) == 300
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    conn.close()


def _v1_file(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    conn.execute("INSERT INTO attempts(question, at, score, max_score) VALUES ('rmsnorm-forward', 1000.0, 7.5, 10)")
    conn.execute("INSERT INTO hints(question, shown) VALUES ('rmsnorm-forward', 2)")
    conn.commit()
    conn.close()


def test_migrates_a_version_1_file(tmp_path):
    path = tmp_path / "p.sqlite3"
    _v1_file(path)
    p = Progress(path)
    assert p.best()["rmsnorm-forward"].score == 7.5  # old rows kept
    assert p.hints_shown("rmsnorm-forward") == 2
    p.reveal_hint("rmsnorm-forward", 3)  # uses the column v2 added
    assert p.last_activity().kind == "hint"
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) == 3
    conn.close()


def test_migrates_an_empty_version_0_file(tmp_path):
    path = tmp_path / "p.sqlite3"
    sqlite3.connect(path).close()  # an empty database: user_version 0
    p = Progress(path)
    p.record_quiz("gqa-quiz-acronym", "D", True)
    assert p.quiz_best()["gqa-quiz-acronym"].ever_correct


def test_newer_file_is_refused_in_one_line(tmp_path):
    path = tmp_path / "p.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(ProgressError, match="newer llamaprep"):
        Progress(path).best()


def test_damaged_file_is_one_line(tmp_path):
    path = tmp_path / "p.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ProgressError) as info:
        Progress(path).best()
    assert "\n" not in str(info.value) and str(path) in str(info.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_data_dir_is_one_line(tmp_path):
    home = tmp_path / "ro"
    home.mkdir()
    home.chmod(0o500)
    try:
        with pytest.raises(ProgressError, match="writable"):
            Progress(home / "p.sqlite3").record_attempt("x", 1, 1)
    finally:
        home.chmod(0o700)


def _cli(args, env, **kw):
    return subprocess.run([sys.executable, str(REPO / "cli.py"), *args], env=env, capture_output=True, text=True, **kw)


def test_unwritable_home_gives_one_line_error_not_traceback(tmp_path):
    """A file where the data folder should be fails for root too (chmod does not)."""
    blocker = tmp_path / "file"
    blocker.write_text("")
    env = {**os.environ, "LLAMAPREP_HOME": str(blocker / "home")}
    r = _cli(["hint", "rmsnorm-forward"], env)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    lines = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "progress file" in lines[0], r.stderr
    r = _cli(["list"], env)  # list still works, with a warning
    assert r.returncode == 0 and "rmsnorm-forward" in r.stdout and "Traceback" not in r.stderr


FILL_UP = """
import resource, signal, sys
sys.path.insert(0, {repo!r})
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the cap fails (EFBIG) like a full disk
resource.setrlimit(resource.RLIMIT_FSIZE, ({cap}, {cap}))
from pathlib import Path
from grader.learner.progress import Progress, ProgressError
p = Progress(Path({path!r}))
try:
    for i in range(10_000):
        p.record_quiz("q%d" % i, "x" * 2000, False)
        print(i, flush=True)
except ProgressError as exc:
    print(exc, file=sys.stderr)
    sys.exit(3)
"""


def test_full_disk_is_one_line_and_keeps_what_was_written(tmp_path):
    path = tmp_path / "p.sqlite3"
    code = FILL_UP.format(repo=str(REPO), cap=300_000, path=str(path))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 3, r.stderr
    assert "Traceback" not in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "progress file" in r.stderr
    written = {f"q{i}" for i in r.stdout.split()}
    assert len(written) > 10
    assert written <= set(Progress(path).quiz_best())


def _tiny_files():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))  # not even the database header fits


def test_quiz_on_a_full_disk_warns_once_and_goes_on(tmp_path):
    env = {**os.environ, "LLAMAPREP_HOME": str(tmp_path / "home")}
    r = subprocess.run(
        [sys.executable, str(REPO / "cli.py"), "quiz", "rope", "--count", "3"], env=env, input="A\nB\nC\n",
        capture_output=True, text=True, preexec_fn=_tiny_files, timeout=120,
    )
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert "Score:" in r.stdout and "/ 3" in r.stdout
    warnings = [line for line in r.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1 and warnings[0].startswith("warning:"), r.stderr
    assert "disk" in warnings[0] and "progress file" in warnings[0]


def test_summary_and_next_step(bank, tmp_path):
    p = Progress(tmp_path / "p.sqlite3")
    assert summarize(bank=bank, progress=p).next.kind == "practice"
    p.record_attempt("rmsnorm-forward", 10, 10)
    p.record_attempt("rope-frequencies", 4, 10)
    p.record_quiz("rope-quiz-acronym", "C", True)
    s = summarize(bank=bank, progress=p)
    rms = next(m for m in s.topics if m.topic == "rmsnorm")
    assert rms.code_solved == 1 and rms.earned == 10
    rope = next(m for m in s.topics if m.topic == "rope")
    assert rope.earned == 4 + bank.questions["rope-quiz-acronym"].points
    # the least mastered topic first (gqa and llama have nothing yet; gqa comes first)
    assert s.next.kind == "practice" and s.next.target.startswith("gqa-")
    assert {q.id for q in s.questions} == {"rmsnorm-forward", "rope-frequencies", "rope-quiz-acronym"}
    best = best_scores(bank=bank, progress=p)
    assert best["rope-quiz-acronym"].score == bank.questions["rope-quiz-acronym"].points
    p.reset()
    assert p.best() == {} and summarize(bank=bank, progress=p).last_activity is None

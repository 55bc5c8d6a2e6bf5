"""Fault injection on `llamaprep grade`: killed mid-grading, two at once, a data folder that
is full or unusable.  Progress stays consistent, the learner's file untouched, no process
is left behind, and problems are one line, never a traceback."""

from __future__ import annotations

import json
import resource
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

from conftest import LLAMAPREP, env_for, make_bank, no_leftovers, processes_mentioning, qid_of
from grader.learner.progress import Progress

REPO = Path(__file__).resolve().parents[2]
QID = "rmsnorm-forward"
REFERENCE = REPO / "solutions" / "rmsnorm" / "rmsnorm_forward.py"
SLOW_WITH_DAEMON = """
import os, time
import torch

def rms_norm(x, weight, eps=1e-5):
    if os.fork() == 0:  # a daemon in its own session, as far from the grader as it can get
        os.setsid()
        if os.fork() == 0:
            while True:
                time.sleep(1)
        os._exit(0)
    time.sleep(0.5)
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).type_as(x) * weight
"""


def _attempts(home: Path) -> list[tuple]:
    conn = sqlite3.connect(home / "progress.sqlite3")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return conn.execute("SELECT question, score, max_score FROM attempts ORDER BY id").fetchall()
    finally:
        conn.close()


def test_grader_killed_mid_grading_leaves_progress_workspace_and_no_process(tmp_path):
    bank = make_bank(tmp_path, ["slow"])
    qid = qid_of("slow")
    work = tmp_path / "work"
    mine = work / "rmsnorm" / "rmsnorm_slow.py"
    mine.parent.mkdir(parents=True)
    mine.write_text(SLOW_WITH_DAEMON)
    before = mine.read_bytes()
    env = env_for(tmp_path)
    home = Path(env["LLAMAPREP_HOME"])
    Progress(home / "progress.sqlite3").record_attempt(qid, 5.0, 10.0)  # an earlier attempt

    proc = subprocess.Popen([LLAMAPREP, "grade", qid, "--bank", str(bank), "--workspace", str(work)], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    give_up = time.monotonic() + 120
    while len(processes_mentioning(str(work))) < 4 and proc.poll() is None and time.monotonic() < give_up:
        time.sleep(0.05)  # grader, zygote, worker and the daemon(s): grading is under way
    assert proc.poll() is None, "grading finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    assert no_leftovers(str(work)) == []
    assert mine.read_bytes() == before
    assert _attempts(home) == [(qid, 5.0, 10.0)]  # nothing half-written
    Progress(home / "progress.sqlite3").record_attempt(qid, 10.0, 10.0)  # and still writable
    assert len(_attempts(home)) == 2


def test_two_graders_record_progress_at_once(tmp_path):
    env = env_for(tmp_path)
    cmd = [LLAMAPREP, "grade", QID, "--file", str(REFERENCE), "--format", "json"]
    procs = [subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    for proc in procs:
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err[-2000:]
        assert json.loads(out)["score"] == 10.0
        assert b"Traceback" not in err and b"warning" not in err
    assert _attempts(Path(env["LLAMAPREP_HOME"])) == [(QID, 10.0, 10.0)] * 2


def _disk_full():
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes past the cap fail (EFBIG), like a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))  # not even the database's first page fits


def test_a_full_data_folder_still_grades_and_warns_in_one_line(tmp_path):
    env = env_for(tmp_path)
    proc = subprocess.run([LLAMAPREP, "grade", QID, "--file", str(REFERENCE), "--format", "json"], env=env, cwd=tmp_path,
                          capture_output=True, timeout=240, preexec_fn=_disk_full)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert json.loads(proc.stdout)["score"] == 10.0  # grading needs no disk of its own
    lines = [line for line in proc.stderr.decode().splitlines() if line.strip()]
    assert len(lines) == 1 and "progress" in lines[0], lines
    assert "Traceback" not in proc.stderr.decode()


def test_an_unusable_data_folder_still_grades_and_warns_in_one_line(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    env = {**env_for(tmp_path), "LLAMAPREP_HOME": str(blocker / "home")}  # fails for root too, unlike chmod
    proc = subprocess.run([LLAMAPREP, "grade", QID, "--file", str(REFERENCE), "--format", "json"], env=env, cwd=tmp_path,
                          capture_output=True, timeout=240)
    assert proc.returncode == 0 and json.loads(proc.stdout)["score"] == 10.0
    lines = [line for line in proc.stderr.decode().splitlines() if line.strip()]
    assert len(lines) == 1 and "progress" in lines[0], lines

"""`llamaprep interview` through the real command line: scripted answers, a coding answer by --code."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO

CLI = [sys.executable, str(REPO / "cli.py")]
SOLUTION = REPO / "solutions" / "rope" / "rope_apply_half.py"


def run(*args, input_text="", env_extra=None):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([*CLI, *args], input=input_text, capture_output=True, text=True, timeout=300, env=env)


def test_a_scripted_interview_exits_0_prints_and_stores_its_report(tmp_path):
    report = tmp_path / "interview.md"
    done = run("interview", "rope", "--seed", "1", "--code", f"rope-apply-half={SOLUTION}", "--report", str(report), input_text="A\nB\nC\nD\n")
    assert done.returncode == 0, done.stderr
    assert "Interview report" in done.stdout and "rope-apply-half  10/10" in done.stdout
    assert report.read_text(encoding="utf-8").startswith("# Mock interview")
    shown = run("interview", "rope", "--seed", "1", "--minutes", "0", "--format", "json", "--concept", "1",
                "--code", f"rope-apply-half={SOLUTION}", input_text="A\n")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["finished"] and data["coding"][0]["score"] == 10


def test_chinese_interview(tmp_path):
    done = run("interview", "gqa", "--seed", "2", "--concept", "1", "--coding", "0", "--lang", "zh", input_text="A\n")
    assert done.returncode == 0, done.stderr
    assert "模拟面试" in done.stdout and "面试报告" in done.stdout


def test_bad_code_option_is_one_line_naming_it():
    for value, words in (("rope-apply-half", "ID=PATH"), ("nope-id=x.py", "nope-id"), (f"rope-apply-half={SOLUTION}.missing", "no such file")):
        done = run("interview", "--code", value)
        assert done.returncode == 2
        assert words in done.stderr and len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_progress_lists_past_interviews_and_what_is_due(tmp_path):
    run("interview", "rmsnorm", "--seed", "3", "--concept", "2", "--coding", "0", "--minutes", "0", input_text="s\ns\n")
    shown = run("progress")
    assert shown.returncode == 0, shown.stderr
    assert "Mock interviews: 1" in shown.stdout and "0/2" in shown.stdout
    assert "2 quiz question(s) due for review" in shown.stdout  # both skipped: missed, due at once
    zh = run("progress", "--lang", "zh")
    assert "模拟面试：1 次" in zh.stdout

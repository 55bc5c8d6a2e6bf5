"""`llamaprep watch`: regrades on save (events, or polling), ignores unchanged saves, Ctrl-C exits 0."""

import os
import queue
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import REPO

WAIT = 180  # seconds: a liveness bound for a loaded machine, not a speed assertion


class Lines:
    """The watch process's stdout, line by line, readable with a deadline."""

    def __init__(self, proc: subprocess.Popen):
        self.seen: list[str] = []
        self._q: queue.Queue = queue.Queue()
        threading.Thread(target=self._pump, args=(proc.stdout,), daemon=True).start()

    def _pump(self, stream) -> None:
        for line in stream:
            self._q.put(line)
        self._q.put(None)

    def until(self, text: str) -> str:
        """Read up to the line containing ``text``; returns what was read."""
        start = len(self.seen)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self._q.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                break
            self.seen.append(line)
            if text in line:
                return "".join(self.seen[start:])
        raise AssertionError(f"never saw {text!r}; output:\n{''.join(self.seen)}")


@pytest.mark.parametrize("poll", [False, True], ids=["events", "polling"])
def test_watch_regrades_on_save_and_stops_on_ctrl_c(tmp_path, poll):
    work = tmp_path / "work"
    env = {**os.environ, "LLAMAPREP_WORKSPACE": str(work), "COLUMNS": "100"}
    cli = [sys.executable, str(REPO / "cli.py")]
    subprocess.run([*cli, "practice", "rmsnorm-forward"], env=env, check=True, capture_output=True)
    mine = work / "rmsnorm" / "rmsnorm_forward.py"
    reference = (REPO / "solutions" / "rmsnorm" / "rmsnorm_forward.py").read_text()
    proc = subprocess.Popen(
        [*cli, "watch", "rmsnorm-forward", *(["--poll"] if poll else [])],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    out = Lines(proc)
    try:
        out.until("(grade #1)")
        out.until("Points lost")  # the untouched stub
        mine.write_text(reference)
        out.until("(grade #2)")
        out.until("Full marks.")
        mine.write_text(reference)  # saved again, unchanged: no regrade
        time.sleep(1.5 if not poll else 2.5)
        mine.write_text(reference.replace("* weight\n", "\n", 1))  # drop the weight: a known mistake
        out.until("(grade #3)")
        third = out.until("Points lost")
        assert "no-weight" in third and "(grade #4)" not in third  # the unchanged save was not graded
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rc = proc.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    stderr = proc.stderr.read()
    assert rc == 0, stderr
    assert "Traceback" not in stderr
    from grader.learner.progress import Progress

    assert Progress().best()["rmsnorm-forward"].attempts == 3  # every regrade is recorded

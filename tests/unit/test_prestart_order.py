"""Sessions started ahead of their question (grader.grading.prestart), with stand-ins."""

from __future__ import annotations

import threading
import time

from grader.grading.prestart import Prestart


class Fake:
    def __init__(self, index: int, log: list):
        self.index, self.log, self.stopped = index, log, False

    def start_early(self) -> None:
        self.log.append(self.index)

    def stop(self) -> None:
        self.stopped = True


def wait_for(predicate, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_sessions_start_in_order_and_at_most_depth_ahead():
    log: list[int] = []
    made = {}

    def make(i: int) -> Fake:
        made[i] = Fake(i, log)
        return made[i]

    ahead = Prestart(make, 6, depth=2)
    wait_for(lambda: len(log) == 2)
    time.sleep(0.05)
    assert log == [0, 1]  # two unclaimed: it waits
    assert ahead.claim(0) is made[0]
    wait_for(lambda: len(log) == 3)
    assert log == [0, 1, 2]
    ahead.close()
    assert made[1].stopped and made[2].stopped and not made[0].stopped  # the unclaimed are stopped; the claimed are the claimer's


def test_a_question_claimed_before_its_turn_is_skipped():
    log: list[int] = []
    gate = threading.Event()

    def make(i: int) -> Fake:
        if i == 0:
            gate.wait(10)
        return Fake(i, log)

    ahead = Prestart(make, 3, depth=5)
    assert ahead.claim(2) is None  # not started yet: the caller makes its own
    gate.set()
    wait_for(lambda: len(log) == 2)
    assert log == [0, 1]
    ahead.close()


def test_claiming_the_question_being_started_waits_for_it():
    gate = threading.Event()
    log: list[int] = []

    def make(i: int) -> Fake:
        gate.wait(10)
        return Fake(i, log)

    ahead = Prestart(make, 1, depth=1)
    wait_for(lambda: ahead.working == 0)
    threading.Timer(0.1, gate.set).start()
    session = ahead.claim(0)
    assert session is not None and session.index == 0 and log == [0]
    ahead.close()


def test_a_failure_to_start_leaves_the_question_to_its_thread():
    def make(i: int) -> Fake:
        raise OSError("unreadable")

    ahead = Prestart(make, 2, depth=2)
    wait_for(lambda: ahead.working is None and len(ahead.ready) == 2)
    assert ahead.claim(0) is None and ahead.claim(1) is None
    ahead.close()


def test_no_thread_to_be_had_starts_nothing(monkeypatch):
    def refuse(self):
        raise RuntimeError("can't start new thread")

    monkeypatch.setattr(threading.Thread, "start", refuse)
    ahead = Prestart(lambda i: Fake(i, []), 3, depth=2)
    assert ahead.claim(0) is None
    ahead.close()

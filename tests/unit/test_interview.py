"""The mock interview's rules and its terminal loop, on a fake clock (nothing sleeps)."""

from __future__ import annotations

import io
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from rich.console import Console

from grader.grading.results import CaseResult, QuestionResult
from grader.learner.interview import InterviewSession, plan_interview, study_list
from grader.report.interview_md import interview_markdown
from grader.ui.interview_view import TIMEOUT, interview_command, run_interview


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class ScriptedLines:
    """Answers from a list; each read takes ``step`` seconds of the fake clock.  A read
    whose step would cross the time limit returns TIMEOUT, as the terminal reader does."""

    clock: FakeClock
    answers: list
    step: float = 30.0
    prompts: list = field(default_factory=list)

    def read(self, prompt, timeout):
        self.prompts.append(prompt)
        if timeout is not None and self.step >= timeout:
            self.clock.now += timeout
            return TIMEOUT
        self.clock.now += self.step
        if not self.answers:
            return None
        answer = self.answers.pop(0)
        if isinstance(answer, BaseException):
            raise answer
        return answer


def fake_result(qid: str, passed: int, total: int, mistake=None) -> QuestionResult:
    cases = [CaseResult(name=f"c{i}", status="passed" if i < passed else "failed", score=1.0 if i < passed else 0.0,
                        max_score=1.0, message="" if i < passed else "Greatest absolute difference 0.5",
                        mistake=None if i < passed else mistake) for i in range(total)]
    return QuestionResult(id=qid, score=float(passed), max_score=float(total), cases=cases)


def quiz_ids(bank, topic):
    return [q.id for q in bank.by_topic(topic, kind="quiz")]


def test_the_plan_is_seeded_and_fixed_coding_questions_are_kept(bank):
    a = plan_interview(bank=bank, topics=["rope"], seed=7, now=0.0)
    assert a == plan_interview(bank=bank, topics=["rope"], seed=7, now=0.0)
    assert len(a.concept) == 4 and len(set(a.concept)) == 4 and all(q.startswith("rope-quiz") for q in a.concept)
    assert len(a.coding) == 1 and bank.get(a.coding[0]).kind == "code"
    assert plan_interview(bank=bank, topics=["gqa"], seed=7, coding=["gqa-repeat-kv"]).coding == ("gqa-repeat-kv",)
    assert len(plan_interview(bank=bank, minutes=60, seed=1).coding) == 2  # a long round has two


def test_missed_questions_are_drawn_far_more_often_than_learned_ones(bank):
    ids = quiz_ids(bank, "rmsnorm")
    missed, learned = ids[0], ids[1]
    history = {missed: [(0.0, False)], learned: [(0.0, True), (1.0, True), (2.0, True)]}
    counts = Counter()
    for seed in range(300):
        counts.update(plan_interview(bank=bank, topics=["rmsnorm"], seed=seed, quiz_history=history, concept_count=2, now=10.0).concept)
    assert counts[missed] > 3 * counts[learned]


def test_unsolved_code_is_drawn_before_solved_code(bank):
    code = [q.id for q in bank.by_topic("gqa", kind="code")]
    best = {code[0]: 1.0, code[1]: 0.3}
    counts = Counter(plan_interview(bank=bank, topics=["gqa"], seed=s, best_fraction=best, concept_count=0).coding[0] for s in range(300))
    assert counts[code[1]] > 3 * counts[code[0]]


def test_the_session_times_each_answer_and_counts_down(bank):
    clock = FakeClock()
    plan = plan_interview(bank=bank, topics=["gqa"], seed=1, minutes=10)
    s = InterviewSession(plan=plan, bank=bank, clock=clock, wall=lambda: 5.0)
    assert s.remaining() == 600.0
    clock.now += 42
    first = s.answer_concept(plan.concept[0], bank.get(plan.concept[0]).answer)
    assert first.correct and first.seconds == 42 and s.remaining() == 558.0
    clock.now += 600
    assert s.expired() and s.remaining() == 0.0
    assert InterviewSession(plan=plan_interview(bank=bank, seed=1, minutes=0), bank=bank, clock=clock).remaining() is None


def test_study_list_points_at_the_corrections_and_questions_of_each_miss(bank):
    q = next(q for q in bank.by_topic("rmsnorm", kind="quiz") if q.corrects)
    plan = plan_interview(bank=bank, topics=["rmsnorm"], seed=1, coding=["rmsnorm-forward"])
    s = InterviewSession(plan=plan, bank=bank, clock=FakeClock())
    wrong = next(letter for letter in "ABCDEF"[: len(q.choices)] if letter != q.answer)
    s.answer_concept(q.id, wrong)
    s.answer_coding("rmsnorm-forward", "f.py", fake_result("rmsnorm-forward", 3, 5, mistake="eps-outside-root"))
    items = [(i.kind, i.target) for i in study_list(bank, s.concept, s.coding)]
    assert ("quiz", q.id) in items and ("practice", "rmsnorm-forward") in items
    assert all(("correction", claim) in items for claim in q.corrects)
    assert s.coding[0].mistakes == ["eps-outside-root"] and s.coding[0].cases_passed == 3


def test_a_scripted_interview_answers_grades_and_stores_its_report(bank, tmp_path, monkeypatch):
    import grader.grading.engine as engine
    from grader.grading.results import GradeReport

    monkeypatch.setattr(engine, "grade_submissions", lambda *, bank, targets, **_: GradeReport(
        questions=[fake_result(qid, 1, 2, mistake="rotate-half-layout") for qid, _ in targets]))
    clock = FakeClock()
    plan_seed = 11
    lines = ScriptedLines(clock, ["A", "b", "s", "2", "done"])
    out = Console(file=io.StringIO(), width=80)
    err = Console(file=io.StringIO(), width=80)
    report_md = tmp_path / "report.md"
    code = interview_command(bank=bank, topics=["rope"], minutes=30, seed=plan_seed, codes={}, report_path=report_md,
                             fmt="table", lang="en", workspace=tmp_path / "ws", console=out, err=err, clock=clock, lines=lines)
    assert code == 0
    screen = out.file.getvalue()
    assert "⏱ 30:00 left · question 1 of 5" in screen and "Interview report" in screen
    assert "⏱ 28:00 left · question 5 of 5" in screen  # four answers of 30 s each
    stub = next((tmp_path / "ws" / "interview").rglob("*.py"))
    assert stub.read_text(encoding="utf-8") == bank.stub_path(stub.stem.replace("_", "-")).read_text(encoding="utf-8")
    md = report_md.read_text(encoding="utf-8")
    assert md.startswith("# Mock interview") and "rotate-half-layout" in md and "What to study next" in md
    from grader.learner.progress import Progress

    stored = Progress().interviews()
    assert len(stored) == 1 and stored[0].finished
    data = json.loads(stored[0].report)
    assert [a["given"] for a in data["concept"]] == ["A", "B", None, "B"]
    assert data["coding"][0]["mistakes"] == ["rotate-half-layout"] and data["coding"][0]["cases_passed"] == 1
    history = Progress().quiz_history()  # concept answers feed spaced repetition
    assert set(history) == set(data["plan"]["concept"])


def test_time_running_out_grades_the_coding_file_as_it_stands(bank, tmp_path):
    clock = FakeClock()
    plan = plan_interview(bank=bank, topics=["gqa"], seed=2, minutes=3, concept_count=2)
    session = InterviewSession(plan=plan, bank=bank, clock=clock)
    lines = ScriptedLines(clock, ["A", "B", "grade", "grade", "grade"], step=50.0)
    graded = []

    def grade(qid, path):
        graded.append(qid)
        return fake_result(qid, 1, 3), ""

    console = Console(file=io.StringIO(), width=80)
    report = run_interview(console=console, session=session, bank=bank, lang="en", lines=lines, grade=grade,
                           code_files={}, write_stub=lambda qid: tmp_path / f"{qid}.py")
    assert report.finished and len(report.concept) == 2
    coding = report.coding[0]
    assert coding.timed_out and coding.graded and graded == [plan.coding[0]] * 2  # one check, then the final grade
    assert "Time is up" in console.file.getvalue()


def test_time_running_out_during_the_concept_questions_leaves_the_rest_unreached(bank, tmp_path):
    clock = FakeClock()
    plan = plan_interview(bank=bank, topics=["rope"], seed=3, minutes=1, concept_count=4)
    session = InterviewSession(plan=plan, bank=bank, clock=clock)
    lines = ScriptedLines(clock, ["A", "A", "A", "A"], step=40.0)
    report = run_interview(console=Console(file=io.StringIO()), session=session, bank=bank, lang="en", lines=lines,
                           grade=lambda q, p: (None, "unused"), code_files={}, write_stub=lambda q: tmp_path / "x.py")
    assert [a.given for a in report.concept] == ["A", None]  # the second read timed out
    assert report.coding == [] and "Not reached" in interview_markdown(report, bank, "en")


def test_ctrl_c_still_writes_the_partial_report(bank, tmp_path):
    clock = FakeClock()
    lines = ScriptedLines(clock, ["A", KeyboardInterrupt()])
    out = Console(file=io.StringIO(), width=80)
    report_md = tmp_path / "partial.md"
    code = interview_command(bank=bank, topics=["rmsnorm"], minutes=30, seed=5, codes={}, report_path=report_md,
                             fmt="table", lang="en", workspace=tmp_path / "ws", console=out, err=out, clock=clock, lines=lines)
    assert code == 130
    assert "Stopped early" in report_md.read_text(encoding="utf-8")
    from grader.learner.progress import Progress

    (stored,) = Progress().interviews()
    assert not stored.finished and len(json.loads(stored.report)["concept"]) == 1


def test_ctrl_c_before_any_answer_says_nothing_was_answered_not_nothing_missed(bank, tmp_path):
    clock = FakeClock()
    stream = io.StringIO()
    report_md = tmp_path / "empty.md"
    code = interview_command(bank=bank, topics=["rmsnorm"], minutes=30, seed=5, codes={}, report_path=report_md, fmt="table",
                             lang="en", workspace=tmp_path / "ws", console=Console(file=stream, width=80), err=Console(file=io.StringIO()),
                             clock=clock, lines=ScriptedLines(clock, [KeyboardInterrupt()]))
    assert code == 130
    for text in (stream.getvalue(), report_md.read_text(encoding="utf-8")):
        assert "No question was answered" in text and "Nothing missed" not in text


@pytest.mark.parametrize("lang, heading, screen_words", [("en", "# Mock interview", "Interview report"), ("zh", "# 模拟面试", "面试报告")])
def test_both_languages(bank, tmp_path, lang, heading, screen_words):
    clock = FakeClock()
    session = InterviewSession(plan=plan_interview(bank=bank, topics=["gqa"], seed=4, concept_count=1), bank=bank, clock=clock)
    console = Console(file=io.StringIO(), width=80)
    report = run_interview(console=console, session=session, bank=bank, lang=lang, lines=ScriptedLines(clock, ["C", "done"]),
                           grade=lambda q, p: (fake_result(q, 0, 2), ""), code_files={}, write_stub=lambda q: tmp_path / "x.py")
    assert screen_words in console.file.getvalue()
    md = interview_markdown(report, bank, lang)
    assert md.startswith(heading)
    if lang == "zh":
        assert "接下来该复习什么" in md and "What to study" not in md


def test_json_format_keeps_stdout_for_the_json(bank, tmp_path, capsys):
    clock = FakeClock()
    out = Console(file=io.StringIO(), width=80)
    err = Console(file=io.StringIO(), width=80)
    solution = Path(bank.solution_path("gqa-repeat-kv"))
    import grader.ui.interview_view as view  # noqa: F401

    code = interview_command(bank=bank, topics=["gqa"], minutes=0, seed=9, codes={"gqa-repeat-kv": solution}, report_path=None,
                             fmt="json", lang="en", workspace=tmp_path / "ws", console=out, err=err, clock=clock,
                             lines=ScriptedLines(clock, ["A", "B", "C", "D"]), concept_count=4)
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["version"] == 1 and data["plan"]["minutes"] == 0 and data["coding"][0]["id"] == "gqa-repeat-kv"
    assert data["coding"][0]["score"] == data["coding"][0]["max_score"]  # the reference, really graded
    assert out.file.getvalue() == "" and "Interview report" in err.file.getvalue()

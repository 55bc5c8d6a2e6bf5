"""`progress` and `practice TOPIC` choose the next question by one rule (issue 9: they used
to disagree, progress naming a started question while practice opened the topic's first)."""

from __future__ import annotations

from typer.testing import CliRunner

from cli import app
from grader.learner.mastery import summarize
from grader.learner.progress import Progress


def test_practice_topic_opens_what_progress_suggests(bank, tmp_path):
    topic = bank.topic_names()[0]
    code = [q.id for q in bank.by_topic(topic, kind="code")]
    started = code[-1]  # not the topic's first, which the old `practice` opened
    progress = Progress()
    for q in bank.by_topic(kind="code"):
        if q.topic != topic:
            progress.record_attempt(q.id, q.points, q.points)  # every other topic mastered
    progress.record_attempt(started, 1, bank.get(started).points)

    suggestion = summarize(bank=bank, progress=progress).next
    assert (suggestion.kind, suggestion.target) == ("practice", started)
    result = CliRunner().invoke(app, ["practice", topic, "--workspace", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert f"llamaprep grade {started}" in result.output

    progress.record_attempt(started, bank.get(started).points, bank.get(started).points)  # solved: both move on
    suggestion = summarize(bank=bank, progress=progress).next
    assert (suggestion.kind, suggestion.target) == ("practice", code[0])
    result = CliRunner().invoke(app, ["practice", topic, "--workspace", str(tmp_path)])
    assert f"llamaprep grade {code[0]}" in result.output

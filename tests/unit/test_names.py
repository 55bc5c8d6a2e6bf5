"""Names on a command line -> question ids: one rule for `grade`, `grade --submissions` and `export`."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from grader.bank.names import NothingStarted, UnknownName, question_ids


def test_ids_and_topics_in_the_order_given_each_once(bank):
    rope = [q.id for q in bank.by_topic("rope", kind="code")]
    assert question_ids(bank, ["rmsnorm-forward", "rope", rope[1]]) == ["rmsnorm-forward", *rope]


def test_a_topic_is_its_code_questions_or_the_started_ones(bank):
    rope = [q.id for q in bank.by_topic("rope", kind="code")]
    assert all(bank.get(qid).kind == "code" for qid in question_ids(bank, ["rope"]))
    assert question_ids(bank, ["rope"], among=[rope[-1], "rmsnorm-forward"]) == [rope[-1]]
    with pytest.raises(NothingStarted) as caught:
        question_ids(bank, ["rope"], among=["rmsnorm-forward"])
    assert caught.value.topic == "rope"


def test_an_unknown_name_is_named(bank):
    with pytest.raises(UnknownName) as caught:
        question_ids(bank, ["rmsnorm-forward", "nope"])
    assert caught.value.name == "nope" and "'nope'" in str(caught.value)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["grade", "nope"], "unknown topic or question 'nope'"),
        (["grade", "rope"], "you have not started any rope question yet"),
        (["export", "gradescope", "nope"], "unknown topic or question 'nope'"),
    ],
)
def test_the_commands_word_the_errors_in_one_line(argv, message):
    from cli import app

    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output

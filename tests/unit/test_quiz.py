"""`llamaprep quiz`: selection, answers from a pipe, explanations, score, records."""

import re

import pytest
from typer.testing import CliRunner

from cli import app
from grader.learner.progress import Progress
from grader.learner.quiz import choice_order, judge, missed_last_time, parse_answer, select_questions, shown_letter

runner = CliRunner()
SEED = 5  # the quiz shuffles its choices: scripted answers need the seed's order


def _quiz(bank, topic="rope"):
    """The questions `quiz TOPIC --seed SEED` asks, in its order."""
    return select_questions(bank=bank, topic=topic, shuffle=True, seed=SEED)


def test_selection_order_shuffle_and_count(bank):
    plain = select_questions(bank=bank, topic="gqa")
    assert plain and all(q.kind == "quiz" and q.topic == "gqa" for q in plain)
    assert len(select_questions(bank=bank)) == len(bank.by_topic(kind="quiz"))
    a = [q.id for q in select_questions(bank=bank, shuffle=True, seed=7)]
    b = [q.id for q in select_questions(bank=bank, shuffle=True, seed=7)]
    c = [q.id for q in select_questions(bank=bank, shuffle=True, seed=8)]
    assert a == b and sorted(a) == sorted(q.id for q in bank.by_topic(kind="quiz"))
    assert a != c  # different seeds, different orders (fixed seeds: deterministic)
    assert [q.id for q in select_questions(bank=bank, shuffle=True, seed=7, count=3)] == a[:3]


def test_parse_answer(bank):
    q = _quiz(bank)[0]
    assert parse_answer(" b ", q) == "B"
    assert parse_answer("C)", q) == "C"
    assert parse_answer("1", q) == "A"
    assert parse_answer("Z", q) is None and parse_answer("", q) is None and parse_answer("AB", q) is None
    assert judge(q, q.answer).correct and not judge(q, None, "zzz").correct


def _answers(questions, right: list[bool]) -> str:
    """Typed lines (shown letters under --seed SEED) answering right or wrong as asked."""
    lines = []
    for q, ok in zip(questions, right):
        shown = shown_letter(q, q.answer, choice_order(q, SEED))
        wrong = next(letter for letter in "ABCDEF" if letter != shown)
        lines.append(shown.lower() if ok else wrong)
    return "\n".join(lines) + "\n"


def test_scripted_quiz_explains_scores_and_records(bank):
    questions = _quiz(bank)[:3]
    r = runner.invoke(app, ["quiz", "rope", "--count", "3", "--seed", str(SEED)], input=_answers(questions, [True, False, True]))
    assert r.exit_code == 0, r.output
    assert "Score: 2 / 3" in r.output
    assert r.output.count("Right.") == 2 and r.output.count("Wrong: the answer is") == 1
    for q in questions:  # after each answer, right or wrong: the explanation and the sources
        assert q.sources[0].url in r.output
        first_words = " ".join(q.explanation.en.split()[:4])
        assert first_words in " ".join(r.output.split())
    recorded = Progress().quiz_best()
    assert [recorded[q.id].ever_correct for q in questions] == [True, False, True]


def test_end_of_input_stops_early_with_the_score_so_far(bank):
    questions = _quiz(bank)
    r = runner.invoke(app, ["quiz", "rope", "--seed", str(SEED)], input=_answers(questions, [True]))
    assert r.exit_code == 0
    assert "Score: 1 / 1" in r.output and f"of {len(questions)} questions" in r.output


def test_invalid_answer_in_a_script_counts_wrong_and_keeps_lines_aligned(bank):
    questions = _quiz(bank)[:2]
    right = shown_letter(questions[1], questions[1].answer, choice_order(questions[1], SEED))
    r = runner.invoke(app, ["quiz", "rope", "--count", "2", "--seed", str(SEED)], input="maybe\n" + right + "\n")
    assert "counted as wrong" in r.output
    assert "Score: 1 / 2" in r.output


def test_q_quits(bank):
    r = runner.invoke(app, ["quiz", "gqa"], input="q\n")
    assert r.exit_code == 0 and "Score: 0 / 0" in r.output


def test_seed_gives_a_repeatable_order(bank, tmp_path, monkeypatch):
    def order(seed):
        # A fresh progress store each time: answers recorded by one run reorder the next
        # (spaced repetition), which is not what this test is about.
        monkeypatch.setenv("LLAMAPREP_HOME", str(tmp_path / f"home-{len(list(tmp_path.iterdir()))}"))
        r = runner.invoke(app, ["quiz", "--seed", str(seed), "--count", "4"], input="A\n" * 4)
        return re.findall(r"Question \d/4 · ([^─]+)", r.output)

    titles = {q.title.en for q in bank.by_topic(kind="quiz")}
    first = order(3)
    assert len(first) == 4 and all(t.strip() in titles for t in first)
    assert order(3) == first
    expected = [q.title.en for q in select_questions(bank=bank, shuffle=True, seed=3, count=4)]
    assert [t.strip() for t in first] == expected


@pytest.mark.parametrize("args", [["quiz", "nope"], ["quiz", "--count", "0"]])
def test_bad_arguments_are_one_line(args):
    r = runner.invoke(app, args)
    assert r.exit_code == 2 and "Traceback" not in r.output


def test_chinese_quiz(bank):
    questions = _quiz(bank, "rmsnorm")[:1]
    r = runner.invoke(app, ["quiz", "rmsnorm", "--count", "1", "--seed", str(SEED), "--lang", "zh"], input=_answers(questions, [False]))
    assert "回答错误" in r.output and "得分：0 / 1" in r.output
    assert questions[0].explanation.zh.split("。")[0][:10] in r.output.replace("\n", "")


def test_choices_are_shuffled_and_parsed_back_to_the_banks_letter(bank):
    q = _quiz(bank)[0]
    orders = {tuple(choice_order(q, seed)) for seed in range(12)}
    assert len(orders) > 1  # letters cannot be memorised
    assert choice_order(q, 3) == choice_order(q, 3)  # --seed fixes them
    order = choice_order(q, 3)
    shown = shown_letter(q, q.answer, order)
    assert parse_answer(shown, q, order) == q.answer  # judged and recorded in the bank's letters
    assert parse_answer(str("ABCDEF".index(shown) + 1), q, order) == q.answer


def test_missed_questions_are_listed_and_retried(bank):
    questions = _quiz(bank)[:3]
    r = runner.invoke(app, ["quiz", "rope", "--count", "3", "--seed", str(SEED)], input=_answers(questions, [False, True, False]))
    assert "Missed (2)" in r.output and "--retry-missed" in r.output
    tail = r.output[r.output.index("Missed (2)"):]
    assert questions[0].id in tail and questions[2].id in tail and questions[1].id not in tail
    assert sorted(missed_last_time(Progress().quiz_history())) == sorted([questions[0].id, questions[2].id])
    again = runner.invoke(app, ["quiz", "--retry-missed", "--seed", str(SEED)], input="q\n")
    asked = re.findall(r"Question 1/(\d)", again.output)
    assert asked == ["2"], again.output


def test_one_question_by_id(bank):
    q = _quiz(bank)[0]
    for args in (["quiz", "--id", q.id], ["quiz", q.id]):
        r = runner.invoke(app, [*args, "--seed", str(SEED)], input=_answers([q], [True]))
        assert "Question 1/1" in r.output and "Score: 1 / 1" in r.output, r.output
    typo = runner.invoke(app, ["quiz", "--id", q.id[:-2]])
    assert typo.exit_code == 2 and f"did you mean {q.id}" in typo.output

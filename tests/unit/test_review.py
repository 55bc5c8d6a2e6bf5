"""Spaced repetition (grader.learner.review): boxes replayed from the answer history."""

from grader.learner.review import DAY, INTERVALS, LEARNED_BOX, due_count, replay, review_order


def test_a_wrong_answer_sends_a_question_back_to_box_0_due_at_once():
    state = replay([(0.0, True), (10.0, True), (20.0, False)])
    assert state.box == 0 and state.due_at == 20.0 and state.is_due(20.0)


def test_right_answers_climb_one_box_each_and_wait_longer():
    state = replay([(0.0, True), (DAY, True)])
    assert state.box == 2
    assert state.due_at == DAY + INTERVALS[2]
    assert not state.is_due(DAY + INTERVALS[2] - 1) and state.is_due(DAY + INTERVALS[2])


def test_three_right_in_a_row_is_learned_and_a_miss_unlearns_it():
    learned = replay([(t, True) for t in (0.0, 1.0, 2.0)])
    assert learned.box == LEARNED_BOX and learned.learned
    assert replay([(t, True) for t in (0.0, 1.0, 2.0, 3.0, 4.0)]).box == LEARNED_BOX  # the box stops at the last
    assert not replay([(0.0, True), (1.0, True), (2.0, True), (3.0, False)]).learned


def test_never_answered_has_no_state():
    assert replay([]) is None


def test_review_order_puts_missed_first_then_due_then_new_then_waiting():
    now = 100 * DAY
    history = {
        "waiting": [(now - 1.0, True)],  # box 1: due in a day
        "due": [(now - 10 * DAY, True)],  # box 1, overdue
        "missed-early": [(now - 50.0, False)],
        "missed-late": [(now - 5.0, True), (now - 4.0, False)],
    }
    ids = ["new-1", "waiting", "due", "missed-early", "new-2", "missed-late"]
    assert review_order(ids, history, now) == ["missed-late", "missed-early", "due", "new-1", "new-2", "waiting"]
    assert due_count(ids, history, now) == 3


def test_review_order_keeps_every_question():
    ids = [f"q{i}" for i in range(7)]
    history = {"q3": [(0.0, False)], "q5": [(0.0, True)]}
    assert sorted(review_order(ids, history, 1.0)) == sorted(ids)

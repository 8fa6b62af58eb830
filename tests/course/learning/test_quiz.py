"""Scoring rules and drawing, as pure functions."""

from __future__ import annotations

import random

import pytest

from course.learning import quiz

SINGLE = quiz.Question(
    "s",
    "single",
    "?",
    (quiz.Option("a", "A", True), quiz.Option("b", "B", False), quiz.Option("c", "C", False)),
    "",
    (24,),
)
MULTI = quiz.Question(
    "m",
    "multiple",
    "?",
    (
        quiz.Option("a", "A", True),
        quiz.Option("b", "B", True),
        quiz.Option("c", "C", False),
        quiz.Option("d", "D", False),
    ),
    "",
    (27,),
)
TF = quiz.Question(
    "t",
    "true_false",
    "?",
    (quiz.Option("true", "True", False), quiz.Option("false", "False", True)),
    "",
    (25,),
)
POOL = {q.id: q for q in (SINGLE, MULTI, TF)}
SHOWN = (
    quiz.ShownQuestion("s", ("c", "a", "b")),
    quiz.ShownQuestion("m", ("d", "b", "a", "c")),
    quiz.ShownQuestion("t", ("true", "false")),
)


@pytest.mark.parametrize(
    ("chosen", "credit"),
    [
        ({"a", "b"}, 1.0),  # all correct
        ({"a"}, 0.5),  # half the correct options
        ({"a", "c"}, 0.0),  # one right, one wrong: they cancel
        ({"a", "b", "c"}, 0.5),  # two right, one wrong
        ({"a", "b", "c", "d"}, 0.0),  # ticking everything earns nothing
        ({"c", "d"}, 0.0),  # never below zero
        (set(), 0.0),
    ],
)
def test_multiple_response_partial_credit(chosen: set[str], credit: float) -> None:
    assert MULTI.kind.credit(MULTI, frozenset(chosen)) == pytest.approx(credit)


def test_full_marks_pass_and_percentages() -> None:
    result = quiz.score(POOL, SHOWN, {"s": ["a"], "m": ["a", "b"], "t": ["false"]}, pass_mark=80)
    assert result.score == 100.0 and result.passed and result.correct_count == 3


def test_partial_attempt_below_pass_mark() -> None:
    result = quiz.score(POOL, SHOWN, {"s": ["a"], "m": ["a"], "t": ["true"]}, pass_mark=80)
    assert result.score == 50.0  # 1 + 0.5 + 0 of 3
    assert not result.passed
    assert [i.credit for i in result.items] == [1.0, 0.5, 0.0]


def test_unanswered_questions_score_zero() -> None:
    result = quiz.score(POOL, SHOWN, {"s": ["a"]}, pass_mark=30)
    assert result.score == 33.3 and result.passed


def test_pass_mark_is_inclusive() -> None:
    shown = SHOWN[:1] + SHOWN[2:]
    assert quiz.score(POOL, shown, {"s": ["a"], "t": ["false"]}, pass_mark=100).passed


@pytest.mark.parametrize(
    "answers",
    [
        {"x": ["a"]},  # a question the attempt did not show
        {"s": ["z"]},  # an option that does not exist
        {"s": ["a", "b"]},  # two answers to a single-choice question
        {"t": ["true", "false"]},
    ],
)
def test_forged_answers_are_refused(answers: dict[str, list[str]]) -> None:
    with pytest.raises(quiz.SubmissionError):
        quiz.score(POOL, SHOWN, answers, pass_mark=80)


def test_draw_picks_distinct_questions_and_shuffles_choice_options() -> None:
    pool = [SINGLE, MULTI, TF]
    seen_orders = set()
    for seed in range(30):
        shown = quiz.draw(pool, 2, random.Random(seed))
        assert len(shown) == 2 and len({s.question_id for s in shown}) == 2
        for item in shown:
            question = POOL[item.question_id]
            assert sorted(item.option_ids) == sorted(o.id for o in question.options)
            if question.type == "true_false":
                assert item.option_ids == ("true", "false")
            else:
                seen_orders.add(item.option_ids)
    assert len(seen_orders) > 3


def test_draw_never_asks_for_more_than_the_pool() -> None:
    assert len(quiz.draw([SINGLE], 10)) == 1


def test_shown_question_round_trips_through_json() -> None:
    item = quiz.ShownQuestion("s", ("c", "a", "b"))
    assert quiz.ShownQuestion.from_json(item.to_json()) == item

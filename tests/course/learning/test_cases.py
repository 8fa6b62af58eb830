"""Case exercises on a real database: scoring, choosing once and in order, finishing, progress."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import select

from course.content import load_catalogue
from course.learning import cases, progress
from course.models import CaseAttempt
from course.platform.db import make_engine, make_sessionmaker, write_intent
from tests.course.content.contenttree import write_tree


@pytest.fixture(scope="module")
def module(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return load_catalogue(write_tree(tmp_path_factory.mktemp("content"))).modules[0]


def best_of(module: Any) -> dict[str, str]:
    return {step.id: step.best.id for step in module.case.steps}


def worst_of(module: Any) -> dict[str, str]:
    return {step.id: next(c.id for c in step.choices if not c.is_best) for step in module.case.steps}


def play(session: Any, user_id: int, module: Any, answers: dict[str, str]) -> CaseAttempt:
    attempt = cases.start(session, user_id, module)
    for step in module.case.steps:
        cases.choose(session, attempt, module, step.id, answers[step.id])
    return attempt


# --- pure rules ------------------------------------------------------------------------


def test_score_is_the_share_of_steps_with_the_best_choice(module: Any) -> None:
    case = module.case
    assert cases.score(case, best_of(module)).score == 100.0
    two = {**best_of(module), "safeguards": "a"}
    result = cases.score(case, two)
    assert (result.best_taken, result.steps, result.score) == (2, 3, 66.7)
    assert result.passed  # the test case's pass mark is 60
    one = {**worst_of(module), "first-hours": "a"}
    assert cases.score(case, one).score == 33.3 and not cases.score(case, one).passed
    assert cases.score(case, {}).score == 0.0
    assert cases.score(case, two, pass_mark=70).passed is False


def test_a_choice_must_fit_the_step_in_play(module: Any) -> None:
    case = module.case
    with pytest.raises(cases.ChoiceRefused, match="unknown_step"):
        cases.check_choice(case, {}, "no-such-step", "a")
    with pytest.raises(cases.ChoiceRefused, match="out_of_order"):
        cases.check_choice(case, {}, "get-the-data", "b")
    with pytest.raises(cases.ChoiceRefused, match="unknown_choice"):
        cases.check_choice(case, {}, "first-hours", "z")
    with pytest.raises(cases.ChoiceRefused, match="already_answered"):
        cases.check_choice(case, {"first-hours": "a"}, "first-hours", "b")
    assert cases.check_choice(case, {"first-hours": "b"}, "get-the-data", "b").id == "get-the-data"


def test_choices_are_shuffled_per_attempt_and_stable(module: Any) -> None:
    step = module.case.steps[0]
    assert cases.choice_order(7, step) == cases.choice_order(7, step)
    orders = {tuple(c.id for c in cases.choice_order(n, step)) for n in range(1, 40)}
    assert len(orders) > 1 and all(sorted(o) == ["a", "b", "c"] for o in orders)


# --- records ---------------------------------------------------------------------------


def test_playing_a_case_records_each_choice_then_the_score(dbsession: Any, learner: Any, module: Any) -> None:
    attempt = cases.start(dbsession, learner.id, module)
    assert cases.start(dbsession, learner.id, module).id == attempt.id  # resumed, not doubled
    assert (attempt.case_id, attempt.content_version, attempt.pass_mark) == (
        "leaked-logs",
        module.version,
        60,
    )
    cases.choose(dbsession, attempt, module, "first-hours", "b")
    assert attempt.answers == {"first-hours": "b"} and not attempt.is_completed
    cases.choose(dbsession, attempt, module, "get-the-data", "b")
    cases.choose(dbsession, attempt, module, "safeguards", "c")
    dbsession.commit()
    dbsession.expire_all()
    stored = dbsession.get(CaseAttempt, attempt.id)
    assert stored.is_completed and stored.score == 66.7 and stored.passed
    assert stored.answers == {"first-hours": "b", "get-the-data": "b", "safeguards": "c"}
    assert cases.open_attempt(dbsession, learner.id, module.id) is None
    assert [a.id for a in cases.history(dbsession, learner.id, module.id)] == [attempt.id]
    again = cases.start(dbsession, learner.id, module)
    assert again.id != attempt.id and again.answers == {}


@pytest.mark.parametrize(
    ("step_id", "choice_id", "reason"),
    [
        ("no-such-step", "a", cases.Refusal.UNKNOWN_STEP),
        ("safeguards", "c", cases.Refusal.OUT_OF_ORDER),
        ("get-the-data", "z", cases.Refusal.UNKNOWN_CHOICE),
        ("first-hours", "b", cases.Refusal.ALREADY_ANSWERED),
    ],
)
def test_a_forged_or_replayed_choice_changes_nothing(
    dbsession: Any, learner: Any, module: Any, step_id: str, choice_id: str, reason: cases.Refusal
) -> None:
    attempt = cases.start(dbsession, learner.id, module)
    cases.choose(dbsession, attempt, module, "first-hours", "a")
    dbsession.commit()
    with pytest.raises(cases.ChoiceRefused) as refused:
        cases.choose(dbsession, attempt, module, step_id, choice_id)
    assert refused.value.reason is reason
    dbsession.commit()
    dbsession.expire_all()
    stored = dbsession.get(CaseAttempt, attempt.id)
    assert stored.answers == {"first-hours": "a"} and stored.steps_answered == 1 and not stored.is_completed


def test_a_finished_attempt_takes_no_more_choices(dbsession: Any, learner: Any, module: Any) -> None:
    attempt = play(dbsession, learner.id, module, best_of(module))
    with pytest.raises(cases.ChoiceRefused) as refused:
        cases.choose(dbsession, attempt, module, "safeguards", "a")
    assert refused.value.is_replay and attempt.score == 100.0


def test_an_attempt_on_an_older_version_is_replaced(dbsession: Any, learner: Any, module: Any) -> None:
    old = cases.start(dbsession, learner.id, module)
    cases.choose(dbsession, old, module, "first-hours", "a")
    changed = replace(module, version="0123456789ab")
    with pytest.raises(cases.ChoiceRefused) as refused:
        cases.choose(dbsession, old, changed, "get-the-data", "b")
    assert refused.value.reason is cases.Refusal.OUTDATED
    fresh = cases.start(dbsession, learner.id, changed)
    assert fresh.answers == {} and fresh.content_version == "0123456789ab"
    assert dbsession.scalars(select(CaseAttempt)).all() == [fresh]


def test_two_submits_of_the_same_step_at_once_record_one_answer(
    database_url: str, dbsession: Any, learner: Any, module: Any
) -> None:
    """Both requests read the attempt before either writes: the conditional UPDATE lets one through."""
    attempt = cases.start(dbsession, learner.id, module)
    dbsession.commit()
    engine = make_engine(database_url)
    maker = make_sessionmaker(engine)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def submit(choice_id: str) -> None:
        with maker() as session:
            record = session.get(CaseAttempt, attempt.id)
            session.commit()  # both have read steps_answered == 0
            barrier.wait(timeout=10)
            with write_intent():
                try:
                    cases.choose(session, record, module, "first-hours", choice_id)
                    session.commit()
                    outcomes[choice_id] = "recorded"
                except cases.ChoiceRefused as refused:
                    session.rollback()
                    outcomes[choice_id] = refused.reason.value

    threads = [threading.Thread(target=submit, args=(c,)) for c in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    assert sorted(outcomes.values()) == ["already_answered", "recorded"]
    winner = next(c for c, outcome in outcomes.items() if outcome == "recorded")
    dbsession.expire_all()
    stored = dbsession.get(CaseAttempt, attempt.id)
    assert stored.answers == {"first-hours": winner} and stored.steps_answered == 1


# --- progress --------------------------------------------------------------------------


def case_status(dbsession: Any, user_id: int, module: Any) -> progress.ModuleProgress:
    return progress.module_progress(module, progress.load_facts(dbsession, user_id, [module.id]))


def test_progress_reports_the_case_status_and_best_score(dbsession: Any, learner: Any, module: Any) -> None:
    assert case_status(dbsession, learner.id, module).case.status is cases.CaseStatus.NOT_STARTED
    attempt = cases.start(dbsession, learner.id, module)
    cases.choose(dbsession, attempt, module, "first-hours", "b")
    assert case_status(dbsession, learner.id, module).case.status is cases.CaseStatus.IN_PROGRESS
    cases.choose(dbsession, attempt, module, "get-the-data", "a")
    cases.choose(dbsession, attempt, module, "safeguards", "a")
    state = case_status(dbsession, learner.id, module).case
    assert (state.status, state.best_score, state.attempts) == (cases.CaseStatus.NOT_PASSED, 0.0, 1)
    play(dbsession, learner.id, module, best_of(module))
    state = case_status(dbsession, learner.id, module).case
    assert (state.status, state.best_score, state.attempts) == (cases.CaseStatus.PASSED, 100.0, 2)


def test_the_case_does_not_change_module_completion(dbsession: Any, learner: Any, module: Any) -> None:
    """Completion stays lessons + quiz: a passed case completes nothing, a missing one blocks nothing."""
    play(dbsession, learner.id, module, best_of(module))
    state = case_status(dbsession, learner.id, module)
    assert state.case.status is cases.CaseStatus.PASSED
    assert state.status is progress.ModuleStatus.NOT_STARTED and state.percent == 0
    facts = progress.LearnerFacts(
        completed={module.id: frozenset(lesson.id for lesson in module.lessons)},
        quiz={module.id: progress.QuizStats(1, 100.0, True)},
    )
    done = progress.module_progress(module, facts)
    assert done.status is progress.ModuleStatus.COMPLETED and done.percent == 100
    assert done.case.status is cases.CaseStatus.NOT_STARTED

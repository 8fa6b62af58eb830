"""Quiz attempts on a real database: limits, grading once, content changes."""

from __future__ import annotations

import random
import threading
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from course.content import QuizSettings, load_catalogue
from course.learning import attempts, quiz
from course.models import QuizAttempt, utcnow
from course.platform.db import make_engine, make_sessionmaker

CONTENT = Path(__file__).resolve().parents[3] / "content"
MODULE = load_catalogue(CONTENT).module("electronic-evidence")


def right_answers(module: Any, attempt: QuizAttempt) -> dict[str, list[str]]:
    pool = module.question_pool
    return {item["q"]: sorted(pool[item["q"]].correct_ids) for item in attempt.shown}


def test_an_attempt_records_what_it_showed(dbsession: Any, learner: Any) -> None:
    attempt = attempts.start_attempt(dbsession, learner.id, MODULE, rng=random.Random(1))
    assert len(attempt.shown) == MODULE.quiz.questions_per_attempt
    assert attempt.content_version == MODULE.version and attempt.pass_mark == 80
    view = attempts.view(attempt, MODULE)
    assert [q.id for q, _ in view.questions] == [item["q"] for item in attempt.shown]
    assert [[o.id for o in opts] for _, opts in view.questions] == [item["o"] for item in attempt.shown]


def test_starting_twice_continues_the_open_attempt(dbsession: Any, learner: Any) -> None:
    first = attempts.start_attempt(dbsession, learner.id, MODULE)
    assert attempts.start_attempt(dbsession, learner.id, MODULE).id == first.id


def test_cohort_pass_mark_is_stored_on_the_attempt(dbsession: Any, learner: Any) -> None:
    attempt = attempts.start_attempt(dbsession, learner.id, MODULE, pass_mark=90)
    answers = right_answers(MODULE, attempt)
    first = next(iter(answers))
    answers[first] = []  # one question wrong: 90% with 10 questions
    attempts.submit(dbsession, attempt, MODULE, answers)
    assert attempt.score == 90.0 and attempt.passed and attempt.pass_mark == 90


def test_the_grade_a_submit_reports_is_the_one_stored(
    database_url: str, dbsession: Any, learner: Any
) -> None:
    """The submitting request keeps its own grade without reading it back: it must equal the stored row."""
    attempt = attempts.start_attempt(dbsession, learner.id, MODULE, rng=random.Random(3))
    answers = right_answers(MODULE, attempt)
    wrong = attempt.shown[0]
    answers[wrong["q"]] = [o for o in wrong["o"] if o not in answers[wrong["q"]]][:1]
    attempts.submit(dbsession, attempt, MODULE, answers)
    dbsession.commit()
    engine = make_engine(database_url)
    with make_sessionmaker(engine)() as fresh:
        stored = fresh.get(QuizAttempt, attempt.id)
        reported = {k: getattr(attempt, k) for k in ("status", "answers", "credits", "score", "passed")}
        assert reported == {k: getattr(stored, k) for k in reported}
        assert stored.submitted_at == attempt.submitted_at
        assert stored.status == "submitted" and stored.score == 90.0 and stored.passed is True
        assert stored.answers[wrong["q"]] == answers[wrong["q"]]
    engine.dispose()
    assert not dbsession.dirty  # nothing left for the request's commit to write again


def test_max_attempts(dbsession: Any, learner: Any) -> None:
    module = replace(MODULE, quiz=QuizSettings(questions_per_attempt=3, max_attempts=2))
    for _ in range(2):
        attempt = attempts.start_attempt(dbsession, learner.id, module)
        attempts.submit(dbsession, attempt, module, {})
    with pytest.raises(attempts.AttemptRefused) as refused:
        attempts.start_attempt(dbsession, learner.id, module)
    assert refused.value.reason == "max_attempts"


def test_waiting_time_between_attempts(dbsession: Any, learner: Any) -> None:
    module = replace(MODULE, quiz=QuizSettings(questions_per_attempt=3, wait_minutes=30))
    now = utcnow()
    attempt = attempts.start_attempt(dbsession, learner.id, module, now=now)
    attempts.submit(dbsession, attempt, module, {}, now=now)
    with pytest.raises(attempts.AttemptRefused) as refused:
        attempts.start_attempt(dbsession, learner.id, module, now=now + timedelta(minutes=10))
    assert refused.value.reason == "wait" and refused.value.until == now + timedelta(minutes=30)
    assert attempts.start_attempt(dbsession, learner.id, module, now=now + timedelta(minutes=31))


def test_a_forged_submission_stores_nothing(dbsession: Any, learner: Any) -> None:
    attempt = attempts.start_attempt(dbsession, learner.id, MODULE)
    dbsession.commit()
    with pytest.raises(quiz.SubmissionError):
        attempts.submit(dbsession, attempt, MODULE, {"no-such-question": ["a"]})
    dbsession.rollback()
    assert dbsession.get(QuizAttempt, attempt.id).status == "open"


def test_a_changed_question_makes_an_open_attempt_outdated(dbsession: Any, learner: Any) -> None:
    attempt = attempts.start_attempt(dbsession, learner.id, MODULE)
    shown_id = attempt.shown[0]["q"]
    changed = replace(
        MODULE, questions=tuple(q for q in MODULE.questions if q.id != shown_id), version="changed"
    )
    with pytest.raises(attempts.AttemptOutdated):
        attempts.submit(dbsession, attempt, changed, {})
    fresh = attempts.start_attempt(dbsession, learner.id, changed)
    assert fresh.id != attempt.id and fresh.content_version == "changed"


def test_two_simultaneous_submits_grade_once(database_url: str, dbsession: Any, learner: Any) -> None:
    """Two requests submit the same attempt at once: one grade stands, the other sees it."""
    attempt = attempts.start_attempt(dbsession, learner.id, MODULE)
    dbsession.commit()
    right = right_answers(MODULE, attempt)
    engine = make_engine(database_url)
    maker = make_sessionmaker(engine)
    barrier = threading.Barrier(2)
    results: list[float | None] = []

    def submit(answers: dict[str, list[str]]) -> None:
        from course.platform.db import write_intent

        barrier.wait(timeout=10)  # both requests arrive together
        with write_intent(), maker() as session:
            record = session.get(QuizAttempt, attempt.id)
            attempts.submit(session, record, MODULE, answers)
            session.commit()
            results.append(record.score)

    threads = [threading.Thread(target=submit, args=(a,)) for a in (right, {})]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    engine.dispose()
    dbsession.rollback()
    dbsession.expire_all()
    stored = dbsession.get(QuizAttempt, attempt.id)
    assert stored.status == "submitted", results
    assert results == [stored.score, stored.score]  # both callers report the one stored grade
    assert dbsession.scalar(select(func.count()).select_from(QuizAttempt)) == 1


def test_completing_a_lesson_twice_is_recorded_once_and_says_so(dbsession: Any, learner: Any) -> None:
    from course.learning import progress

    lesson = MODULE.lessons[0]
    assert progress.complete_lesson(dbsession, learner.id, MODULE, lesson) is True
    assert progress.complete_lesson(dbsession, learner.id, MODULE, lesson) is False
    assert progress.completed_lessons(dbsession, learner.id, MODULE.id) == {lesson.id}


def test_the_open_attempt_is_found_without_reading_submitted_ones(dbsession: Any, learner: Any) -> None:
    """A learner with many submitted attempts: the lookup goes straight to the open one through the index."""
    if dbsession.get_bind().dialect.name != "sqlite":
        pytest.skip("the query plan is read with SQLite's EXPLAIN QUERY PLAN")
    for _ in range(3):
        attempt = attempts.start_attempt(dbsession, learner.id, MODULE)
        attempts.submit(dbsession, attempt, MODULE, right_answers(MODULE, attempt))
    assert attempts.open_attempt(dbsession, learner.id, MODULE.id) is None
    opened = attempts.start_attempt(dbsession, learner.id, MODULE)
    assert attempts.open_attempt(dbsession, learner.id, MODULE.id).id == opened.id

    compiled = attempts.OPEN_ATTEMPT.compile(dialect=dbsession.get_bind().dialect)
    values = {"user_id": learner.id, "module_id": MODULE.id, **compiled.params}
    plan = dbsession.connection().exec_driver_sql(
        f"EXPLAIN QUERY PLAN {compiled}", tuple(values[name] for name in compiled.positiontup)
    )
    details = " ".join(row[-1] for row in plan)
    assert "ix_quiz_attempt_user_module_status (user_id=? AND module_id=? AND status=?)" in details, details

"""Quiz attempts in the database: start one, submit it once, read its result.

An attempt records exactly which questions it showed and in which option order.
Grading is atomic: a conditional UPDATE moves the attempt from open to submitted,
so two submits arriving together grade it once and the second gets the stored
result. Scoring itself is the pure `course.learning.quiz.score`.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from course.content import Module
from course.learning import quiz
from course.models import AttemptStatus, QuizAttempt, utcnow
from course.platform.db import write_phase


class AttemptRefused(Exception):
    """The learner may not start an attempt now; `reason` says why, `until` when they may."""

    def __init__(self, reason: str, until: datetime | None = None):
        super().__init__(reason)
        self.reason = reason
        self.until = until


class AttemptOutdated(Exception):
    """The module's questions changed since this attempt started; it cannot be scored."""


@dataclass(frozen=True)
class AttemptView:
    """An attempt joined with the content it showed, ready for a page."""

    attempt: QuizAttempt
    questions: tuple[tuple[quiz.Question, tuple[quiz.Option, ...]], ...]


def shown_questions(attempt: QuizAttempt) -> tuple[quiz.ShownQuestion, ...]:
    return tuple(quiz.ShownQuestion.from_json(item) for item in attempt.shown)


# Every quiz start and quiz page asks for it: built once, and answered from the index on
# (learner, module, status) without reading the learner's submitted attempts.
OPEN_ATTEMPT = (
    select(QuizAttempt)
    .where(
        QuizAttempt.user_id == bindparam("user_id"),
        QuizAttempt.module_id == bindparam("module_id"),
        QuizAttempt.status == AttemptStatus.OPEN.value,
    )
    .order_by(QuizAttempt.id.desc())
    .limit(1)
)


# Built once, like OPEN_ATTEMPT: grading runs on every quiz submission. The values to
# set are the statement's parameters (status, answers, credits, score, passed, submitted_at).
_ATTEMPTS = QuizAttempt.__table__.c
GRADE_OPEN_ATTEMPT = QuizAttempt.__table__.update().where(
    _ATTEMPTS.id == bindparam("attempt_id"), _ATTEMPTS.status == AttemptStatus.OPEN.value
)


def open_attempt(session: Session, user_id: int, module_id: str) -> QuizAttempt | None:
    return session.scalar(OPEN_ATTEMPT, {"user_id": user_id, "module_id": module_id})


def start_attempt(
    session: Session,
    user_id: int,
    module: Module,
    pass_mark: int | None = None,
    rng: random.Random | None = None,
    now: datetime | None = None,
) -> QuizAttempt:
    """Open an attempt (or return the one already open), within the module's limits."""
    now = now or utcnow()
    existing = open_attempt(session, user_id, module.id)
    if existing is not None and existing.content_version == module.version:
        return existing
    submitted = select(QuizAttempt).where(
        QuizAttempt.user_id == user_id,
        QuizAttempt.module_id == module.id,
        QuizAttempt.status == AttemptStatus.SUBMITTED.value,
    )
    settings = module.quiz
    if settings.max_attempts is not None:
        count = session.scalar(select(func.count()).select_from(submitted.subquery())) or 0
        if count >= settings.max_attempts:
            raise AttemptRefused("max_attempts")
    if settings.wait_minutes:
        last = session.scalar(submitted.with_only_columns(func.max(QuizAttempt.submitted_at)))
        if last is not None:
            allowed = last + timedelta(minutes=settings.wait_minutes)
            if now < allowed:
                raise AttemptRefused("wait", allowed)
    if existing is not None:  # outdated by a content change: close it unscored
        session.delete(existing)
    shown = quiz.draw(module.questions, settings.questions_per_attempt, rng)
    attempt = QuizAttempt(
        user_id=user_id,
        module_id=module.id,
        content_version=module.version,
        shown=[s.to_json() for s in shown],
        pass_mark=pass_mark if pass_mark is not None else settings.pass_mark,
        started_at=now,
    )
    session.add(attempt)
    session.flush()
    return attempt


def view(attempt: QuizAttempt, module: Module) -> AttemptView:
    """The attempt's questions and options in the order it showed them.

    Raises AttemptOutdated if a question it showed is no longer in the module.
    """
    pool = module.question_pool
    items = []
    for shown in shown_questions(attempt):
        question = pool.get(shown.question_id)
        if question is None:
            raise AttemptOutdated(shown.question_id)
        options = tuple(question.option(i) for i in shown.option_ids)
        if any(o is None for o in options):
            raise AttemptOutdated(shown.question_id)
        items.append((question, tuple(o for o in options if o is not None)))
    return AttemptView(attempt, tuple(items))


def submit(
    session: Session,
    attempt: QuizAttempt,
    module: Module,
    answers: Mapping[str, Sequence[str]],
    now: datetime | None = None,
) -> QuizAttempt:
    """Score and store the submission once; a repeated submit returns the stored result.

    Raises quiz.SubmissionError (nothing stored) when the answers do not fit the attempt.
    """
    if attempt.is_submitted:
        return attempt
    view(attempt, module)  # AttemptOutdated if the questions changed
    result = quiz.score(module.question_pool, shown_questions(attempt), answers, attempt.pass_mark)
    stored_answers = {item.question_id: sorted(item.chosen) for item in result.items}
    credits = [{"q": item.question_id, "credit": item.credit} for item in result.items]
    graded = {
        "status": AttemptStatus.SUBMITTED.value,
        "answers": stored_answers,
        "credits": credits,
        "score": result.score,
        "passed": result.passed,
        "submitted_at": now or utcnow(),
    }
    # Only an open attempt is graded; if another request graded it first, theirs stands
    # and is read back. The statement is safe without the snapshot the attempt was read
    # in, so only this write waits for other writers.
    with write_phase(session):
        updated = session.connection().execute(GRADE_OPEN_ATTEMPT, {"attempt_id": attempt.id, **graded})
        if updated.rowcount == 1:  # ours is the stored result: no need to read it back
            for key, value in graded.items():
                set_committed_value(attempt, key, value)
        else:
            session.refresh(attempt)
    return attempt


def history(session: Session, user_id: int, module_id: str) -> list[QuizAttempt]:
    return list(
        session.scalars(
            select(QuizAttempt)
            .where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.module_id == module_id,
                QuizAttempt.status == AttemptStatus.SUBMITTED.value,
            )
            .order_by(QuizAttempt.submitted_at.desc())
        )
    )

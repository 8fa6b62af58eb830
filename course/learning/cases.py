"""Case exercises: playing a module's case step by step, scoring it, and the attempt records.

Pure rules first (scoring, the next step, checking a choice, the order choices
are shown in), then the records in the database (start or resume, choose,
finish, history).

Scoring (stated here because learners and trainers ask): the score is the
percentage of the case's steps at which the learner took the best choice, with
one decimal; the attempt passes when the score is at least the case's pass mark
(stored on the attempt when it starts). Every step counts the same.

Each step is answered once, in order. A choice that does not fit the attempt (an
unknown step, a step out of order, an unknown choice, a step already answered,
an attempt already finished) changes nothing and raises ChoiceRefused with the
reason. Recording is atomic: the attempt row is updated only if the number of
answered steps is still the one the request read, so two submits of the same
step at the same moment record one answer and the other is refused as
"already answered".
"""

from __future__ import annotations

import enum
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from course.content import CaseChoice, CaseExercise, CaseStep, Module
from course.models import CaseAttempt, CaseAttemptStatus, utcnow

OPEN = CaseAttemptStatus.OPEN.value
COMPLETED = CaseAttemptStatus.COMPLETED.value


class CaseStatus(enum.StrEnum):
    """Where a learner stands with a module's case."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    PASSED = "passed"
    NOT_PASSED = "not_passed"


class Refusal(enum.StrEnum):
    UNKNOWN_STEP = "unknown_step"
    OUT_OF_ORDER = "out_of_order"
    UNKNOWN_CHOICE = "unknown_choice"
    ALREADY_ANSWERED = "already_answered"
    FINISHED = "finished"
    OUTDATED = "outdated"  # the case changed since the attempt started


class ChoiceRefused(ValueError):
    """A choice that does not fit the attempt; nothing was recorded. `reason` says why."""

    def __init__(self, reason: Refusal, detail: str = ""):
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason

    @property
    def is_replay(self) -> bool:
        """A choice sent again (a double click, a second tab): the learner's first answer stands."""
        return self.reason in (Refusal.ALREADY_ANSWERED, Refusal.FINISHED)


# --- pure rules ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseResult:
    best_taken: int  # steps where the best choice was taken
    steps: int
    score: float  # percent, one decimal
    pass_mark: int

    @property
    def passed(self) -> bool:
        return self.score >= self.pass_mark


def score(case: CaseExercise, answers: Mapping[str, str], pass_mark: int | None = None) -> CaseResult:
    """The share of the case's steps at which the best choice was taken (unanswered steps earn 0)."""
    best = 0
    for step in case.steps:
        choice = step.choice(answers.get(step.id, ""))
        if choice is not None and choice.is_best:
            best += 1
    total = len(case.steps)
    percent = round(100.0 * best / total, 1) if total else 0.0
    return CaseResult(best, total, percent, case.pass_mark if pass_mark is None else pass_mark)


def next_step(case: CaseExercise, answers: Mapping[str, str]) -> CaseStep | None:
    """The first step not answered yet; None when every step is answered."""
    return next((s for s in case.steps if s.id not in answers), None)


def check_choice(case: CaseExercise, answers: Mapping[str, str], step_id: str, choice_id: str) -> CaseStep:
    """The step, if choosing `choice_id` there fits the answers so far; else ChoiceRefused."""
    step = case.step(step_id)
    if step is None:
        raise ChoiceRefused(Refusal.UNKNOWN_STEP, step_id)
    if step_id in answers:
        raise ChoiceRefused(Refusal.ALREADY_ANSWERED, step_id)
    expected = next_step(case, answers)
    if expected is None:
        raise ChoiceRefused(Refusal.FINISHED)
    if expected.id != step_id:
        raise ChoiceRefused(Refusal.OUT_OF_ORDER, f"{step_id} (the next step is {expected.id})")
    if step.choice(choice_id) is None:
        raise ChoiceRefused(Refusal.UNKNOWN_CHOICE, f"{choice_id!r} at step {step_id}")
    return step


def choice_order(attempt_id: int, step: CaseStep) -> tuple[CaseChoice, ...]:
    """The step's choices in the order this attempt shows them: shuffled, the same on every visit.

    Authors often write the best choice first; shuffling per attempt keeps its place from
    telling. The order follows from the attempt and step ids, so nothing needs storing.
    """
    choices = list(step.choices)
    random.Random(f"{attempt_id}/{step.id}").shuffle(choices)  # noqa: S311 - an order, not a secret
    return tuple(choices)


def is_current(attempt: CaseAttempt, module: Module) -> bool:
    """Whether the attempt was started on the case as it is now (same content version and case)."""
    return (
        module.case is not None
        and attempt.content_version == module.version
        and attempt.case_id == module.case.id
    )


# --- records ---------------------------------------------------------------------------

OPEN_ATTEMPT = (
    select(CaseAttempt)
    .where(
        CaseAttempt.user_id == bindparam("user_id"),
        CaseAttempt.module_id == bindparam("module_id"),
        CaseAttempt.status == OPEN,
    )
    .order_by(CaseAttempt.id.desc())
    .limit(1)
)

_ATTEMPTS = CaseAttempt.__table__.c
# Stores a choice only if no other request stored one since this one read the attempt.
RECORD_CHOICE = (
    CaseAttempt.__table__.update()
    .where(
        _ATTEMPTS.id == bindparam("attempt_id"),
        _ATTEMPTS.status == OPEN,
        _ATTEMPTS.steps_answered == bindparam("answered_before"),
    )
    .values(
        answers=bindparam("new_answers", type_=_ATTEMPTS.answers.type),
        steps_answered=bindparam("answered_after"),
    )
)
FINISH_OPEN_ATTEMPT = CaseAttempt.__table__.update().where(
    _ATTEMPTS.id == bindparam("attempt_id"), _ATTEMPTS.status == OPEN
)


def open_attempt(session: Session, user_id: int, module_id: str) -> CaseAttempt | None:
    return session.scalar(OPEN_ATTEMPT, {"user_id": user_id, "module_id": module_id})


def start(session: Session, user_id: int, module: Module, now: datetime | None = None) -> CaseAttempt:
    """Resume the learner's open attempt at the module's case, or start one.

    An open attempt on an older version of the case is closed unscored (deleted), as
    a quiz attempt is: its steps may no longer be the case's steps.
    """
    case = module.case
    if case is None:
        raise ValueError(f"module {module.id!r} has no case")
    existing = open_attempt(session, user_id, module.id)
    if existing is not None:
        if is_current(existing, module):
            return existing
        session.delete(existing)
        session.flush()
    attempt = CaseAttempt(
        user_id=user_id,
        module_id=module.id,
        case_id=case.id,
        content_version=module.version,
        answers={},
        steps_answered=0,
        pass_mark=case.pass_mark,
        status=OPEN,
        started_at=now or utcnow(),
    )
    session.add(attempt)
    session.flush()
    return attempt


def choose(
    session: Session,
    attempt: CaseAttempt,
    module: Module,
    step_id: str,
    choice_id: str,
    now: datetime | None = None,
) -> CaseStep:
    """Record the learner's choice at a step, once; after the last step the attempt is finished.

    Returns the step answered. Raises ChoiceRefused (nothing stored) when the choice does
    not fit the attempt, including when another request recorded this step first.
    """
    if attempt.is_completed:
        raise ChoiceRefused(Refusal.FINISHED)
    if module.case is None or not is_current(attempt, module):
        raise ChoiceRefused(Refusal.OUTDATED)
    answers = dict(attempt.answers or {})
    step = check_choice(module.case, answers, step_id, choice_id)
    answers[step_id] = choice_id
    updated = session.connection().execute(
        RECORD_CHOICE,
        {
            "attempt_id": attempt.id,
            "answered_before": attempt.steps_answered,
            "new_answers": answers,
            "answered_after": len(answers),
        },
    )
    if updated.rowcount != 1:  # another request answered (or finished) first: theirs stands
        session.refresh(attempt)
        raise ChoiceRefused(Refusal.ALREADY_ANSWERED, step_id)
    set_committed_value(attempt, "answers", answers)
    set_committed_value(attempt, "steps_answered", len(answers))
    if next_step(module.case, answers) is None:
        finish(session, attempt, module, now)
    return step


def finish(
    session: Session, attempt: CaseAttempt, module: Module, now: datetime | None = None
) -> CaseAttempt:
    """Score the attempt and close it, once (a finished attempt is returned as it is)."""
    if attempt.is_completed:
        return attempt
    if module.case is None or not is_current(attempt, module):
        raise ChoiceRefused(Refusal.OUTDATED)
    result = score(module.case, attempt.answers or {}, attempt.pass_mark)
    values = {
        "status": COMPLETED,
        "score": result.score,
        "passed": result.passed,
        "completed_at": now or utcnow(),
    }
    updated = session.connection().execute(FINISH_OPEN_ATTEMPT, {"attempt_id": attempt.id, **values})
    if updated.rowcount == 1:
        for key, value in values.items():
            set_committed_value(attempt, key, value)
    else:
        session.refresh(attempt)
    return attempt


def history(session: Session, user_id: int, module_id: str) -> list[CaseAttempt]:
    """The learner's finished attempts at the module's case, newest first."""
    return list(
        session.scalars(
            select(CaseAttempt)
            .where(
                CaseAttempt.user_id == user_id,
                CaseAttempt.module_id == module_id,
                CaseAttempt.status == COMPLETED,
            )
            .order_by(CaseAttempt.completed_at.desc(), CaseAttempt.id.desc())
        )
    )


@dataclass(frozen=True, slots=True)
class AnsweredStep:
    """A step the attempt answered, for the page: the choice taken, and the best one."""

    step: CaseStep
    chosen: CaseChoice | None  # None if the choice has left the case since
    best: CaseChoice

    @property
    def took_best(self) -> bool:
        return self.chosen is not None and self.chosen.is_best


def answered_steps(case: CaseExercise, attempt: CaseAttempt) -> list[AnsweredStep]:
    """The steps the attempt answered, in the case's order."""
    answers = attempt.answers or {}
    return [
        AnsweredStep(step, step.choice(answers[step.id]), step.best)
        for step in case.steps
        if step.id in answers
    ]

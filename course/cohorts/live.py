"""The live quiz in the room: the instructor puts a question from the module pools to the cohort.

The instructor opens a question; learners answer on their own devices; the
instructor closes it (no more answers) and reveals the distribution with the
correct answer and its explanation. A step of a module's case exercise can be
put to the room the same way: it is asked as a single-choice question whose
options are the step's choices and whose correct option is the best one
(`Module.live_question`, ids "case/<step id>"), and the reveal shows the
feedback on every choice. All state is in the database (LiveQuestion,
LiveAnswer), so any worker can serve any request, and each learner's answer is
kept. One question is live at a time per cohort: opening one closes the last.

Each learner answers once. An answer and a close can race: on PostgreSQL the
answer reads the question's status FOR SHARE, so a close waits for it or the
answer sees the close; on SQLite the write transactions are serialised anyway.
"""

from __future__ import annotations

import enum
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from course.content import CaseStep, Catalogue, Module
from course.learning.quiz import Option, Question
from course.models import Cohort, LiveAnswer, LiveQuestion, LiveQuestionStatus, User, utcnow
from course.platform.db import insert_ignore

OPEN = LiveQuestionStatus.OPEN.value
CLOSED = LiveQuestionStatus.CLOSED.value
REVEALED = LiveQuestionStatus.REVEALED.value


class UnknownQuestion(Exception):
    """The question is not in the cohort's modules."""


def open_question(
    session: Session,
    actor: User,
    cohort: Cohort,
    module: Module,
    question_id: str,
    rng: random.Random | None = None,
) -> LiveQuestion:
    """Put a question to the room (closing any question still open): from the quiz pool, or a case step."""
    question = module.live_question(question_id)
    if question is None:
        raise UnknownQuestion(question_id)
    now = utcnow()
    session.execute(
        update(LiveQuestion)
        .where(LiveQuestion.cohort_id == cohort.id, LiveQuestion.status == OPEN)
        .values(status=CLOSED, closed_at=now)
        .execution_options(synchronize_session=False)
    )
    option_ids = [o.id for o in question.options]
    if question.kind.shuffle_options:
        (rng or random.SystemRandom()).shuffle(option_ids)
    live = LiveQuestion(
        cohort_id=cohort.id,
        module_id=module.id,
        question_id=question.id,
        content_version=module.version,
        option_ids=option_ids,
        status=OPEN,
        opened_by_id=actor.id,
        opened_at=now,
    )
    session.add(live)
    session.flush()
    return live


def current(session: Session, cohort_id: int) -> LiveQuestion | None:
    """The cohort's latest live question, whatever its state."""
    return session.scalar(
        select(LiveQuestion)
        .where(LiveQuestion.cohort_id == cohort_id)
        .order_by(LiveQuestion.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class Shown:
    """A live question with its content: the options in the order the room sees them."""

    live: LiveQuestion
    module: Module
    question: Question
    options: tuple[Option, ...]
    step: CaseStep | None = None  # when the question is a step of the module's case

    def feedback_html(self, option_id: str) -> str:
        """The case feedback on one choice ("" for a quiz question)."""
        choice = self.step.choice(option_id) if self.step is not None else None
        return choice.feedback_html if choice is not None else ""


def shown(catalogue: Catalogue, live: LiveQuestion) -> Shown | None:
    """The live question's content; None if the question has left the course since."""
    module = catalogue.module(live.module_id)
    question = module.live_question(live.question_id) if module else None
    if module is None or question is None:
        return None
    options = tuple(o for o in (question.option(i) for i in live.option_ids) if o is not None)
    return Shown(live, module, question, options, module.case_step(live.question_id))


def _move(session: Session, live: LiveQuestion, from_states: Sequence[str], to_state: str) -> bool:
    moved = session.execute(
        update(LiveQuestion)
        .where(LiveQuestion.id == live.id, LiveQuestion.status.in_(list(from_states)))
        .values(status=to_state, closed_at=live.closed_at or utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(live)
    return bool(moved)


def close(session: Session, live: LiveQuestion) -> bool:
    """No more answers. False when it was not open."""
    return _move(session, live, [OPEN], CLOSED)


def reveal(session: Session, live: LiveQuestion) -> bool:
    """Show the distribution and the correct answer (closing it first if still open)."""
    return _move(session, live, [OPEN, CLOSED], REVEALED)


class AnswerOutcome(enum.Enum):
    RECORDED = "recorded"
    ALREADY = "already"  # this learner answered before: the first answer stands
    CLOSED = "closed"
    INVALID = "invalid"  # options the question did not show, none, or several for a one-answer question


def answer(session: Session, item: Shown, user_id: int, option_ids: Sequence[str]) -> AnswerOutcome:
    """Record a learner's answer while the question is open."""
    live, question = item.live, item.question
    chosen = frozenset(option_ids)
    if (
        not chosen
        or not chosen <= {o.id for o in item.options}
        or (len(chosen) > 1 and not question.kind.multiple_answers)
    ):
        return AnswerOutcome.INVALID
    status = session.scalar(
        select(LiveQuestion.status).where(LiveQuestion.id == live.id).with_for_update(read=True)
    )
    if status != OPEN:
        return AnswerOutcome.CLOSED
    inserted = insert_ignore(
        session,
        LiveAnswer.__table__,
        {
            "live_question_id": live.id,
            "user_id": user_id,
            "option_ids": sorted(chosen),
            "is_correct": question.kind.credit(question, chosen) >= 1.0,
            "answered_at": utcnow(),
        },
    )
    return AnswerOutcome.RECORDED if inserted else AnswerOutcome.ALREADY


def own_answer(session: Session, live_id: int, user_id: int) -> LiveAnswer | None:
    return session.get(LiveAnswer, (live_id, user_id))


def answer_count(session: Session, live_id: int) -> int:
    return session.scalar(select(func.count()).where(LiveAnswer.live_question_id == live_id)) or 0


@dataclass(frozen=True)
class Results:
    """How the room answered: learners per option (in the order shown), and how many were right."""

    item: Shown
    counts: tuple[tuple[Option, int], ...]
    answered: int
    correct: int

    @property
    def share_correct(self) -> float | None:
        return round(100.0 * self.correct / self.answered, 1) if self.answered else None


def results(session: Session, item: Shown) -> Results:
    rows = session.execute(
        select(LiveAnswer.option_ids, LiveAnswer.is_correct).where(
            LiveAnswer.live_question_id == item.live.id
        )
    ).all()
    per_option = {o.id: 0 for o in item.options}
    for option_ids, _correct in rows:
        for option_id in option_ids:
            if option_id in per_option:
                per_option[option_id] += 1
    return Results(
        item,
        tuple((o, per_option[o.id]) for o in item.options),
        answered=len(rows),
        correct=sum(1 for _ids, correct in rows if correct),
    )


def key(live: LiveQuestion | None) -> str:
    """Changes whenever the room's screen must change: another question, or another state."""
    return "none" if live is None else f"{live.id}-{live.status}"


def state(session: Session, cohort_id: int) -> dict[str, Any]:
    """What the polling script compares: which question, its state and the number of answers.

    Nothing in it says which option is right.
    """
    live = current(session, cohort_id)
    return {"key": key(live), "answers": answer_count(session, live.id) if live else 0}


@dataclass(frozen=True)
class Past:
    live: LiveQuestion
    answered: int
    correct: int

    @property
    def share_correct(self) -> float | None:
        return round(100.0 * self.correct / self.answered, 1) if self.answered else None


def history(session: Session, cohort_id: int, limit: int = 50) -> list[Past]:
    """The cohort's live questions, newest first, with how many answered and how many were right."""
    counts = (
        select(
            LiveAnswer.live_question_id.label("qid"),
            func.count(LiveAnswer.user_id).label("n"),
            func.count(LiveAnswer.user_id).filter(LiveAnswer.is_correct).label("right"),
        )
        .group_by(LiveAnswer.live_question_id)
        .subquery()
    )
    rows = session.execute(
        select(LiveQuestion, func.coalesce(counts.c.n, 0), func.coalesce(counts.c.right, 0))
        .outerjoin(counts, counts.c.qid == LiveQuestion.id)
        .where(LiveQuestion.cohort_id == cohort_id)
        .order_by(LiveQuestion.id.desc())
        .limit(limit)
    )
    return [Past(live, n, right) for live, n, right in rows]

"""Who runs a cohort and who is in it: join codes, instructors, enrolment, joining, pass marks."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, exists, func, select
from sqlalchemy.orm import Session

from course.accounts import audit, normalise_email
from course.cohorts.cohort import modules_in_scope, normalise_code, target
from course.content import Catalogue
from course.models import (
    Cohort,
    CohortInstructor,
    Enrolment,
    Role,
    User,
    utcnow,
)
from course.platform import throttle
from course.platform.db import insert_ignore

JOIN_WINDOW = 15 * 60
JOIN_LIMIT_PER_ACCOUNT = 10  # failed codes per account per window
JOIN_LIMIT_PER_ADDRESS = 30  # failed codes per client address per window


# --- who runs it, who is in it ------------------------------------------------------


def is_instructor_of(session: Session, cohort_id: int, user: User) -> bool:
    """True for the cohort's instructors and for administrators."""
    if user.is_admin:
        return True
    if not user.is_instructor:
        return False
    found = session.scalar(
        select(CohortInstructor.user_id).where(
            CohortInstructor.cohort_id == cohort_id, CohortInstructor.user_id == user.id
        )
    )
    return found is not None


def is_enrolled(session: Session, cohort_id: int, user_id: int) -> bool:
    found = session.scalar(
        select(Enrolment.id).where(Enrolment.cohort_id == cohort_id, Enrolment.user_id == user_id)
    )
    return found is not None


def has_enrolments(session: Session, user_id: int) -> bool:
    return bool(session.scalar(select(enrolled_anywhere(user_id))))


def enrolled_anywhere(user_id: Any) -> Any:
    """An SQL expression: is this user (an id, or a column) a learner in any cohort?"""
    return exists().where(Enrolment.user_id == user_id).label("enrolled")


@dataclass(frozen=True)
class CohortSummary:
    cohort: Cohort
    learners: int


def managed_cohorts(session: Session, user: User) -> list[CohortSummary]:
    """The cohorts this user runs (every cohort for an administrator), newest first, with head counts."""
    counts = (
        select(Enrolment.cohort_id, func.count(Enrolment.id).label("n"))
        .group_by(Enrolment.cohort_id)
        .subquery()
    )
    stmt = select(Cohort, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.cohort_id == Cohort.id)
    if not user.is_admin:
        stmt = stmt.join(CohortInstructor, CohortInstructor.cohort_id == Cohort.id).where(
            CohortInstructor.user_id == user.id
        )
    stmt = stmt.order_by(Cohort.starts_on.desc().nulls_last(), Cohort.id.desc())
    return [CohortSummary(cohort, n) for cohort, n in session.execute(stmt)]


def learner_cohorts(session: Session, user_id: int) -> list[Cohort]:
    """The cohorts a learner is enrolled in, newest first."""
    return list(
        session.scalars(
            select(Cohort)
            .join(Enrolment, Enrolment.cohort_id == Cohort.id)
            .where(Enrolment.user_id == user_id)
            .order_by(Cohort.starts_on.desc().nulls_last(), Cohort.id.desc())
        )
    )


def instructors(session: Session, cohort_id: int) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .join(CohortInstructor, CohortInstructor.user_id == User.id)
            .where(CohortInstructor.cohort_id == cohort_id)
            .order_by(CohortInstructor.added_at, User.id)
        )
    )


class InstructorRefused(Exception):
    """Why an instructor could not be added or removed: `reason` is a stable code."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # unknown, not_instructor, already, last, enrolled


def add_instructor(session: Session, actor: User, cohort: Cohort, email: str) -> User:
    """Add a co-instructor by email: an existing account with the instructor or admin role."""
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or not user.is_active:
        raise InstructorRefused("unknown")
    if user.role not in (Role.INSTRUCTOR, Role.ADMIN):
        raise InstructorRefused("not_instructor")
    if is_enrolled(session, cohort.id, user.id):
        raise InstructorRefused("enrolled")
    if not insert_ignore(
        session,
        CohortInstructor.__table__,
        {"cohort_id": cohort.id, "user_id": user.id, "added_at": utcnow()},
    ):
        raise InstructorRefused("already")
    audit(session, actor, "cohort_instructor_added", target(cohort), user.email)
    return user


def remove_instructor(session: Session, actor: User, cohort: Cohort, user_id: int) -> None:
    """Remove a co-instructor; a cohort always keeps at least one."""
    ids = [u.id for u in instructors(session, cohort.id)]
    if user_id not in ids:
        raise InstructorRefused("unknown")
    if len(ids) == 1:
        raise InstructorRefused("last")
    session.execute(
        delete(CohortInstructor).where(
            CohortInstructor.cohort_id == cohort.id, CohortInstructor.user_id == user_id
        )
    )
    audit(session, actor, "cohort_instructor_removed", target(cohort), f"user:{user_id}")


def learner_count(session: Session, cohort_id: int) -> int:
    return session.scalar(select(func.count(Enrolment.id)).where(Enrolment.cohort_id == cohort_id)) or 0


def learners(session: Session, cohort_id: int) -> list[tuple[User, Enrolment]]:
    """The cohort's learners with their enrolment, by name."""
    rows = session.execute(
        select(User, Enrolment)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.cohort_id == cohort_id)
        .order_by(func.lower(User.full_name), User.email)
    )
    return [(user, enrolment) for user, enrolment in rows]


def lock(session: Session, cohort: Cohort) -> None:
    """Hold the cohort row until commit (PostgreSQL), so capacity checks do not race.

    SQLite needs nothing: write transactions already start with BEGIN IMMEDIATE.
    """
    session.execute(select(Cohort.id).where(Cohort.id == cohort.id).with_for_update())


def places_left(session: Session, cohort: Cohort) -> int | None:
    if cohort.capacity is None:
        return None
    return max(0, cohort.capacity - learner_count(session, cohort.id))


def enrol(session: Session, cohort: Cohort, user_id: int, source: str) -> bool:
    """Enrol a learner (no capacity check: callers check); False when already enrolled."""
    return insert_ignore(
        session,
        Enrolment.__table__,
        {"cohort_id": cohort.id, "user_id": user_id, "source": source, "enrolled_at": utcnow()},
    )


def remove_learner(session: Session, actor: User, cohort: Cohort, user_id: int) -> bool:
    """Take a learner out of the cohort; their own progress stays theirs."""
    removed = session.execute(
        delete(Enrolment).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id == user_id)
    ).rowcount
    if removed:
        audit(session, actor, "cohort_learner_removed", target(cohort), f"user:{user_id}")
    return bool(removed)


class JoinOutcome(enum.Enum):
    JOINED = "joined"
    ALREADY = "already"  # already enrolled: nothing to do
    UNKNOWN = "unknown"  # no cohort has this code
    CLOSED = "closed"  # the instructor closed joining
    FULL = "full"
    INSTRUCTOR = "instructor"  # the user runs this cohort
    THROTTLED = "throttled"


@dataclass(frozen=True)
class JoinResult:
    outcome: JoinOutcome
    cohort: Cohort | None = None


def join(session: Session, user: User, code: str, address: str, source: str = "code") -> JoinResult:
    """Join the cohort whose code this is, under the join throttles.

    Unknown and closed codes count as failures (per account and per address);
    once either limit is reached, every code is refused until the window ends.
    """
    account_key = f"join:account:{user.id}"
    address_key = f"join:address:{address}"
    if throttle.is_blocked(session, account_key, JOIN_LIMIT_PER_ACCOUNT, JOIN_WINDOW) or throttle.is_blocked(
        session, address_key, JOIN_LIMIT_PER_ADDRESS, JOIN_WINDOW
    ):
        return JoinResult(JoinOutcome.THROTTLED)
    normalised = normalise_code(code)
    cohort = session.scalar(select(Cohort).where(Cohort.join_code == normalised)) if normalised else None
    if cohort is None or not cohort.is_join_open:
        throttle.record(session, account_key, JOIN_WINDOW)
        throttle.record(session, address_key, JOIN_WINDOW)
        return JoinResult(JoinOutcome.UNKNOWN if cohort is None else JoinOutcome.CLOSED)
    if is_enrolled(session, cohort.id, user.id):
        return JoinResult(JoinOutcome.ALREADY, cohort)
    if is_instructor_of(session, cohort.id, user) and not user.is_admin:
        return JoinResult(JoinOutcome.INSTRUCTOR, cohort)
    lock(session, cohort)
    if places_left(session, cohort) == 0:
        return JoinResult(JoinOutcome.FULL, cohort)
    enrol(session, cohort, user.id, source)
    return JoinResult(JoinOutcome.JOINED, cohort)


# Built once: every quiz start asks it. Only the three columns the rule needs, through
# Core on the session's own connection and transaction (no Cohort objects are built).
_COHORT_PASS_MARKS = (
    select(Cohort.pass_mark, Cohort.path_id, Cohort.module_ids)
    .join(Enrolment, Enrolment.cohort_id == Cohort.id)
    .where(Enrolment.user_id == bindparam("user_id"), Cohort.pass_mark.is_not(None))
)


def pass_mark_for(session: Session, catalogue: Catalogue, user_id: int, module_id: str) -> int | None:
    """The cohort pass mark for this learner's quiz on this module, or None for the module's own.

    A learner in several cohorts that cover the module and set a pass mark gets
    the highest of them, so no cohort's requirement is undercut.
    """
    rows = session.connection().execute(_COHORT_PASS_MARKS, {"user_id": user_id})
    marks = [
        mark
        for mark, path_id, module_ids in rows
        if any(m.id == module_id for m in modules_in_scope(catalogue, path_id, module_ids))
    ]
    return max(marks) if marks else None

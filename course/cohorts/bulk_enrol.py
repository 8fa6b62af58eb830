"""Importing a parsed roster into a cohort: a plan first, then all of it or nothing.

`plan` says, row by row, what importing would do (enrol an existing account, create
a new one, or nothing because the person is already in) and refuses the whole import
if any row is bad or the cohort has too few places. Only a plan without problems can be
applied, and `apply` writes it in the caller's transaction: all of it or, on any
failure, nothing. New accounts get an unusable password and a one-time link to set one
(course/accounts/password_links.py); the instructor passes the links on.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from course import cohorts
from course.accounts import audit, hash_password, password_links
from course.cohorts.roster import FileProblem, Parsed, RosterRow, RowError, RowOutcome, RowProblem
from course.models import Cohort, CohortInstructor, Enrolment, Role, User

# --- planning and importing ---------------------------------------------------------


@dataclass(frozen=True)
class PlannedRow:
    row: RosterRow
    outcome: RowOutcome
    user: User | None = None  # the existing account


@dataclass(frozen=True)
class ImportPlan:
    rows: tuple[PlannedRow, ...] = ()
    errors: tuple[RowError, ...] = ()
    problem: FileProblem | None = None
    places_left: int | None = None
    counts: dict[RowOutcome, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.problem is None and not self.errors

    @property
    def to_enrol(self) -> int:
        return self.counts.get(RowOutcome.CREATE, 0) + self.counts.get(RowOutcome.ENROL, 0)


def plan(session: Session, cohort: Cohort, parsed: Parsed) -> ImportPlan:
    """What importing these rows into the cohort would do, row by row. Three queries."""
    if parsed.problem is not None:
        return ImportPlan(problem=parsed.problem)
    emails = [r.email for r in parsed.rows]
    accounts = (
        {u.email: u for u in session.scalars(select(User).where(User.email.in_(emails)))} if emails else {}
    )
    ids = [u.id for u in accounts.values()]
    enrolled = set(
        session.scalars(
            select(Enrolment.user_id).where(Enrolment.cohort_id == cohort.id, Enrolment.user_id.in_(ids))
        )
    )
    teaching = set(
        session.scalars(
            select(CohortInstructor.user_id).where(
                CohortInstructor.cohort_id == cohort.id, CohortInstructor.user_id.in_(ids)
            )
        )
    )
    errors = list(parsed.errors)
    planned = []
    for row in parsed.rows:
        user = accounts.get(row.email)
        if user is None:
            planned.append(PlannedRow(row, RowOutcome.CREATE))
        elif user.id in enrolled:
            planned.append(PlannedRow(row, RowOutcome.ALREADY, user))
        elif user.id in teaching:
            errors.append(RowError(row.line, RowProblem.INSTRUCTOR, row.email))
        elif not user.is_active:
            errors.append(RowError(row.line, RowProblem.DEACTIVATED, row.email))
        else:
            planned.append(PlannedRow(row, RowOutcome.ENROL, user))
    errors.sort(key=lambda e: e.line)
    counts = {outcome: sum(1 for p in planned if p.outcome == outcome) for outcome in RowOutcome}
    left = cohorts.places_left(session, cohort)
    problem = None
    if left is not None and counts[RowOutcome.CREATE] + counts[RowOutcome.ENROL] > left:
        problem = FileProblem.OVER_CAPACITY
    return ImportPlan(tuple(planned), tuple(errors), problem, left, counts)


@dataclass(frozen=True)
class ImportResult:
    created: tuple[tuple[User, str], ...]  # new accounts and their set-password tokens (shown once)
    enrolled: tuple[User, ...]  # existing accounts enrolled
    already: int


class ImportRefused(Exception):
    """The plan has problems (`plan` says which): nothing was imported."""

    def __init__(self, plan: ImportPlan):
        super().__init__("roster import refused")
        self.plan = plan


def apply(session: Session, actor: User, cohort: Cohort, parsed: Parsed) -> ImportResult:
    """Plan again under the cohort lock and import everything, or raise ImportRefused.

    The caller's transaction holds every change; on ImportRefused or any error it
    must roll back, and nothing is half-imported.
    """
    cohorts.lock(session, cohort)
    current = plan(session, cohort, parsed)
    if not current.ok:
        raise ImportRefused(current)
    # One hash of a random secret nobody keeps: new accounts cannot log in until their owner
    # sets a password, and logging in to them costs the same as to any account.
    unusable = hash_password(secrets.token_urlsafe(32))
    created: list[tuple[User, str]] = []
    enrolled: list[User] = []
    for item in current.rows:
        if item.outcome == RowOutcome.ALREADY:
            continue
        user = item.user
        if user is None:
            user = User(
                email=item.row.email,
                full_name=item.row.name,
                organisation=item.row.organisation,
                country=item.row.country,
                password_hash=unusable,
                role=Role.LEARNER.value,
            )
            session.add(user)
            session.flush()
            created.append((user, password_links.issue(session, user)))
        else:
            enrolled.append(user)
        cohorts.enrol(session, cohort, user.id, "roster")
    audit(
        session,
        actor,
        "cohort_roster_imported",
        cohorts.target(cohort),
        f"created {len(created)}, enrolled {len(enrolled)}, already in {current.counts[RowOutcome.ALREADY]}",
    )
    session.flush()
    return ImportResult(tuple(created), tuple(enrolled), current.counts[RowOutcome.ALREADY])


def new_link(session: Session, actor: User, cohort: Cohort, user: User) -> str | None:
    """A fresh set-password link for a learner of the cohort whose account still waits for them.

    None when the owner has already taken the account over (see password_links.may_issue).
    """
    if not cohorts.is_enrolled(session, cohort.id, user.id) or not password_links.may_issue(session, user):
        return None
    token = password_links.issue(session, user)
    audit(session, actor, "cohort_password_link_issued", cohorts.target(cohort), f"user:{user.id}")
    return token

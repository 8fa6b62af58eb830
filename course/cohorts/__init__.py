"""Cohorts: trainer-led sessions, who runs them, who is in them, their meetings and attendance.

An instructor runs a cohort with any co-instructors; administrators may manage
every cohort. Learners join with the cohort's join code (random, from an
alphabet without look-alike characters, read aloud as two groups of five),
which the instructor can close or replace; failed codes are throttled per
account and per address in the database, so guessing is slow on every worker.

Time zones: every cohort has one (an IANA name such as Africa/Nairobi; UTC by
default). Instructors type a meeting's day and time in the cohort's zone; it is
stored as the true UTC instant, so "held", "upcoming" and every comparison with
now are right wherever the server runs: a 09:00 meeting in Nairobi (UTC+3) is
stored as 06:00 UTC and counts as held from 06:00 UTC. Pages and exports show it
back in the cohort's zone, with the zone named. A local time that does not exist
(the hour skipped when clocks go forward) is refused; one that happens twice (the
hour repeated when they go back) means the first of the two (fold=0). Changing a
cohort's zone keeps every meeting at the local time it was typed as, so the
meetings' instants move (set_timezone).

Meetings stored before cohorts had zones were typed as local times and kept "as
if UTC"; their cohorts got the UTC zone, so they read back exactly as before.

A new cohort's zone is one of the current names (timezone_choices: UTC and the
tz database's zone.tab), not an old alias such as US/Eastern or Asia/Saigon; a
cohort saved earlier under an alias keeps it, since every known name stays valid.
Every time on a cohort's pages (meetings, live questions, quiz submissions,
enrolments) is shown in its zone; pages outside cohorts show UTC, named.

Attendance share, for a learner: meetings marked present divided by the meetings
held so far (started), not counting those the learner was excused from; a learner
not marked at a held meeting counts as absent. This is the rule the certificate
applies (course/credentials/eligibility.attendance_share); AttendanceTable computes it for a
whole cohort at once.
"""

from __future__ import annotations

import enum
import functools
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from sqlalchemy import bindparam, delete, exists, func, select
from sqlalchemy.orm import Session

from course.accounts import audit, normalise_email
from course.content import Catalogue, Module
from course.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortInstructor,
    Enrolment,
    Meeting,
    Role,
    User,
    utcnow,
)
from course.platform import throttle
from course.platform.db import insert_ignore

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U
JOIN_CODE_LENGTH = 10  # 30**10, about 2**49 codes
JOIN_WINDOW = 15 * 60
JOIN_LIMIT_PER_ACCOUNT = 10  # failed codes per account per window
JOIN_LIMIT_PER_ADDRESS = 30  # failed codes per client address per window


def target(cohort: Cohort) -> str:
    """How a cohort is named in the audit log."""
    return f"cohort:{cohort.id}"


# --- join codes ---------------------------------------------------------------------


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What the learner typed, as stored: capitals, no spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch.isascii() and ch.isalnum())[:32]


def format_code(code: str | None) -> str:
    """A code as shown and read aloud: ABCDE-FGHJK."""
    if not code:
        return ""
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))


def _unused_code(session: Session) -> str:
    while True:
        code = new_join_code()
        if session.scalar(select(Cohort.id).where(Cohort.join_code == code)) is None:
            return code


def regenerate_join_code(session: Session, actor: User, cohort: Cohort) -> str:
    """Replace the join code: the old code and link stop working at once."""
    cohort.join_code = _unused_code(session)
    audit(session, actor, "cohort_code_regenerated", target(cohort))
    return cohort.join_code


def set_join_open(session: Session, actor: User, cohort: Cohort, is_open: bool) -> None:
    if cohort.is_join_open != is_open:
        cohort.is_join_open = is_open
        audit(session, actor, "cohort_join_opened" if is_open else "cohort_join_closed", target(cohort))


# --- time zones ---------------------------------------------------------------------

DEFAULT_TIMEZONE = "UTC"


class UnknownTimezone(ValueError):
    """A name that is not an IANA time zone known here."""

    def __init__(self, name: str):
        super().__init__(f"unknown time zone: {name!r}")
        self.name = name


class NonexistentLocalTime(ValueError):
    """A wall-clock time the zone skips (clocks go forward): no instant has it."""

    def __init__(self, local: datetime, zone: str, meeting: Meeting | None = None):
        super().__init__(f"{local:%Y-%m-%d %H:%M} does not exist in {zone}")
        self.local = local
        self.zone = zone
        self.meeting = meeting  # the meeting that would land there, when a zone change is refused


@functools.cache
def timezone_names() -> tuple[str, ...]:
    """Every IANA zone name known here, sorted.

    The tzdata package (a dependency) guarantees the full set where the system has
    no zone database (Windows). "localtime" is left out: it names whatever zone the
    server is set to, not a place.
    """
    return tuple(sorted(available_timezones() - {"localtime", "posixrules"}))


@functools.cache
def _known_timezones() -> frozenset[str]:
    return frozenset(timezone_names())


@functools.cache
def timezone_choices() -> tuple[str, ...]:
    """The zones a new cohort can be put in, sorted: UTC and the zones of zone.tab.

    timezone_names() also holds about 180 old and deprecated names kept for old
    software (US/Eastern, Asia/Saigon, Cuba, Etc/GMT+3…), each the same clock as a
    current name: they would make the select of the cohort form about a third
    heavier, on the slow connections of many instructors, and offer two names for
    one place. zone.tab is the tz database's own list for people to choose from:
    each country's zones under their current names (Europe/Oslo and Africa/Kampala
    as well as Europe/Berlin and Africa/Nairobi). It is read from the tzdata
    package (a dependency), so every server offers the same list; a name this
    server's zone database does not know is left out. A cohort saved earlier under
    an old name keeps it (every name of timezone_names() stays valid).
    """
    table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    names = {line.split("\t")[2] for line in table.splitlines() if line and not line.startswith("#")}
    return tuple(sorted((names | {DEFAULT_TIMEZONE}) & _known_timezones()))


def is_timezone(name: str | None) -> bool:
    return name in _known_timezones()


def zone(name: str) -> ZoneInfo:
    """The zone of this IANA name; UnknownTimezone for any other string."""
    if not is_timezone(name):
        raise UnknownTimezone(name)
    return ZoneInfo(name)


def to_instant(zone_name: str, local: datetime) -> datetime:
    """The UTC instant of a wall-clock time (naive) in a zone.

    A time the zone skips raises NonexistentLocalTime; a time it repeats is the first
    occurrence (fold=0), i.e. still on the offset in force before the clocks go back.
    """
    tz = zone(zone_name)
    wall = local.replace(tzinfo=None, fold=0)
    instant = wall.replace(tzinfo=tz).astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != wall:
        raise NonexistentLocalTime(wall, zone_name)
    return instant


def local_time(zone_name: str, instant: datetime) -> datetime:
    """An instant as the zone's wall clock shows it (aware, in that zone)."""
    return instant.astimezone(zone(zone_name))


# --- the cohort itself --------------------------------------------------------------


@dataclass(frozen=True)
class CohortSettings:
    """What an instructor sets on a cohort: the fields of the cohort form."""

    title: str
    description: str = ""
    path_id: str | None = None
    module_ids: tuple[str, ...] = ()
    starts_on: date | None = None
    ends_on: date | None = None
    location: str = ""
    capacity: int | None = None
    pass_mark: int | None = None
    min_attendance: int | None = None
    timezone: str = DEFAULT_TIMEZONE

    @classmethod
    def of(cls, cohort: Cohort) -> CohortSettings:
        return cls(
            title=cohort.title,
            description=cohort.description,
            path_id=cohort.path_id,
            module_ids=tuple(cohort.module_ids or ()),
            starts_on=cohort.starts_on,
            ends_on=cohort.ends_on,
            location=cohort.location,
            capacity=cohort.capacity,
            pass_mark=cohort.pass_mark,
            min_attendance=cohort.min_attendance,
            timezone=cohort.timezone,
        )

    def apply(self, cohort: Cohort) -> list[str]:
        """Write these settings on the cohort; the names of the fields that changed.

        The time zone is written as is: on a cohort that has meetings, change it with
        set_timezone (update_cohort does), which moves them.
        """
        zone(self.timezone)  # an unknown name changes nothing
        changed = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "module_ids":
                value = [] if self.path_id else list(value)
            if f.name in ("title", "description", "location"):
                value = value.strip()
            if getattr(cohort, f.name) != value:
                setattr(cohort, f.name, value)
                changed.append(f.name)
        return changed


def create_cohort(session: Session, actor: User, settings: CohortSettings) -> Cohort:
    """A new cohort run by `actor`, with a fresh join code, open for joining."""
    cohort = Cohort(created_by_id=actor.id, join_code=_unused_code(session), is_join_open=True)
    settings.apply(cohort)
    session.add(cohort)
    session.flush()
    session.add(CohortInstructor(cohort_id=cohort.id, user_id=actor.id))
    audit(session, actor, "cohort_created", target(cohort), cohort.title)
    session.flush()
    return cohort


def update_cohort(session: Session, actor: User, cohort: Cohort, settings: CohortSettings) -> list[str]:
    """Save the cohort form; the names of the fields that changed.

    A new time zone goes first, through set_timezone: when it is refused (a meeting's
    time would not exist in it), nothing has changed.
    """
    moved = settings.timezone != cohort.timezone
    if moved:
        set_timezone(session, actor, cohort, settings.timezone)
    changed = settings.apply(cohort)
    if changed:
        audit(session, actor, "cohort_updated", target(cohort), ", ".join(changed))
    return [*changed, "timezone"] if moved else changed


def set_timezone(session: Session, actor: User, cohort: Cohort, name: str) -> int:
    """Put the cohort in another time zone; the number of meetings whose instants moved.

    Meeting times were typed as local times, so each meeting keeps its wall-clock
    time (09:00 stays 09:00, now in the new zone) and its instant moves by the
    difference. Every meeting is checked before anything changes: if one's local
    time does not exist in the new zone (clocks go forward then), this raises
    NonexistentLocalTime naming that meeting, and nothing changes.
    """
    old = cohort.timezone
    zone(name)
    if name == old:
        return 0
    found = meetings(session, cohort.id)
    moves = []
    for meeting in found:
        wall = local_time(old, meeting.starts_at).replace(tzinfo=None)
        try:
            moves.append((meeting, to_instant(name, wall)))
        except NonexistentLocalTime as refused:
            raise NonexistentLocalTime(refused.local, name, meeting) from None
    for meeting, instant in moves:
        meeting.starts_at = instant
    cohort.timezone = name
    audit(
        session,
        actor,
        "cohort_timezone_changed",
        target(cohort),
        f"{old} -> {name}; meetings kept their local times: {len(found)}",
    )
    session.flush()
    return len(found)


def delete_cohort(session: Session, actor: User, cohort: Cohort) -> None:
    """Delete the cohort, its enrolments, meetings, attendance and live questions.

    The learners' own progress (lessons, quiz attempts) is theirs and stays.
    """
    audit(session, actor, "cohort_deleted", target(cohort), cohort.title)
    session.delete(cohort)
    session.flush()


def cohort_modules(catalogue: Catalogue, cohort: Cohort) -> list[Module]:
    """The modules the cohort works through, in order: its path's, or the chosen ones."""
    return modules_in_scope(catalogue, cohort.path_id, cohort.module_ids)


def modules_in_scope(catalogue: Catalogue, path_id: str | None, module_ids: list[str] | None) -> list[Module]:
    """A cohort's modules from its two settings: a learning path, else a list of module ids."""
    if path_id:
        path = catalogue.path(path_id)
        return catalogue.modules_of(path) if path is not None else []
    return [m for m in (catalogue.module(i) for i in module_ids or ()) if m is not None]


def covers(catalogue: Catalogue, cohort: Cohort, module_id: str) -> bool:
    return any(m.id == module_id for m in cohort_modules(catalogue, cohort))


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


# --- meetings and attendance --------------------------------------------------------


@dataclass(frozen=True)
class MeetingDetails:
    title: str
    starts_at: datetime  # the true instant, aware: to_instant(cohort.timezone, typed local time)
    duration_minutes: int = 120
    agenda: str = ""

    def apply(self, meeting: Meeting) -> None:
        meeting.title = self.title.strip()
        meeting.starts_at = self.starts_at
        meeting.duration_minutes = self.duration_minutes
        meeting.agenda = self.agenda.strip()


def add_meeting(session: Session, actor: User, cohort: Cohort, details: MeetingDetails) -> Meeting:
    meeting = Meeting(cohort_id=cohort.id)
    details.apply(meeting)
    session.add(meeting)
    session.flush()
    audit(session, actor, "cohort_meeting_added", target(cohort), f"meeting:{meeting.id}")
    return meeting


def update_meeting(session: Session, actor: User, meeting: Meeting, details: MeetingDetails) -> None:
    details.apply(meeting)
    audit(session, actor, "cohort_meeting_updated", f"cohort:{meeting.cohort_id}", f"meeting:{meeting.id}")


def delete_meeting(session: Session, actor: User, meeting: Meeting) -> None:
    audit(session, actor, "cohort_meeting_deleted", f"cohort:{meeting.cohort_id}", meeting.title)
    session.delete(meeting)
    session.flush()


def meetings(session: Session, cohort_id: int) -> list[Meeting]:
    return list(
        session.scalars(select(Meeting).where(Meeting.cohort_id == cohort_id).order_by(Meeting.starts_at))
    )


def attendance_marks(session: Session, meeting_id: int) -> dict[int, str]:
    """{learner id: status} for one meeting."""
    rows = session.execute(
        select(Attendance.user_id, Attendance.status).where(Attendance.meeting_id == meeting_id)
    )
    return {user_id: status for user_id, status in rows}


def mark_attendance(
    session: Session, actor: User, meeting: Meeting, marks: Mapping[int, AttendanceStatus]
) -> int:
    """Record (or correct) attendance for enrolled learners; the number of marks that changed.

    Ids of people not enrolled in the meeting's cohort are ignored.
    """
    enrolled = set(session.scalars(select(Enrolment.user_id).where(Enrolment.cohort_id == meeting.cohort_id)))
    existing = {
        a.user_id: a for a in session.scalars(select(Attendance).where(Attendance.meeting_id == meeting.id))
    }
    now = utcnow()
    changed = 0
    for user_id, status in marks.items():
        if user_id not in enrolled:
            continue
        row = existing.get(user_id)
        if row is None:
            session.add(
                Attendance(
                    meeting_id=meeting.id,
                    user_id=user_id,
                    status=status.value,
                    marked_by_id=actor.id,
                    marked_at=now,
                )
            )
        elif row.status != status.value:
            row.status, row.marked_by_id, row.marked_at = status.value, actor.id, now
        else:
            continue
        changed += 1
    session.flush()
    return changed


@dataclass(frozen=True)
class AttendanceTable:
    """Every meeting × every learner of a cohort, with each learner's attendance share."""

    meetings: tuple[Meeting, ...]
    learners: tuple[User, ...]
    marks: dict[tuple[int, int], str]  # (meeting id, user id) -> status
    now: datetime

    @property
    def held(self) -> tuple[Meeting, ...]:
        """The meetings that have started (true instants, whatever the zone): they count for attendance."""
        return tuple(m for m in self.meetings if m.starts_at <= self.now)

    @property
    def taken(self) -> tuple[Meeting, ...]:
        """The meetings where attendance was taken for at least one learner."""
        marked = {meeting_id for meeting_id, _ in self.marks}
        return tuple(m for m in self.meetings if m.id in marked)

    def counts(self, user_id: int) -> tuple[int, int]:
        """(meetings present, meetings counted) for a learner: held meetings less excused ones."""
        statuses = [self.marks.get((m.id, user_id)) for m in self.held]
        counted = [s for s in statuses if s != AttendanceStatus.EXCUSED]
        return sum(1 for s in counted if s == AttendanceStatus.PRESENT), len(counted)

    def share(self, user_id: int) -> float | None:
        """The attendance share as a percentage (one decimal); None while nothing counts yet."""
        present, counted = self.counts(user_id)
        return round(100.0 * present / counted, 1) if counted else None

    def present_count(self, meeting_id: int) -> int:
        return sum(
            1
            for (m, _u), status in self.marks.items()
            if m == meeting_id and status == AttendanceStatus.PRESENT
        )


def attendance_table(session: Session, cohort: Cohort, now: datetime | None = None) -> AttendanceTable:
    """Three queries: meetings, learners, marks."""
    found = meetings(session, cohort.id)
    people = [user for user, _enrolment in learners(session, cohort.id)]
    rows = session.execute(
        select(Attendance.meeting_id, Attendance.user_id, Attendance.status)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(Meeting.cohort_id == cohort.id)
    )
    return AttendanceTable(tuple(found), tuple(people), {(m, u): s for m, u, s in rows}, now or utcnow())


def meets_min_attendance(table: AttendanceTable, cohort: Cohort, user_id: int) -> bool:
    """The certificate's rule: no minimum, or the share reaches it.

    While no meeting has been held, only a cohort without meetings meets a minimum.
    """
    if not cohort.min_attendance:
        return True
    present, counted = table.counts(user_id)
    if not counted:
        return not table.meetings
    return 100 * present >= cohort.min_attendance * counted

"""The cohort itself: its join code and settings; creating, changing and deleting it; its modules."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.accounts import audit
from course.cohorts.timezones import DEFAULT_TIMEZONE, NonexistentLocalTime, local_time, to_instant, zone
from course.content import Catalogue, Module
from course.models import (
    Cohort,
    CohortInstructor,
    Meeting,
    User,
)

# --- the cohort itself --------------------------------------------------------------


JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTVWXYZ23456789"  # no 0/O, 1/I/L, U
JOIN_CODE_LENGTH = 10  # 30**10, about 2**49 codes


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
    found = list(session.scalars(select(Meeting).where(Meeting.cohort_id == cohort.id)))
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

"""A cohort's meetings and attendance, and each learner's attendance share."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.accounts import audit
from course.cohorts.cohort import target
from course.cohorts.membership import learners
from course.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    Enrolment,
    Meeting,
    User,
    utcnow,
)

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

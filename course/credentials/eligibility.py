"""Who may have a certificate (every module of the path completed, the cohort's attendance rule met)
and what an issued certificate records of the learner's work, frozen at issue."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course.content import Catalogue, LearningPath
from course.learning import progress
from course.models import (
    AttemptStatus,
    Attendance,
    AttendanceStatus,
    Cohort,
    CohortInstructor,
    Enrolment,
    LessonCompletion,
    Meeting,
    QuizAttempt,
    User,
    utcnow,
)

# --- attendance -------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceShare:
    """A learner's attendance in one cohort, over the meetings held so far."""

    cohort: Cohort
    present: int
    counted: int  # meetings held so far, less those the learner was excused from
    scheduled: int  # every meeting of the cohort, past and future

    @property
    def percent(self) -> int | None:
        return round(100 * self.present / self.counted) if self.counted else None

    @property
    def required(self) -> int:
        return self.cohort.min_attendance or 0

    @property
    def is_met(self) -> bool:
        """No rule, or the share reaches it; with nothing held yet only a cohort without meetings passes."""
        if not self.required:
            return True
        if not self.counted:
            return self.scheduled == 0
        return 100 * self.present >= self.required * self.counted


def attendance_share(
    session: Session, cohort: Cohort, user_id: int, now: datetime | None = None
) -> AttendanceShare:
    """Present / (meetings held so far − excused), straight from the Meeting and Attendance tables."""
    now = now or utcnow()
    rows = session.execute(
        select(Meeting.starts_at, Attendance.status)
        .outerjoin(Attendance, (Attendance.meeting_id == Meeting.id) & (Attendance.user_id == user_id))
        .where(Meeting.cohort_id == cohort.id)
    ).all()
    held = [status for starts_at, status in rows if starts_at <= now]
    present = sum(1 for status in held if status == AttendanceStatus.PRESENT)
    excused = sum(1 for status in held if status == AttendanceStatus.EXCUSED)
    return AttendanceShare(cohort, present, len(held) - excused, len(rows))


# --- eligibility ------------------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    """Whether a learner may have a certificate for a path now, and why not."""

    path: LearningPath
    progress: progress.PathProgress
    attendance: tuple[AttendanceShare, ...]  # one per cohort of this path the learner is enrolled in

    @property
    def cohort_share(self) -> AttendanceShare | None:
        """The cohort the certificate names: the most recent one whose rule is met, else the closest."""
        if not self.attendance:
            return None
        met = [a for a in self.attendance if a.is_met]
        if met:
            return max(met, key=lambda a: (a.cohort.starts_on or date.min, a.cohort.id))
        return max(self.attendance, key=lambda a: a.percent or 0)

    @property
    def attendance_met(self) -> bool:
        return not self.attendance or any(a.is_met for a in self.attendance)

    @property
    def is_eligible(self) -> bool:
        return self.progress.completed and self.attendance_met


def assess(
    session: Session, catalogue: Catalogue, user_id: int, path: LearningPath, now: datetime | None = None
) -> Eligibility:
    facts = progress.load_facts(session, user_id, list(path.module_ids))
    cohorts = session.scalars(
        select(Cohort)
        .join(Enrolment, Enrolment.cohort_id == Cohort.id)
        .where(Enrolment.user_id == user_id, Cohort.path_id == path.id)
        .order_by(Cohort.id)
    ).all()
    shares = tuple(attendance_share(session, c, user_id, now) for c in cohorts)
    return Eligibility(path, progress.path_progress(catalogue, path, facts), shares)


def module_record(session: Session, user_id: int, path: progress.PathProgress) -> dict[str, Any]:
    """{module id: {title, version examined on, best score}} in path order."""
    module_ids = [m.module.id for m in path.modules]
    best = {
        module_id: (version, score)
        for module_id, version, score in session.execute(
            select(QuizAttempt.module_id, QuizAttempt.content_version, QuizAttempt.score)
            .where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.module_id.in_(module_ids),
                QuizAttempt.passed.is_(True),
            )
            .order_by(QuizAttempt.module_id, QuizAttempt.score, QuizAttempt.submitted_at)
        )
    }
    record: dict[str, Any] = {}
    for position, state in enumerate(path.modules, start=1):
        version, score = best.get(state.module.id, (state.module.version, state.quiz.best_score))
        record[state.module.id] = {
            "position": position,
            "title": state.module.title,
            "version": version,
            "score": round(float(score if score is not None else 0), 1),
        }
    return record


def content_version(modules: dict[str, Any]) -> str:
    """One hash over the path's module ids and the versions the learner was examined on."""
    joined = "\n".join(f"{module_id}:{modules[module_id]['version']}" for module_id in modules)
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def completed_on(session: Session, user_id: int, module_ids: list[str]) -> date:
    """The day the last module was completed: its last lesson or first passed quiz, whichever was later."""
    last_lesson = dict(
        session.execute(
            select(LessonCompletion.module_id, func.max(LessonCompletion.completed_at))
            .where(LessonCompletion.user_id == user_id, LessonCompletion.module_id.in_(module_ids))
            .group_by(LessonCompletion.module_id)
        ).all()
    )
    first_pass = dict(
        session.execute(
            select(QuizAttempt.module_id, func.min(QuizAttempt.submitted_at))
            .where(
                QuizAttempt.user_id == user_id,
                QuizAttempt.module_id.in_(module_ids),
                QuizAttempt.passed.is_(True),
                QuizAttempt.status == AttemptStatus.SUBMITTED.value,
            )
            .group_by(QuizAttempt.module_id)
        ).all()
    )
    times = [_aware(t) for t in (*last_lesson.values(), *first_pass.values()) if t is not None]
    return max(times).date() if times else utcnow().date()


def _aware(value: datetime) -> datetime:
    """Aggregates skip the column type, so SQLite gives naive (UTC) datetimes back."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def instructor_names(session: Session, cohort_id: int) -> str | None:
    names = session.scalars(
        select(User.full_name)
        .join(CohortInstructor, CohortInstructor.user_id == User.id)
        .where(CohortInstructor.cohort_id == cohort_id)
        .order_by(CohortInstructor.added_at, User.id)
    ).all()
    return ", ".join(names)[:200] or None

"""SQLAlchemy models: people and the stored facts of their learning.

Content (modules, lessons, questions) is not in the database: rows hold the
stable ids from the content files and the content version the learner saw.
Progress is derived from completions and attempts (course/progress.py); no
counters are stored that could drift from those facts. Times are UTC.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware UTC datetimes; SQLite gives them back naive, so mark them UTC again."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: store UTC-aware datetimes only")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Role(enum.StrEnum):
    LEARNER = "learner"
    INSTRUCTOR = "instructor"
    ADMIN = "admin"


class User(Base):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.LEARNER.value)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped at logout, password change and deactivation: ends every session at once.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    locale: Mapped[str | None] = mapped_column(String(10), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    # None until the owner proves the address (a mailed link); accounts made by an admin count as proven.
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    completions: Mapped[list[LessonCompletion]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    attempts: Mapped[list[QuizAttempt]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # The login session interface (flask-login's UserMixin, without importing Flask here).
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """The session key: id and session version, so a bumped version ends old sessions."""
        return f"{self.id}.{self.session_version}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_instructor(self) -> bool:
        return self.role in (Role.INSTRUCTOR, Role.ADMIN)


class LessonCompletion(Base):
    __tablename__ = "lesson_completion"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(100))
    lesson_id: Mapped[str] = mapped_column(String(100))
    content_version: Mapped[str] = mapped_column(String(64))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    user: Mapped[User] = relationship(back_populates="completions")


class AttemptStatus(enum.StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"


class QuizAttempt(Base):
    """One attempt at a module's quiz: exactly what it showed, and once submitted, the result."""

    __tablename__ = "quiz_attempt"
    # open attempt, history and counts each look up one learner's attempts on a module in one state
    __table_args__ = (Index("ix_quiz_attempt_user_module_status", "user_id", "module_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(100))
    content_version: Mapped[str] = mapped_column(String(64))
    # [{"q": question id, "o": [option ids in the order shown]}, …]
    shown: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    pass_mark: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=AttemptStatus.OPEN.value)
    # {question id: [chosen option ids]}
    answers: Mapped[dict[str, list[str]] | None] = mapped_column(JSON, default=None)
    # [{"q": id, "credit": 0..1}, …] as scored
    credits: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, default=None)
    score: Mapped[float | None] = mapped_column(Float, default=None)
    passed: Mapped[bool | None] = mapped_column(Boolean, default=None)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    user: Mapped[User] = relationship(back_populates="attempts")

    @property
    def is_submitted(self) -> bool:
        return self.status == AttemptStatus.SUBMITTED


class CaseAttemptStatus(enum.StrEnum):
    OPEN = "open"
    COMPLETED = "completed"


class CaseAttempt(Base):
    """One play of a module's case exercise: the choice made at each step, and once finished, the score."""

    __tablename__ = "case_attempt"
    # the open attempt and the history each look up one learner's attempts on a module in one state
    __table_args__ = (Index("ix_case_attempt_user_module_status", "user_id", "module_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(100))
    case_id: Mapped[str] = mapped_column(String(100))
    content_version: Mapped[str] = mapped_column(String(64))
    # {step id: choice id}, in the order the steps were answered
    answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # How many steps are answered: a choice is stored only if this is still what the request read,
    # so two submits of the same step record one answer (course/learning/cases.py).
    steps_answered: Mapped[int] = mapped_column(Integer, default=0)
    pass_mark: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default=CaseAttemptStatus.OPEN.value)
    score: Mapped[float | None] = mapped_column(Float, default=None)
    passed: Mapped[bool | None] = mapped_column(Boolean, default=None)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    @property
    def is_completed(self) -> bool:
        return self.status == CaseAttemptStatus.COMPLETED


class Throttle(Base):
    """A fixed-window counter shared by every worker (login, join codes, verification)."""

    __tablename__ = "throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    hits: Mapped[int] = mapped_column(Integer, default=0)


class AuditEvent(Base):
    """Who did what to whom: role changes, deactivations, deletions, and later cohort actions."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- instructor-led sessions --------------------------------------------------------


class Cohort(Base):
    """A trainer-led session: a group of learners working through a path or chosen modules."""

    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    path_id: Mapped[str | None] = mapped_column(String(100), default=None)
    # Chosen modules when there is no learning path, in order.
    module_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    starts_on: Mapped[date | None] = mapped_column(Date, default=None)
    ends_on: Mapped[date | None] = mapped_column(Date, default=None)
    location: Mapped[str] = mapped_column(String(500), default="")  # a place, or an online link
    # IANA name (Africa/Nairobi): meeting times are typed and shown in this zone (course/cohorts.py).
    timezone: Mapped[str] = mapped_column(String(64), default="UTC", server_default="UTC")
    capacity: Mapped[int | None] = mapped_column(Integer, default=None)
    pass_mark: Mapped[int | None] = mapped_column(Integer, default=None)  # overrides the modules'
    min_attendance: Mapped[int | None] = mapped_column(Integer, default=None)  # percent, for certificates
    join_code: Mapped[str | None] = mapped_column(String(32), unique=True, default=None)
    is_join_open: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    instructors: Mapped[list[CohortInstructor]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", passive_deletes=True
    )
    enrolments: Mapped[list[Enrolment]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan", passive_deletes=True
    )
    meetings: Mapped[list[Meeting]] = relationship(
        back_populates="cohort",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="Meeting.starts_at",
    )


class CohortInstructor(Base):
    __tablename__ = "cohort_instructor"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="instructors")
    user: Mapped[User] = relationship()


class Enrolment(Base):
    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(20), default="code")  # code, link, roster, instructor
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="enrolments")
    user: Mapped[User] = relationship()


class Meeting(Base):
    """One sitting of a cohort (a day, a morning, an online call)."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_minutes: Mapped[int] = mapped_column(Integer, default=120)
    agenda: Mapped[str] = mapped_column(Text, default="")

    cohort: Mapped[Cohort] = relationship(back_populates="meetings")


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class Attendance(Base):
    __tablename__ = "attendance"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    status: Mapped[str] = mapped_column(String(20))
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), default=None)
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PasswordToken(Base):
    """A one-time link: set a password (roster accounts), reset a password, confirm an email address.

    Only a hash of the token is stored; the link itself is shown once.
    """

    __tablename__ = "password_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    purpose: Mapped[str] = mapped_column(String(20), default="set")  # set, reset, confirm
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class LiveQuestionStatus(enum.StrEnum):
    OPEN = "open"  # learners can answer
    CLOSED = "closed"  # no more answers; results not shown yet
    REVEALED = "revealed"  # distribution and correct answer shown


class LiveQuestion(Base):
    """A question the instructor puts to the room; its state lives here so any worker can serve it."""

    __tablename__ = "live_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(100))
    question_id: Mapped[str] = mapped_column(String(100))
    content_version: Mapped[str] = mapped_column(String(64))
    option_ids: Mapped[list[str]] = mapped_column(JSON)  # order shown
    status: Mapped[str] = mapped_column(String(20), default=LiveQuestionStatus.OPEN.value)
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), default=None)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class LiveAnswer(Base):
    __tablename__ = "live_answer"

    live_question_id: Mapped[int] = mapped_column(
        ForeignKey("live_question.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    option_ids: Mapped[list[str]] = mapped_column(JSON)
    is_correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- certificates -------------------------------------------------------------------


class CertificateStatus(enum.StrEnum):
    VALID = "valid"
    REVOKED = "revoked"
    SUPERSEDED = "superseded"


class Certificate(Base):
    """Proof that a learner completed a learning path; checkable by anyone through its code.

    What the certificate says is frozen at issue (name, path title, versions, scores),
    so a later edit of the account or the content does not change an issued certificate.
    """

    __tablename__ = "certificate"
    __table_args__ = (Index("ix_certificate_user_path", "user_id", "path_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    # Its bit in the revocation list: drawn at random (course/certificates.py), so it says nothing about
    # how many certificates exist; certificates issued before that carry their id, as their credentials do.
    status_index: Mapped[int] = mapped_column(Integer, unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), default=None)
    path_id: Mapped[str] = mapped_column(String(100))
    path_title: Mapped[str] = mapped_column(String(200))
    learner_name: Mapped[str] = mapped_column(String(200))
    # {module id: {"title": …, "version": …, "score": best score}}
    modules: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_version: Mapped[str] = mapped_column(String(64))  # hash over the path's module versions
    completed_on: Mapped[date] = mapped_column(Date)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"), default=None)
    cohort_title: Mapped[str | None] = mapped_column(String(200), default=None)
    instructor_name: Mapped[str | None] = mapped_column(String(200), default=None)
    status: Mapped[str] = mapped_column(String(20), default=CertificateStatus.VALID.value)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    revoked_reason: Mapped[str | None] = mapped_column(String(40), default=None)  # a reason category
    revoked_note: Mapped[str] = mapped_column(Text, default="")
    revoked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user.id", ondelete="SET NULL"), default=None
    )
    superseded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("certificate.id", ondelete="SET NULL"), default=None
    )

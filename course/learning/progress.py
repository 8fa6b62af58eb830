"""Completion rules for lessons, modules and learning paths, derived from stored facts.

The facts are lesson completions and submitted quiz attempts; everything else
(module status, percentages, where to resume, path completion) is computed here
from them, never stored, so it cannot drift. A module is completed when every
lesson is completed and its quiz is passed (best attempt at or above the pass
mark used on that attempt).

A module's case exercise (case.yaml) is reported beside it (not started, in
progress, passed, not passed, best score) but is not part of that rule: the
rule stays lessons and quiz, as it was before cases existed, so adding a case
to a module takes no completion or certificate away from anybody.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session

from course.content import Catalogue, LearningPath, Lesson, Module
from course.learning.cases import CaseStatus
from course.models import AttemptStatus, CaseAttempt, CaseAttemptStatus, LessonCompletion, QuizAttempt, utcnow
from course.platform.db import insert_ignore


class ModuleStatus(enum.StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


@dataclass(frozen=True)
class QuizStats:
    attempts: int = 0
    best_score: float | None = None
    passed: bool = False
    last_at: datetime | None = None


@dataclass(frozen=True)
class CaseStats:
    """A learner's record on a module's case exercise."""

    attempts: int = 0  # finished attempts
    best_score: float | None = None
    passed: bool = False
    in_progress: bool = False  # an attempt is open

    @property
    def status(self) -> CaseStatus:
        if self.passed:
            return CaseStatus.PASSED
        if self.in_progress:
            return CaseStatus.IN_PROGRESS
        if self.attempts:
            return CaseStatus.NOT_PASSED
        return CaseStatus.NOT_STARTED


@dataclass(frozen=True)
class LearnerFacts:
    """What one learner has done: completed lessons, quiz and case statistics per module."""

    completed: dict[str, frozenset[str]] = field(default_factory=dict)
    last_completed_at: dict[str, datetime] = field(default_factory=dict)
    quiz: dict[str, QuizStats] = field(default_factory=dict)
    case: dict[str, CaseStats] = field(default_factory=dict)


@dataclass(frozen=True)
class ModuleProgress:
    module: Module
    lessons_done: frozenset[str]
    quiz: QuizStats
    case: CaseStats = field(default_factory=CaseStats)  # reported only: not part of completion

    @property
    def lessons_total(self) -> int:
        return len(self.module.lessons)

    @property
    def lessons_completed(self) -> int:
        return sum(1 for lesson in self.module.lessons if lesson.id in self.lessons_done)

    @property
    def all_lessons_done(self) -> bool:
        return self.lessons_completed == self.lessons_total

    @property
    def status(self) -> ModuleStatus:
        """Completed: every lesson and the quiz (the case is not part of the rule, see above)."""
        if self.all_lessons_done and self.quiz.passed:
            return ModuleStatus.COMPLETED
        if self.lessons_completed or self.quiz.attempts:
            return ModuleStatus.IN_PROGRESS
        return ModuleStatus.NOT_STARTED

    @property
    def percent(self) -> int:
        """Lessons and the quiz each count as one step."""
        steps = self.lessons_total + 1
        done = self.lessons_completed + (1 if self.quiz.passed else 0)
        return round(100 * done / steps)

    @property
    def next_lesson(self) -> Lesson | None:
        return next((x for x in self.module.lessons if x.id not in self.lessons_done), None)


@dataclass(frozen=True)
class PathProgress:
    path: LearningPath
    modules: tuple[ModuleProgress, ...]

    @property
    def completed(self) -> bool:
        return bool(self.modules) and all(m.status == ModuleStatus.COMPLETED for m in self.modules)

    @property
    def modules_completed(self) -> int:
        return sum(1 for m in self.modules if m.status == ModuleStatus.COMPLETED)

    @property
    def percent(self) -> int:
        return round(sum(m.percent for m in self.modules) / len(self.modules)) if self.modules else 0

    @property
    def remaining(self) -> list[ModuleProgress]:
        return [m for m in self.modules if m.status != ModuleStatus.COMPLETED]


@dataclass(frozen=True)
class ResumePoint:
    module: Module
    lesson: Lesson | None  # None: every lesson is done, the quiz is next


def load_facts(session: Session, user_id: int, module_ids: Iterable[str] | None = None) -> LearnerFacts:
    """Three queries: the learner's completions, quiz statistics and case statistics per module."""
    completions = select(
        LessonCompletion.module_id, LessonCompletion.lesson_id, LessonCompletion.completed_at
    ).where(LessonCompletion.user_id == user_id)
    attempts = (
        select(
            QuizAttempt.module_id,
            func.count(QuizAttempt.id),
            func.max(QuizAttempt.score),
            func.max(QuizAttempt.submitted_at),
            func.count(QuizAttempt.id).filter(QuizAttempt.passed.is_(True)),
        )
        .where(QuizAttempt.user_id == user_id, QuizAttempt.status == AttemptStatus.SUBMITTED.value)
        .group_by(QuizAttempt.module_id)
    )
    case_attempts = (
        select(
            CaseAttempt.module_id,
            func.count(CaseAttempt.id).filter(CaseAttempt.status == CaseAttemptStatus.COMPLETED.value),
            func.max(CaseAttempt.score),
            func.count(CaseAttempt.id).filter(CaseAttempt.passed.is_(True)),
            func.count(CaseAttempt.id).filter(CaseAttempt.status == CaseAttemptStatus.OPEN.value),
        )
        .where(CaseAttempt.user_id == user_id)
        .group_by(CaseAttempt.module_id)
    )
    if module_ids is not None:
        ids = list(module_ids)
        completions = completions.where(LessonCompletion.module_id.in_(ids))
        attempts = attempts.where(QuizAttempt.module_id.in_(ids))
        case_attempts = case_attempts.where(CaseAttempt.module_id.in_(ids))
    done: dict[str, set[str]] = {}
    last: dict[str, datetime] = {}
    for module_id, lesson_id, at in session.execute(completions):
        done.setdefault(module_id, set()).add(lesson_id)
        if module_id not in last or at > last[module_id]:
            last[module_id] = at
    stats = {
        module_id: QuizStats(count, best, passes > 0, last_at)
        for module_id, count, best, last_at, passes in session.execute(attempts)
    }
    cases = {
        module_id: CaseStats(count, best, passes > 0, open_ > 0)
        for module_id, count, best, passes, open_ in session.execute(case_attempts)
    }
    return LearnerFacts({k: frozenset(v) for k, v in done.items()}, last, stats, cases)


_COMPLETIONS = LessonCompletion.__table__.c
# Built once: this query runs on every lesson page, so it skips building the statement
# and the ORM layer (a Core statement on the session's own connection and transaction).
_COMPLETED_IN_MODULE = select(_COMPLETIONS.lesson_id).where(
    _COMPLETIONS.user_id == bindparam("user_id"), _COMPLETIONS.module_id == bindparam("module_id")
)


def completed_lessons(session: Session, user_id: int, module_id: str) -> frozenset[str]:
    """The lessons of one module the learner has completed (one small query)."""
    rows = session.connection().execute(_COMPLETED_IN_MODULE, {"user_id": user_id, "module_id": module_id})
    return frozenset(rows.scalars())


def module_progress(module: Module, facts: LearnerFacts) -> ModuleProgress:
    return ModuleProgress(
        module,
        facts.completed.get(module.id, frozenset()),
        facts.quiz.get(module.id, QuizStats()),
        facts.case.get(module.id, CaseStats()) if module.case is not None else CaseStats(),
    )


def path_progress(catalogue: Catalogue, path: LearningPath, facts: LearnerFacts) -> PathProgress:
    return PathProgress(path, tuple(module_progress(m, facts) for m in catalogue.modules_of(path)))


def resume_point(modules: Sequence[Module], facts: LearnerFacts) -> ResumePoint | None:
    """Where to continue: the unfinished module touched most recently, else the first unstarted one."""
    progress = [module_progress(m, facts) for m in modules]
    unfinished = [p for p in progress if p.status != ModuleStatus.COMPLETED]
    if not unfinished:
        return None
    started = [p for p in unfinished if p.status == ModuleStatus.IN_PROGRESS]
    if started:

        def last_activity(p: ModuleProgress) -> datetime:
            times = [t for t in (facts.last_completed_at.get(p.module.id), p.quiz.last_at) if t is not None]
            return max(times) if times else datetime.min.replace(tzinfo=utcnow().tzinfo)

        chosen = max(started, key=last_activity)
    else:
        chosen = unfinished[0]
    return ResumePoint(chosen.module, chosen.next_lesson)


def complete_lesson(session: Session, user_id: int, module: Module, lesson: Lesson) -> bool:
    """Record that the learner completed a lesson; False when it was already recorded."""
    return insert_ignore(
        session,
        LessonCompletion.__table__,
        {
            "user_id": user_id,
            "module_id": module.id,
            "lesson_id": lesson.id,
            "content_version": module.version,
            "completed_at": utcnow(),
        },
    )


def load_facts_many(
    session: Session,
    user_ids: Iterable[int] | Select[tuple[int]],
    module_ids: Iterable[str] | None = None,
) -> dict[int, LearnerFacts]:
    """The facts of many learners at once, in two queries whatever their number.

    `user_ids` is a list of ids or a SELECT of user ids (e.g. a cohort's enrolments),
    so a large group needs no long parameter list. Learners with no facts get an
    empty LearnerFacts.
    """
    ids: list[int] | Select[tuple[int]] = user_ids if isinstance(user_ids, Select) else list(user_ids)
    completions = select(
        LessonCompletion.user_id,
        LessonCompletion.module_id,
        LessonCompletion.lesson_id,
        LessonCompletion.completed_at,
    ).where(LessonCompletion.user_id.in_(ids))
    attempts = (
        select(
            QuizAttempt.user_id,
            QuizAttempt.module_id,
            func.count(QuizAttempt.id),
            func.max(QuizAttempt.score),
            func.max(QuizAttempt.submitted_at),
            func.count(QuizAttempt.id).filter(QuizAttempt.passed.is_(True)),
        )
        .where(QuizAttempt.user_id.in_(ids), QuizAttempt.status == AttemptStatus.SUBMITTED.value)
        .group_by(QuizAttempt.user_id, QuizAttempt.module_id)
    )
    if module_ids is not None:
        wanted = list(module_ids)
        completions = completions.where(LessonCompletion.module_id.in_(wanted))
        attempts = attempts.where(QuizAttempt.module_id.in_(wanted))
    done: dict[int, dict[str, set[str]]] = {}
    last: dict[int, dict[str, datetime]] = {}
    for user_id, module_id, lesson_id, at in session.execute(completions):
        done.setdefault(user_id, {}).setdefault(module_id, set()).add(lesson_id)
        previous = last.setdefault(user_id, {}).get(module_id)
        if previous is None or at > previous:
            last[user_id][module_id] = at
    stats: dict[int, dict[str, QuizStats]] = {}
    for user_id, module_id, count, best, last_at, passes in session.execute(attempts):
        stats.setdefault(user_id, {})[module_id] = QuizStats(count, best, passes > 0, last_at)
    known = ids if isinstance(ids, list) else []
    return {
        user_id: LearnerFacts(
            {k: frozenset(v) for k, v in done.get(user_id, {}).items()},
            last.get(user_id, {}),
            stats.get(user_id, {}),
        )
        for user_id in {*known, *done, *stats}
    }

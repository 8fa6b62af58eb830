"""What a cohort has done: the progress grid, one learner's record, and question analysis.

Everything is derived from the stored facts (lesson completions and submitted
quiz attempts) with the completion rules of course/learning/progress.py. The grid costs
three queries whatever the size of the cohort: its learners, their completions,
and their quiz statistics per module.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course.content import Module
from course.learning import progress
from course.learning.progress import ModuleProgress, ModuleStatus
from course.learning.quiz import Option, Question
from course.models import AttemptStatus, Cohort, Enrolment, LiveAnswer, LiveQuestion, QuizAttempt, User

# --- the grid -----------------------------------------------------------------------


@dataclass(frozen=True)
class GridRow:
    """One learner across the cohort's modules."""

    user: User
    enrolled_at: datetime
    cells: tuple[ModuleProgress, ...]

    @property
    def completed(self) -> int:
        return sum(1 for c in self.cells if c.status == ModuleStatus.COMPLETED)

    @property
    def percent(self) -> int:
        return round(sum(c.percent for c in self.cells) / len(self.cells)) if self.cells else 0

    @property
    def average_best(self) -> float | None:
        """Mean of the best scores of the modules attempted."""
        scores = [c.quiz.best_score for c in self.cells if c.quiz.best_score is not None]
        return round(sum(scores) / len(scores), 1) if scores else None

    def cell(self, module_id: str) -> ModuleProgress | None:
        return next((c for c in self.cells if c.module.id == module_id), None)


@dataclass(frozen=True)
class ModuleTotals:
    """One module across the cohort's learners."""

    module: Module
    completed: int
    in_progress: int
    not_started: int
    passed: int
    attempted: int
    average_best: float | None


@dataclass(frozen=True)
class ProgressGrid:
    modules: tuple[Module, ...]
    rows: tuple[GridRow, ...]
    totals: tuple[ModuleTotals, ...]

    @property
    def completed_all(self) -> int:
        return sum(1 for r in self.rows if self.modules and r.completed == len(self.modules))


def _totals(module: Module, cells: Sequence[ModuleProgress]) -> ModuleTotals:
    statuses = Counter(c.status for c in cells)
    scores = [c.quiz.best_score for c in cells if c.quiz.best_score is not None]
    return ModuleTotals(
        module,
        completed=statuses[ModuleStatus.COMPLETED],
        in_progress=statuses[ModuleStatus.IN_PROGRESS],
        not_started=statuses[ModuleStatus.NOT_STARTED],
        passed=sum(1 for c in cells if c.quiz.passed),
        attempted=len(scores),
        average_best=round(sum(scores) / len(scores), 1) if scores else None,
    )


def enrolled_ids(cohort_id: int):  # type: ignore[no-untyped-def]
    """A SELECT of the cohort's learner ids, to use inside other queries."""
    return select(Enrolment.user_id).where(Enrolment.cohort_id == cohort_id)


def progress_grid(session: Session, cohort: Cohort, modules: Sequence[Module]) -> ProgressGrid:
    """Learners × modules with status and best score, and totals both ways. Three queries."""
    people = session.execute(
        select(User, Enrolment.enrolled_at)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(Enrolment.cohort_id == cohort.id)
        .order_by(func.lower(User.full_name), User.email)
    ).all()
    facts = progress.load_facts_many(session, enrolled_ids(cohort.id), [m.id for m in modules])
    empty = progress.LearnerFacts()
    rows = tuple(
        GridRow(
            user,
            enrolled_at,
            tuple(progress.module_progress(m, facts.get(user.id, empty)) for m in modules),
        )
        for user, enrolled_at in people
    )
    totals = tuple(_totals(m, [r.cells[i] for r in rows]) for i, m in enumerate(modules))
    return ProgressGrid(tuple(modules), rows, totals)


SORT_KEYS = ("name", "organisation", "country", "completed", "percent", "score")


def sort_rows(grid: ProgressGrid, key: str, descending: bool = False) -> ProgressGrid:
    """The grid sorted by a column: a SORT_KEYS name or a module id (its best score).

    Learners without a value (no score yet, no organisation) always come last;
    ties keep the name order. An unknown key sorts by name.
    """
    values: dict[str, Callable[[GridRow], str | float | None]] = {
        "name": lambda r: (r.user.full_name or r.user.email).casefold(),
        "organisation": lambda r: r.user.organisation.casefold(),
        "country": lambda r: r.user.country.casefold(),
        "completed": lambda r: float(r.completed),
        "percent": lambda r: float(r.percent),
        "score": lambda r: r.average_best,
    }
    for module in grid.modules:
        values[module.id] = lambda r, m=module.id: _best(r, m)
    value = values.get(key, values["name"])
    present = [r for r in grid.rows if value(r) not in (None, "")]
    missing = [r for r in grid.rows if value(r) in (None, "")]
    present.sort(key=value, reverse=descending)  # type: ignore[arg-type]
    return ProgressGrid(grid.modules, (*present, *missing), grid.totals)


def _best(row: GridRow, module_id: str) -> float | None:
    cell = row.cell(module_id)
    return cell.quiz.best_score if cell is not None else None


# --- one learner --------------------------------------------------------------------


@dataclass(frozen=True)
class AttemptLine:
    """One question of a submitted attempt, as the instructor sees it."""

    question: Question | None  # None when the question left the content since
    question_id: str
    credit: float
    chosen: tuple[str, ...]


@dataclass(frozen=True)
class AttemptRecord:
    attempt: QuizAttempt
    module: Module | None
    lines: tuple[AttemptLine, ...]


def learner_attempts(session: Session, user_id: int, modules: Sequence[Module]) -> list[AttemptRecord]:
    """The learner's submitted attempts on these modules, newest first, question by question."""
    by_id = {m.id: m for m in modules}
    attempts = session.scalars(
        select(QuizAttempt)
        .where(
            QuizAttempt.user_id == user_id,
            QuizAttempt.module_id.in_(list(by_id)),
            QuizAttempt.status == AttemptStatus.SUBMITTED.value,
        )
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc())
    )
    records = []
    for attempt in attempts:
        module = by_id.get(attempt.module_id)
        pool = module.question_pool if module else {}
        answers = attempt.answers or {}
        lines = tuple(
            AttemptLine(
                pool.get(item["q"]), item["q"], float(item["credit"]), tuple(answers.get(item["q"], []))
            )
            for item in attempt.credits or []
        )
        records.append(AttemptRecord(attempt, module, lines))
    return records


@dataclass(frozen=True)
class LiveRecord:
    answered: int
    correct: int


def learner_live_record(session: Session, cohort_id: int, user_id: int) -> LiveRecord:
    row = session.execute(
        select(func.count(LiveAnswer.user_id), func.count(LiveAnswer.user_id).filter(LiveAnswer.is_correct))
        .join(LiveQuestion, LiveQuestion.id == LiveAnswer.live_question_id)
        .where(LiveQuestion.cohort_id == cohort_id, LiveAnswer.user_id == user_id)
    ).one()
    return LiveRecord(row[0] or 0, row[1] or 0)


# --- question analysis --------------------------------------------------------------


@dataclass(frozen=True)
class QuestionStats:
    """How the cohort answered one question, counting each learner's latest answer to it."""

    module: Module
    question: Question
    learners: int  # learners who answered it
    correct: int  # of whom fully correct
    wrong_choices: tuple[tuple[Option, int], ...]  # wrong options chosen, most chosen first

    @property
    def share_correct(self) -> float | None:
        return round(100.0 * self.correct / self.learners, 1) if self.learners else None

    @property
    def top_wrong(self) -> tuple[Option, int] | None:
        return self.wrong_choices[0] if self.wrong_choices else None


def question_analysis(session: Session, cohort: Cohort, modules: Sequence[Module]) -> list[QuestionStats]:
    """Per question of the cohort's modules: share of learners correct and the most chosen wrong option.

    Each learner counts once per question, with their most recent answer to it, so
    the figure says what the room understands now. One query. Sorted with the
    least understood questions first (unanswered questions last).
    """
    by_id = {m.id: m for m in modules}
    rows = session.execute(
        select(QuizAttempt.user_id, QuizAttempt.module_id, QuizAttempt.answers, QuizAttempt.credits)
        .where(
            QuizAttempt.user_id.in_(enrolled_ids(cohort.id)),
            QuizAttempt.module_id.in_(list(by_id)),
            QuizAttempt.status == AttemptStatus.SUBMITTED.value,
        )
        .order_by(QuizAttempt.submitted_at, QuizAttempt.id)
    )
    latest: dict[tuple[str, str], dict[int, tuple[float, tuple[str, ...]]]] = {}
    for user_id, module_id, answers, credits in rows:
        for item in credits or []:
            chosen = tuple((answers or {}).get(item["q"], []))
            latest.setdefault((module_id, item["q"]), {})[user_id] = (float(item["credit"]), chosen)
    stats = []
    for module in modules:
        for question in module.questions:
            answers_by_learner = latest.get((module.id, question.id), {})
            wrong: Counter[str] = Counter()
            for _credit, chosen in answers_by_learner.values():
                wrong.update(o for o in chosen if o not in question.correct_ids)
            choices = tuple(
                (option, n)
                for option_id, n in wrong.most_common()
                if (option := question.option(option_id)) is not None
            )
            stats.append(
                QuestionStats(
                    module,
                    question,
                    learners=len(answers_by_learner),
                    correct=sum(1 for credit, _c in answers_by_learner.values() if credit >= 1.0),
                    wrong_choices=choices,
                )
            )
    stats.sort(key=lambda s: (s.share_correct is None, s.share_correct or 0.0, -s.learners))
    return stats


@dataclass(frozen=True)
class ProvisionMastery:
    """How well a cohort answered the questions that ask one article (each learner's latest answer)."""

    number: int
    questions: int  # questions on it that somebody in the cohort answered
    answers: int  # learner-question pairs
    correct: int  # of which fully correct

    @property
    def share_correct(self) -> float | None:
        return round(100.0 * self.correct / self.answers, 1) if self.answers else None


def provision_mastery(stats: Sequence[QuestionStats]) -> dict[int, ProvisionMastery]:
    """The question analysis summed per article asked (a question's first article)."""
    questions: Counter[int] = Counter()
    answers: Counter[int] = Counter()
    correct: Counter[int] = Counter()
    for s in stats:
        if s.learners:
            number = s.question.articles[0]
            questions[number] += 1
            answers[number] += s.learners
            correct[number] += s.correct
    return {n: ProvisionMastery(n, questions[n], answers[n], correct[n]) for n in questions}

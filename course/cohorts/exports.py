"""CSV exports of a cohort: roster, progress, attendance and quiz scores.

Two flavours. Plain CSV is the data exactly, for other programs. The
spreadsheet-safe CSV is for Excel and LibreOffice: any cell that begins with
= + - @, a tab or a carriage return gets a leading apostrophe so the
spreadsheet shows it as text and never runs it as a formula (a name typed as
`=HYPERLINK(...)` stays a name), and the file starts with a byte-order mark so
Excel reads the UTF-8 names correctly.

Times (meetings, enrolments, quiz submissions) are written in the cohort's time
zone as ISO 8601 with the UTC offset, 2026-03-03T09:00+03:00: the wall-clock time
the cohort saw, and an instant no reader or program can take for another.

Column titles and status words come from the caller (the web layer translates
them); a missing label falls back to its key.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course import cohorts
from course.cohorts import progress as cohort_progress
from course.content import Module
from course.models import AttemptStatus, Cohort, Enrolment, QuizAttempt, User

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
KINDS = ("roster", "progress", "attendance", "scores")


def neutralise(value: str) -> str:
    """A cell a spreadsheet will show as text, never evaluate."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def to_csv(table: Table, safe: bool) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in (table.header, *table.rows):
        writer.writerow([neutralise(cell) for cell in row] if safe else list(row))
    return ("\ufeff" if safe else "") + out.getvalue()


def _when(value: datetime | None, zone: str) -> str:
    """An instant as the cohort's clock showed it, with the offset: 2026-03-03T09:00+03:00."""
    return cohorts.local_time(zone, value).isoformat(timespec="minutes") if value else ""


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


class _Labels:
    def __init__(self, labels: Mapping[str, str]):
        self.labels = labels

    def __call__(self, key: str) -> str:
        return self.labels.get(key, key)


def roster(session: Session, cohort: Cohort, labels: Mapping[str, str]) -> Table:
    label = _Labels(labels)
    keys = ("name", "email", "organisation", "country", "enrolled_at", "source")
    rows = tuple(
        (
            user.full_name,
            user.email,
            user.organisation,
            user.country,
            _when(enrolment.enrolled_at, cohort.timezone),
            label(f"source_{enrolment.source}"),
        )
        for user, enrolment in cohorts.learners(session, cohort.id)
    )
    return Table(tuple(label(k) for k in keys), rows)


def progress(session: Session, cohort: Cohort, modules: Sequence[Module], labels: Mapping[str, str]) -> Table:
    label = _Labels(labels)
    grid = cohort_progress.progress_grid(session, cohort, modules)
    header = [label("name"), label("email"), label("organisation")]
    for module in grid.modules:
        header += [f"{module.title}: {label('status')}", f"{module.title}: {label('best_score')}"]
    header += [label("modules_completed"), label("percent"), label("average_best")]
    rows = []
    for row in grid.rows:
        cells = [row.user.full_name, row.user.email, row.user.organisation]
        for cell in row.cells:
            cells += [label(f"status_{cell.status.value}"), _number(cell.quiz.best_score)]
        cells += [str(row.completed), str(row.percent), _number(row.average_best)]
        rows.append(tuple(cells))
    return Table(tuple(header), tuple(rows))


def attendance(session: Session, cohort: Cohort, labels: Mapping[str, str]) -> Table:
    label = _Labels(labels)
    table = cohorts.attendance_table(session, cohort)
    header = [label("name"), label("email")]
    header += [f"{_when(m.starts_at, cohort.timezone)} {m.title}" for m in table.meetings]
    header.append(label("attendance_share"))
    rows = []
    for user in table.learners:
        cells = [user.full_name, user.email]
        for meeting in table.meetings:
            status = table.marks.get((meeting.id, user.id))
            cells.append(label(f"attendance_{status}") if status else "")
        cells.append(_number(table.share(user.id)))
        rows.append(tuple(cells))
    return Table(tuple(header), tuple(rows))


def scores(session: Session, cohort: Cohort, modules: Sequence[Module], labels: Mapping[str, str]) -> Table:
    """Every submitted quiz attempt of the cohort's learners on its modules. One query."""
    label = _Labels(labels)
    titles = {m.id: m.title for m in modules}
    keys = ("name", "email", "module", "submitted_at", "score", "pass_mark", "passed")
    found = session.execute(
        select(User.full_name, User.email, QuizAttempt)
        .join(QuizAttempt, QuizAttempt.user_id == User.id)
        .join(Enrolment, Enrolment.user_id == User.id)
        .where(
            Enrolment.cohort_id == cohort.id,
            QuizAttempt.module_id.in_(list(titles)),
            QuizAttempt.status == AttemptStatus.SUBMITTED.value,
        )
        .order_by(func.lower(User.full_name), User.email, QuizAttempt.submitted_at)
    )
    rows = tuple(
        (
            name,
            email,
            titles.get(attempt.module_id, attempt.module_id),
            _when(attempt.submitted_at, cohort.timezone),
            _number(attempt.score),
            str(attempt.pass_mark),
            label("yes") if attempt.passed else label("no"),
        )
        for name, email, attempt in found
    )
    return Table(tuple(label(k) for k in keys), rows)

"""The progress grid costs a fixed number of SQL queries, whatever the size of the cohort."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import func, select

from bench.grid import QueryCounter, seed_cohort
from course import cohorts
from course.models import Cohort, QuizAttempt, Role
from tests.webapp.test_cohorts import table_rows, user_client


def test_grid_page_runs_the_same_queries_for_3_or_120_learners(
    app: Any, session: Any, make_user: Any
) -> None:
    browser, trainer = user_client(app, make_user, Role.INSTRUCTOR)
    catalogue = app.extensions["catalogue"]
    cohort = cohorts.create_cohort(
        session, trainer, cohorts.CohortSettings(title="Big room", path_id="full-course")
    )
    modules = cohorts.cohort_modules(catalogue, cohort)
    seed_cohort(session, cohort.id, modules, 3, random.Random(1))
    session.commit()
    engine = app.extensions["db"][0]
    path = f"/cohorts/{cohort.id}/progress"

    with QueryCounter(engine) as small:
        assert browser.get(path).status_code == 200
    seed_cohort(session, cohort.id, modules, 117, random.Random(2), first=3)
    session.commit()
    with QueryCounter(engine) as large:
        page = browser.get(f"{path}?sort=score&dir=desc").get_data(as_text=True)

    assert large.selects == small.selects, (small.statements, large.statements)
    assert len(large.statements) == len(small.statements)
    # load the user, the cohort, check the instructor, then learners, completions, quiz statistics
    assert large.selects == 6, large.statements
    assert "120 learners" in page and "Page 1 of 2" in page


def test_grid_numbers_match_the_database_for_a_seeded_cohort(app: Any, session: Any, make_user: Any) -> None:
    browser, trainer = user_client(app, make_user, Role.INSTRUCTOR)
    catalogue = app.extensions["catalogue"]
    cohort = cohorts.create_cohort(
        session, trainer, cohorts.CohortSettings(title="Room", path_id="investigators")
    )
    modules = cohorts.cohort_modules(catalogue, cohort)
    ids = seed_cohort(session, cohort.id, modules, 25, random.Random(3))
    session.commit()
    rows = table_rows(browser.get(f"/cohorts/{cohort.id}/progress").get_data(as_text=True))
    best = {
        (user_id, module_id): score
        for user_id, module_id, score in session.execute(
            select(QuizAttempt.user_id, QuizAttempt.module_id, func.max(QuizAttempt.score)).group_by(
                QuizAttempt.user_id, QuizAttempt.module_id
            )
        )
    }
    assert session.get(Cohort, cohort.id) is not None
    for n, user_id in enumerate(ids):
        cells = rows[f"Learner {n:04d}"]
        for position, module in enumerate(modules, start=1):
            score = best.get((user_id, module.id))
            cell = cells[position]
            assert (
                cell.endswith(f" {score}%")
                if score is not None
                else cell.endswith(("Not started", "progress", "Completed"))
            ), (
                n,
                module.id,
                cell,
            )
        scores = [best[(user_id, m.id)] for m in modules if (user_id, m.id) in best]
        average = f"{round(sum(scores) / len(scores), 1)}%" if scores else "—"
        assert cells[-1] == average

"""Progress-grid benchmark: a cohort of 500 learners × 10 modules.

Run: .venv/bin/python -m bench.grid. Prints figures; asserts nothing.
Builds a 10-module content tree and an SQLite database in a temporary folder,
seeds 500 learners with lesson completions and up to three quiz attempts per
module, then times the grid in the domain (course.cohorts.progress) and the
whole grid page through the Flask test client, and counts the SQL queries.
`seed_cohort` is also used by the query-count test.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from bench.content_render import timed
from course.content import Module
from course.models import AttemptStatus, Cohort, Enrolment, LessonCompletion, QuizAttempt, User, utcnow

LEARNERS = 500
MODULES = 10
PASSWORD = "bench-password-long-enough-42"


def seed_cohort(
    session: Session,
    cohort_id: int,
    modules: Sequence[Module],
    learners: int,
    rng: random.Random,
    first: int = 0,
    max_attempts: int = 3,
) -> list[int]:
    """Add `learners` learners to the cohort with random progress (bulk inserts); their ids."""
    now = utcnow()
    ids = list(
        session.scalars(
            insert(User).returning(User.id),
            [
                {
                    "email": f"learner{first + n}@bench.example",
                    "full_name": f"Learner {first + n:04d}",
                    "organisation": rng.choice(["DCI", "Prosecutor's Office", "Central Authority", ""]),
                    "country": rng.choice(["Kenya", "Brazil", "Viet Nam", "Jordan"]),
                    "password_hash": "!",
                    "role": "learner",
                    "is_active": True,
                    "session_version": 1,
                    "created_at": now,
                    "email_confirmed_at": now,
                }
                for n in range(learners)
            ],
        )
    )
    session.execute(
        insert(Enrolment),
        [{"cohort_id": cohort_id, "user_id": i, "source": "roster", "enrolled_at": now} for i in ids],
    )
    completions, attempts = [], []
    for user_id in ids:
        for module in modules:
            done = rng.randint(0, len(module.lessons))
            completions += [
                {
                    "user_id": user_id,
                    "module_id": module.id,
                    "lesson_id": lesson.id,
                    "content_version": module.version,
                    "completed_at": now,
                }
                for lesson in module.lessons[:done]
            ]
            for k in range(rng.randint(0, max_attempts)):
                score = float(rng.choice(range(0, 101, 10)))
                attempts.append(
                    {
                        "user_id": user_id,
                        "module_id": module.id,
                        "content_version": module.version,
                        "shown": [],
                        "pass_mark": 80,
                        "status": AttemptStatus.SUBMITTED.value,
                        "answers": {},
                        "credits": [],
                        "score": score,
                        "passed": score >= 80,
                        "started_at": now - timedelta(hours=k + 1),
                        "submitted_at": now - timedelta(hours=k),
                    }
                )
    if completions:
        session.execute(insert(LessonCompletion), completions)
    if attempts:
        session.execute(insert(QuizAttempt), attempts)
    session.flush()
    return ids


class QueryCounter:
    """Counts the SQL statements an engine runs while active (a SQLAlchemy event listener)."""

    def __init__(self, engine: Any):
        self.engine = engine
        self.statements: list[str] = []

    def _count(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.statements.append(statement)

    def __enter__(self) -> QueryCounter:
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc: Any) -> None:
        event.remove(self.engine, "before_cursor_execute", self._count)

    @property
    def selects(self) -> int:
        return sum(1 for s in self.statements if s.lstrip().upper().startswith("SELECT"))


def main() -> None:
    from course import accounts, cohorts
    from course.cohorts import progress as cohort_progress
    from course.models import Role
    from course.platform import migrate
    from course.platform.db import make_engine
    from tests.course.content.contenttree import write_tree
    from webapp import create_app
    from webapp.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        content = write_tree(Path(tmp) / "content", modules=MODULES)
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "DATABASE_URL": url,
                "WTF_CSRF_ENABLED": False,
                "CONTENT_DIR": str(content),
            }
        )
        catalogue = app.extensions["catalogue"]
        with app.app_context():
            accounts.configure_hasher(1, 8192)
            trainer = accounts.register(
                db.session,
                email="trainer@bench.example",
                full_name="Trainer",
                organisation="",
                country="",
                password=PASSWORD,
                role=Role.INSTRUCTOR,
            )
            cohort = cohorts.create_cohort(
                db.session,
                trainer,
                cohorts.CohortSettings(
                    title="Bench cohort", module_ids=tuple(m.id for m in catalogue.modules)
                ),
            )
            t0 = time.perf_counter()
            seed_cohort(db.session, cohort.id, catalogue.modules, LEARNERS, random.Random(5))
            db.session.commit()
            seeded = time.perf_counter() - t0
            cohort_id = cohort.id
            modules = cohorts.cohort_modules(catalogue, cohort)
            facts = db.session.query(LessonCompletion).count(), db.session.query(QuizAttempt).count()
        print(
            f"cohort: {LEARNERS} learners × {len(modules)} modules; {facts[0]} lesson completions, "
            f"{facts[1]} quiz attempts (seeded in {seeded:.1f} s)"
        )

        with app.app_context():
            session = db.session
            cohort = session.get(Cohort, cohort_id)
            with QueryCounter(session.get_bind()) as counter:
                grid = cohort_progress.progress_grid(session, cohort, modules)
            domain = timed(lambda: cohort_progress.progress_grid(session, cohort, modules), 20)
            sort = timed(lambda: cohort_progress.sort_rows(grid, modules[3].id, True), 20)
        print(
            "grid in the domain (cohort_progress.progress_grid): "
            f"median {statistics.median(domain) * 1000:.1f} ms, "
            f"best {min(domain) * 1000:.1f} ms, {counter.selects} SQL queries (20 runs)"
        )
        print(f"sorting the grid by one module's best score: median {statistics.median(sort) * 1000:.2f} ms")

        client = app.test_client()
        client.post("/login", data={"email": "trainer@bench.example", "password": PASSWORD})
        path = f"/cohorts/{cohort_id}/progress"
        response = client.get(path)
        assert response.status_code == 200, response.status_code
        with QueryCounter(app.extensions["db"][0]) as page_counter:
            client.get(path)
        page = timed(lambda: client.get(path), 20)
        export = timed(lambda: client.get(f"/cohorts/{cohort_id}/export/progress.csv?safe=1"), 10)
        print(
            f"grid page {path} ({len(response.data) // 1024} KiB HTML): "
            f"median {statistics.median(page) * 1000:.1f} ms, "
            f"best {min(page) * 1000:.1f} ms, {page_counter.selects} SQL queries for the whole request "
            "(one process, test client, 20 requests)"
        )
        print(f"progress CSV export: median {statistics.median(export) * 1000:.1f} ms (10 requests)")
        app.extensions["db"][0].dispose()


if __name__ == "__main__":
    main()

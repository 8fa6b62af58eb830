"""Certificate benchmark: certificates generated per second, one at a time and in a batch of 200.

Run: .venv/bin/python -m bench.certificates. Prints figures; asserts nothing.
A certificate here is what a learner or an export gets: the PDF (shaped text,
embedded font subsets, QR code) and the signed Open Badges credential. The
batch is the cohort export (`flask certificates export`): 200 certificates with
names in five scripts, zipped with their manifest, on a real SQLite database
built by the migrations, through the app's own code path.
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
import zipfile
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

NAMES = ("Nguyễn Thị Minh Khai", "Алексей Смирнов", "محمد عبد الله", "王小明", "Amina Diallo")
BATCH = 200
BASE = "https://academy.example.org"


def main() -> None:
    from course import accounts, certificates, migrate
    from course.db import make_engine
    from course.models import Cohort, Enrolment, LessonCompletion, QuizAttempt, User
    from webapp import create_app
    from webapp.certificates import documents, views
    from webapp.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        app = create_app({"SECRET_KEY": "bench", "DATABASE_URL": url, "CERTIFICATE_KEY_DIR": tmp})
        catalogue = app.extensions["catalogue"]
        path = catalogue.path("investigators")
        modules = catalogue.modules_of(path)
        when = datetime(2025, 3, 12, 9, tzinfo=UTC)
        with app.test_request_context("/", base_url=BASE):
            session = db.session
            accounts.configure_hasher(1, 8192)
            hashed = accounts.hash_password("bench-password-not-used-42")
            session.execute(
                insert(User),
                [
                    {
                        "email": f"l{i}@example.org",
                        "full_name": f"{NAMES[i % 5]} {i}",
                        "password_hash": hashed,
                    }
                    for i in range(BATCH)
                ],
            )
            users = session.scalars(select(User).order_by(User.id)).all()
            cohort = Cohort(title="Benchmark workshop", path_id=path.id)
            session.add(cohort)
            session.flush()
            session.execute(insert(Enrolment), [{"cohort_id": cohort.id, "user_id": u.id} for u in users])
            session.execute(
                insert(LessonCompletion),
                [
                    {
                        "user_id": u.id,
                        "module_id": m.id,
                        "lesson_id": lesson.id,
                        "content_version": m.version,
                        "completed_at": when,
                    }
                    for u in users
                    for m in modules
                    for lesson in m.lessons
                ],
            )
            session.execute(
                insert(QuizAttempt),
                [
                    {
                        "user_id": u.id,
                        "module_id": m.id,
                        "content_version": m.version,
                        "shown": [],
                        "pass_mark": 80,
                        "status": "submitted",
                        "score": 90.0,
                        "passed": True,
                        "started_at": when,
                        "submitted_at": when + timedelta(minutes=9),
                    }
                    for u in users
                    for m in modules
                ],
            )
            start = time.perf_counter()
            issued = [certificates.issue(session, catalogue, u, path).certificate for u in users]
            issuing = time.perf_counter() - start
            session.commit()
            print(
                f"issue (eligibility + frozen record): {BATCH / issuing:.0f} certificates/s, {BATCH} learners"
            )

            documents.signing_key()  # created once, as in a running app
            for script, certificate in zip(NAMES, issued[:5], strict=True):
                runs = []
                for _ in range(8):
                    start = time.perf_counter()
                    documents.pdf_bytes(certificate, BASE)
                    documents.credential_bytes(certificate, BASE)
                    runs.append(time.perf_counter() - start)
                median = statistics.median(runs)
                print(
                    f"single ({script}): {1 / median:.1f} certificates/s (PDF + signed credential, "
                    f"median {median * 1000:.0f} ms of 8)"
                )

            start = time.perf_counter()
            data = views._export_zip(session.get(Cohort, cohort.id), BASE)
            batch = time.perf_counter() - start
            files = len(zipfile.ZipFile(io.BytesIO(data)).namelist())
            print(
                f"batch of {BATCH} (cohort export ZIP, {files} files, {len(data) / 1e6:.1f} MB): "
                f"{BATCH / batch:.1f} certificates/s ({batch:.1f} s)"
            )


if __name__ == "__main__":
    main()

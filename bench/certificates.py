"""Certificate benchmark: one certificate and a batch of 200, before and after sharing the fonts.

Run: .venv/bin/python -m bench.certificates [--after-only]. Prints figures; asserts nothing.
A certificate here is what a learner or an export gets: the PDF (shaped text,
embedded font subsets, QR code) and the signed Open Badges credential. The
batch is the cohort export (`flask certificates export`): 200 certificates with
names in five scripts, zipped with their manifest, on a real SQLite database
built by the migrations, through the app's own code path.

"before" is fpdf2 on its own, as course/credentials/pdf.py used it until the fonts were shared:
`add_font()` reads and parses every font file for each PDF (and each line is measured
afresh). "after" is the fonts parsed once per process (course/credentials/pdf_fonts.py). Both draw
the same PDF, byte for byte. "cold" is a certificate in a script the process has not
drawn yet, so it includes parsing its fonts once. CPU seconds are given beside wall
seconds because the machine may be shared; peak RSS is the process's high-water mark
after each part (the "after" parts run first, so their figure is theirs alone).
"""

from __future__ import annotations

import io
import os
import resource
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select

NAMES = ("Nguyễn Thị Minh Khai", "Алексей Смирнов", "محمد عبد الله", "王小明", "Amina Diallo")
BATCH = 200
BASE = "https://academy.example.org"
RUNS = 8


@contextmanager
def fonts_parsed_per_pdf() -> Iterator[None]:
    """The old path: fpdf2's add_font() for every PDF, and no measured line remembered."""
    from fpdf import FPDF

    from course.credentials import pdf

    saved = pdf._Certificate.add_certificate_font, pdf._Certificate._string_width
    pdf._Certificate.add_certificate_font = FPDF.add_font  # type: ignore[method-assign]
    pdf._Certificate._string_width = lambda self, text, font: self.get_string_width(text)  # type: ignore[method-assign]
    try:
        yield
    finally:
        pdf._Certificate.add_certificate_font, pdf._Certificate._string_width = saved  # type: ignore[method-assign]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def single(make: Callable[[], object]) -> tuple[float, float]:
    """(first, median of RUNS) seconds for one certificate."""
    runs = []
    for _ in range(RUNS + 1):
        start = time.perf_counter()
        make()
        runs.append(time.perf_counter() - start)
    return runs[0], statistics.median(runs[1:])


def batch(export: Callable[[], bytes]) -> dict[str, float]:
    start, cpu = time.perf_counter(), time.process_time()
    data = export()
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    files = len(zipfile.ZipFile(io.BytesIO(data)).namelist())
    return {"wall": wall, "cpu": cpu, "files": files, "mb": len(data) / 1e6, "rss": peak_rss_mb()}


def main() -> None:
    from course import accounts
    from course.credentials import certificates
    from course.models import Certificate, Cohort, Enrolment, LessonCompletion, QuizAttempt, User
    from course.platform import migrate
    from course.platform.db import make_engine
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

            documents.key_ring()  # created once, as in a running app
            sample = dict(zip(NAMES, issued[:5], strict=True))

            def one(certificate: Certificate) -> Callable[[], object]:
                return lambda: (
                    documents.pdf_bytes(certificate, BASE),
                    documents.credential_bytes(certificate, BASE),
                )

            def export() -> bytes:
                return b"".join(views._export_zip_stream(session.get(Cohort, cohort.id), BASE))

            after = {name: single(one(c)) for name, c in sample.items()}
            after_batch = batch(export)
            before: dict[str, tuple[float, float]] = {}
            before_batch: dict[str, float] = {}
            if "--after-only" not in sys.argv:
                with fonts_parsed_per_pdf():
                    before = {name: single(one(c)) for name, c in sample.items()}
                    before_batch = batch(export)
            report(after, after_batch, before, before_batch)


def report(
    after: dict[str, tuple[float, float]],
    after_batch: dict[str, float],
    before: dict[str, tuple[float, float]],
    before_batch: dict[str, float],
) -> None:
    print(f"\nsingle certificate, PDF + signed credential, ms (median of {RUNS}; {os.cpu_count()} CPUs)")
    print(f"  {'before':>7}{'after':>8}{'ratio':>7}{'cold':>7}  name (cold: first of its script here)")
    for name, (cold, warm) in after.items():
        old = before.get(name, (0.0, 0.0))[1]
        ratio = f"{old / warm:.1f}x" if old else "-"
        print(f"  {old * 1000:>7.0f}{warm * 1000:>8.1f}{ratio:>7}{cold * 1000:>7.0f}  {name}")
    files, size = after_batch["files"], after_batch["mb"]
    print(f"\nbatch of {BATCH} (cohort export ZIP, {files:.0f} files, {size:.1f} MB)")
    print(f"  {'':<8}{'wall s':>8}{'CPU s':>8}{'cert/s':>8}{'ms/cert':>9}{'peak RSS MB':>13}")
    for label, figures in (("before", before_batch), ("after", after_batch)):
        if figures:
            print(
                f"  {label:<8}{figures['wall']:>8.1f}{figures['cpu']:>8.1f}{BATCH / figures['wall']:>8.1f}"
                f"{figures['wall'] / BATCH * 1000:>9.1f}{figures['rss']:>13.0f}"
            )
    if before_batch:
        print(f"  after is {before_batch['wall'] / after_batch['wall']:.1f}x faster (wall)")


if __name__ == "__main__":
    main()

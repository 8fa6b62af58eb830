"""Certificates in the domain: eligibility, attendance, issuing once, re-issue, revocation, export."""

from __future__ import annotations

import csv
import io
import threading
import zipfile
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from course import accounts
from course.content import Catalogue, load_catalogue
from course.credentials import certificates, eligibility, signing, verification
from course.credentials import export as certificate_export
from course.models import (
    Attendance,
    AuditEvent,
    Certificate,
    Cohort,
    CohortInstructor,
    Enrolment,
    LessonCompletion,
    Meeting,
    QuizAttempt,
    Role,
    User,
)
from course.platform.db import make_sessionmaker, write_intent
from course.platform.spreadsheet import spreadsheet_safe
from tests.conftest import CONTENT, PASSWORD

PATH = "investigators"


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return load_catalogue(CONTENT)


@pytest.fixture
def db(dbsession: Any) -> Any:
    """The domain tests' database session (tests/course/conftest.py), under a shorter name."""
    return dbsession


def make_person(session: Any, name: str = "Алексей Смирнов", role: Role = Role.LEARNER) -> User:
    count = session.scalar(select(User.id).order_by(User.id.desc()).limit(1)) or 0
    user = accounts.register(
        session,
        email=f"person{count + 1}@example.org",
        full_name=name,
        organisation="Office",
        country="Kenya",
        password=PASSWORD,
        role=role,
    )
    session.flush()
    return user


def complete_path(
    session: Any,
    catalogue: Catalogue,
    user: User,
    path_id: str = PATH,
    score: float = 90.0,
    leave_out: str | None = None,
    when: datetime | None = None,
) -> None:
    """Record every lesson completion and one passed quiz for each module (except `leave_out`)."""
    when = when or datetime(2025, 3, 12, 9, 0, tzinfo=UTC)
    path = catalogue.path(path_id)
    assert path is not None
    for module in catalogue.modules_of(path):
        if module.id == leave_out:
            continue
        for lesson in module.lessons:
            session.add(
                LessonCompletion(
                    user_id=user.id,
                    module_id=module.id,
                    lesson_id=lesson.id,
                    content_version=module.version,
                    completed_at=when,
                )
            )
        for attempt_score in (score - 20, score):
            session.add(
                QuizAttempt(
                    user_id=user.id,
                    module_id=module.id,
                    content_version=module.version,
                    shown=[],
                    pass_mark=module.quiz.pass_mark,
                    status="submitted",
                    score=attempt_score,
                    passed=attempt_score >= module.quiz.pass_mark,
                    started_at=when,
                    submitted_at=when + timedelta(minutes=10),
                )
            )
    session.flush()


def make_cohort(
    session: Any,
    learner: User,
    instructor: User | None = None,
    min_attendance: int | None = 75,
    attended: tuple[str, ...] = (),
) -> Cohort:
    """A cohort of the path with one meeting per entry of `attended` (present, absent, excused), held."""
    cohort = Cohort(title="Nairobi workshop", path_id=PATH, min_attendance=min_attendance)
    session.add(cohort)
    session.flush()
    session.add(Enrolment(cohort_id=cohort.id, user_id=learner.id))
    if instructor is not None:
        session.add(CohortInstructor(cohort_id=cohort.id, user_id=instructor.id))
    start = datetime(2025, 3, 1, 9, tzinfo=UTC)
    for day, status in enumerate(attended):
        meeting = Meeting(cohort_id=cohort.id, title=f"Day {day + 1}", starts_at=start + timedelta(days=day))
        session.add(meeting)
        session.flush()
        session.add(Attendance(meeting_id=meeting.id, user_id=learner.id, status=status))
    session.flush()
    return cohort


def issue(session: Any, catalogue: Catalogue, user: User, path_id: str = PATH) -> certificates.IssueResult:
    path = catalogue.path(path_id)
    assert path is not None
    return certificates.issue(session, catalogue, user, path)


# --- codes -------------------------------------------------------------------------------------


def test_codes_are_random_long_and_forgiving_to_type() -> None:
    codes = {certificates.new_code() for _ in range(500)}
    assert len(codes) == 500
    code = next(iter(codes))
    assert len(code.replace("-", "")) == 20 and code.count("-") == 4
    assert certificates.normalise_code(code.lower().replace("-", " ")) == code
    assert certificates.normalise_code("0O1I-L000-0000-0000-0000") == "0011-1000-0000-0000-0000"
    for bad in ("", "ABC", code + "X", "UUUU-UUUU-UUUU-UUUU-UUUU", "../../etc/passwd"):
        assert certificates.normalise_code(bad) is None


# --- issuing -----------------------------------------------------------------------------------


def test_a_completed_path_earns_one_certificate_with_frozen_facts(db: Any, catalogue: Catalogue) -> None:
    learner = make_person(db, "Nguyễn Thị Minh Khai")
    complete_path(db, catalogue, learner, score=92.5)
    first = issue(db, catalogue, learner)
    assert first.is_new
    again = issue(db, catalogue, learner)
    assert not again.is_new and again.certificate.id == first.certificate.id
    cert = first.certificate
    path = catalogue.path(PATH)
    assert cert.learner_name == "Nguyễn Thị Minh Khai"
    assert cert.path_title == path.title
    assert list(cert.modules) == list(path.module_ids)
    for module in catalogue.modules_of(path):
        assert cert.modules[module.id]["version"] == module.version
        assert cert.modules[module.id]["score"] == 92.5  # the best attempt, not the last
        assert cert.modules[module.id]["title"] == module.title
    assert cert.completed_on.isoformat() == "2025-03-12"
    assert cert.cohort_id is None and cert.instructor_name is None
    assert certificates.normalise_code(cert.code) == cert.code
    assert db.scalars(select(AuditEvent.action)).all() == ["certificate_issued"]

    # a later change of name or content does not touch the issued certificate
    learner.full_name = "Someone Else"
    db.flush()
    db.refresh(cert)
    assert cert.learner_name == "Nguyễn Thị Minh Khai"


def test_an_unfinished_path_earns_nothing(db: Any, catalogue: Catalogue) -> None:
    learner = make_person(db)
    complete_path(db, catalogue, learner, leave_out="international-cooperation")
    with pytest.raises(certificates.NotEligible) as refused:
        issue(db, catalogue, learner)
    assert not refused.value.eligibility.progress.completed
    assert [m.module.id for m in refused.value.eligibility.progress.remaining] == [
        "international-cooperation"
    ]
    assert db.scalar(select(Certificate.id)) is None


def test_a_cohort_learner_needs_the_attendance_rule(db: Any, catalogue: Catalogue) -> None:
    learner = make_person(db)
    instructor = make_person(db, "Amina Diallo", Role.INSTRUCTOR)
    complete_path(db, catalogue, learner)
    make_cohort(
        db, learner, instructor, min_attendance=75, attended=("present", "absent", "absent", "present")
    )
    with pytest.raises(certificates.NotEligible) as refused:
        issue(db, catalogue, learner)
    share = refused.value.eligibility.cohort_share
    assert share is not None and (share.present, share.counted, share.percent) == (2, 4, 50)
    assert refused.value.eligibility.progress.completed and not refused.value.eligibility.attendance_met


def test_excused_meetings_do_not_count_against_attendance(db: Any, catalogue: Catalogue) -> None:
    learner = make_person(db)
    instructor = make_person(db, "Amina Diallo", Role.INSTRUCTOR)
    complete_path(db, catalogue, learner)
    cohort = make_cohort(db, learner, instructor, 75, ("present", "present", "present", "excused", "excused"))
    cert = issue(db, catalogue, learner).certificate
    assert cert.cohort_id == cohort.id
    assert cert.cohort_title == "Nairobi workshop"
    assert cert.instructor_name == "Amina Diallo"


def test_future_meetings_do_not_count_but_a_rule_with_none_held_waits(db: Any, catalogue: Catalogue) -> None:
    learner = make_person(db)
    complete_path(db, catalogue, learner)
    cohort = make_cohort(db, learner, min_attendance=50)
    db.add(Meeting(cohort_id=cohort.id, title="Later", starts_at=datetime.now(UTC) + timedelta(days=3)))
    db.flush()
    share = eligibility.attendance_share(db, cohort, learner.id)
    assert (share.counted, share.scheduled, share.percent, share.is_met) == (0, 1, None, False)
    cohort.min_attendance = None
    assert eligibility.attendance_share(db, cohort, learner.id).is_met


def test_revoked_certificate_is_not_silently_replaced(db: Any, catalogue: Catalogue) -> None:
    learner = make_person(db)
    admin = make_person(db, "Admin", Role.ADMIN)
    complete_path(db, catalogue, learner)
    cert = issue(db, catalogue, learner).certificate
    certificates.revoke(db, cert, admin, certificates.RevocationReason.ACADEMIC_MISCONDUCT, "copied answers")
    with pytest.raises(certificates.PreviouslyRevoked):
        issue(db, catalogue, learner)


# --- re-issue and revocation ------------------------------------------------------------------


def test_name_correction_reissues_and_keeps_the_old_code_as_superseded(db: Any, catalogue: Catalogue) -> None:
    learner = make_person(db, "Alexei Smirnov")
    complete_path(db, catalogue, learner)
    old = issue(db, catalogue, learner).certificate
    with pytest.raises(certificates.NothingToReissue):
        certificates.reissue(db, old, learner, learner)
    learner.full_name = "Алексей Смирнов"
    assert certificates.needs_reissue(old, learner)
    new = certificates.reissue(db, old, learner, learner)
    assert new.code != old.code and new.learner_name == "Алексей Смирнов"
    assert (new.modules, new.completed_on, new.path_title) == (old.modules, old.completed_on, old.path_title)
    assert old.status == "superseded" and old.superseded_by_id == new.id
    record = verification.public_record(db, old.code, "Convention Academy")
    assert record is not None and record.status == "superseded" and record.superseded_at == new.issued_at
    assert record.learner_name == "Alexei Smirnov"
    assert certificates.current_certificate(db, learner.id, PATH).id == new.id
    assert not issue(db, catalogue, learner).is_new


def test_only_admins_and_the_cohorts_instructors_may_revoke(db: Any, catalogue: Catalogue) -> None:
    learner = make_person(db)
    instructor = make_person(db, "Amina Diallo", Role.INSTRUCTOR)
    other_instructor = make_person(db, "Other Trainer", Role.INSTRUCTOR)
    admin = make_person(db, "Admin", Role.ADMIN)
    complete_path(db, catalogue, learner)
    make_cohort(db, learner, instructor, min_attendance=None)
    cert = issue(db, catalogue, learner).certificate
    assert certificates.can_revoke(db, instructor, cert)
    assert certificates.can_revoke(db, admin, cert)
    assert not certificates.can_revoke(db, other_instructor, cert)
    assert not certificates.can_revoke(db, learner, cert)
    when = datetime(2025, 4, 1, 12, tzinfo=UTC)
    certificates.revoke(
        db, cert, instructor, certificates.RevocationReason.ISSUED_IN_ERROR, " wrong cohort ", when
    )
    assert (cert.status, cert.revoked_at, cert.revoked_reason, cert.revoked_note) == (
        "revoked",
        when,
        "issued_in_error",
        "wrong cohort",
    )
    event = db.scalars(select(AuditEvent).where(AuditEvent.action == "certificate_revoked")).one()
    assert event.actor_id == instructor.id and cert.code in event.target and "wrong cohort" in event.detail
    with pytest.raises(certificates.CannotRevoke):
        certificates.revoke(db, cert, admin, certificates.RevocationReason.OTHER, "again")
    record = verification.public_record(db, cert.code.lower(), "Convention Academy")
    assert record.status == "revoked" and record.revoked_reason == "issued_in_error"


# --- status indexes (the revocation list) --------------------------------------------------------


def test_status_indexes_are_random_so_they_tell_nothing_of_how_many_were_issued(
    db: Any, catalogue: Catalogue
) -> None:
    issued = []
    for number in range(20):
        learner = make_person(db, f"Learner {number}")
        complete_path(db, catalogue, learner)
        issued.append(issue(db, catalogue, learner).certificate)
    indexes = [c.status_index for c in issued]
    assert len(set(indexes)) == 20
    assert all(0 <= index < signing.STATUS_LIST_SIZE for index in indexes)
    # a run, issue order or a narrow band would each betray the count (chance of any: below 1e-17)
    assert sorted(indexes) != list(range(min(indexes), min(indexes) + 20))
    assert indexes != sorted(indexes)
    assert max(indexes) - min(indexes) > 5_000
    assert indexes != [c.id for c in issued]


def draws(monkeypatch: pytest.MonkeyPatch, *indexes: int) -> None:
    """Make the random status indexes come out as `indexes`, one per draw, in order (thread-safe)."""
    queue = iter(indexes)
    lock = threading.Lock()

    def draw() -> int:
        with lock:
            return next(queue)

    monkeypatch.setattr(certificates, "_draw_status_index", draw)


def test_an_index_already_taken_is_drawn_again(
    db: Any, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second, admin = make_person(db), make_person(db), make_person(db, "Admin", Role.ADMIN)
    for learner in (first, second):
        complete_path(db, catalogue, learner)
    draws(monkeypatch, 5, 5, 9, 9, 5, 11)
    assert issue(db, catalogue, first).certificate.status_index == 5
    cert = issue(db, catalogue, second).certificate
    assert cert.status_index == 9  # 5 collided: only that try was rolled back
    second.full_name = "Second Learner"
    replacement = certificates.reissue(db, cert, second, admin)
    assert replacement.status_index == 11
    db.commit()
    assert db.scalars(select(Certificate.status_index).order_by(Certificate.id)).all() == [5, 9, 11]
    assert db.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all() == [
        "certificate_issued",
        "certificate_issued",
        "certificate_reissued",
    ]


def test_a_full_list_is_a_named_error_not_an_endless_loop(
    db: Any, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = make_person(db), make_person(db)
    for learner in (first, second):
        complete_path(db, catalogue, learner)
    draws(monkeypatch, *[7] * (1 + certificates.STATUS_INDEX_DRAWS))
    issue(db, catalogue, first)
    with pytest.raises(certificates.StatusListFull):
        issue(db, catalogue, second)


def test_concurrent_issues_drawing_the_same_index_both_succeed(
    db: Any, catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two learners claim at once and draw the same index: the second waits, collides and draws again.

    On PostgreSQL the second insert waits for the first transaction and then hits the unique
    constraint; on SQLite the second writer waits for the first to commit (BEGIN IMMEDIATE).
    """
    first, second = make_person(db), make_person(db)
    for learner in (first, second):
        complete_path(db, catalogue, learner)
    second_id = second.id
    db.commit()
    draws(monkeypatch, 5, 5, 9)
    other = make_sessionmaker(db.get_bind())
    outcome: dict[str, Any] = {}

    def claim_at_the_same_time() -> None:
        try:
            with write_intent(), other() as session:
                learner = session.get(User, second_id)
                outcome["index"] = issue(session, catalogue, learner).certificate.status_index
                session.commit()
        except Exception as exc:  # reported below, in the test's own thread
            outcome["error"] = exc

    with write_intent():
        assert issue(db, catalogue, first).certificate.status_index == 5  # written, not yet committed
        racer = threading.Thread(target=claim_at_the_same_time)
        racer.start()
        racer.join(0.5)
        assert racer.is_alive()  # waiting for the first transaction
        db.commit()
    racer.join(10)
    assert not racer.is_alive() and "error" not in outcome, outcome
    assert outcome["index"] == 9
    assert sorted(db.scalars(select(Certificate.status_index))) == [5, 9]


def test_the_revocation_list_sets_the_revoked_certificates_bit_and_no_other(
    db: Any, catalogue: Catalogue
) -> None:
    admin = make_person(db, "Admin", Role.ADMIN)
    issued = []
    for number in range(5):
        learner = make_person(db, f"Learner {number}")
        complete_path(db, catalogue, learner)
        issued.append(issue(db, catalogue, learner).certificate)
    revoked = issued[2]
    certificates.revoke(db, revoked, admin, certificates.RevocationReason.OTHER, "test")
    assert verification.revoked_status_indexes(db) == [revoked.status_index]
    size = verification.status_list_size(db)
    assert size == signing.STATUS_LIST_SIZE
    encoded = signing.encoded_status_list(verification.revoked_status_indexes(db), size)
    assert [signing.is_set(encoded, c.status_index) for c in issued] == [False, False, True, False, False]
    assert not signing.is_set(encoded, revoked.id)


def test_the_list_reaches_certificates_numbered_beyond_its_usual_size(db: Any, catalogue: Catalogue) -> None:
    """A certificate from before random indexes keeps index = id, however large that id is."""
    learner = make_person(db)
    complete_path(db, catalogue, learner)
    cert = issue(db, catalogue, learner).certificate
    cert.status_index = 200_000
    db.flush()
    assert verification.status_list_size(db) == 200_001


def test_unknown_and_malformed_codes_find_nothing(db: Any) -> None:
    for code in ("0000-0000-0000-0000-0000", "nonsense", "' OR 1=1 --"):
        assert verification.public_record(db, code, "Convention Academy") is None


# --- export -----------------------------------------------------------------------------------


def test_manifest_cells_cannot_become_formulas() -> None:
    for value in ('=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "\tx", "\rx"):
        assert spreadsheet_safe(value).startswith("'")
    assert spreadsheet_safe("王小明") == "王小明"


def test_export_zip_has_files_of_valid_certificates_and_a_manifest_of_all(
    db: Any, catalogue: Catalogue
) -> None:
    admin = make_person(db, "Admin", Role.ADMIN)
    people = [make_person(db, name) for name in ("=cmd|' /C calc'!A0", "محمد عبد الله", "王小明")]
    cohort = Cohort(title="Workshop", path_id=PATH)
    db.add(cohort)
    db.flush()
    issued = []
    for person in people:
        db.add(Enrolment(cohort_id=cohort.id, user_id=person.id))
        complete_path(db, catalogue, person)
        issued.append(issue(db, catalogue, person).certificate)
    certificates.revoke(db, issued[2], admin, certificates.RevocationReason.OTHER, "test")
    data = certificate_export.export_zip(
        db,
        certificates.of_cohort(db, cohort.id),
        verify_url=lambda code: f"https://academy.example/verify/{code}",
        render_pdf=lambda c: b"%PDF " + c.code.encode(),
        credential_json=lambda c: b"{}",
    )
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = set(archive.namelist())
    assert "manifest.csv" in names
    for cert in issued[:2]:
        assert (
            f"certificate-{cert.code}.pdf" in names and f"credentials/certificate-{cert.code}.json" in names
        )
    assert f"certificate-{issued[2].code}.pdf" not in names
    text = archive.read("manifest.csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 3
    by_code = {row["code"]: row for row in rows}
    assert by_code[issued[0].code]["learner_name"] == "'=cmd|' /C calc'!A0"
    assert by_code[issued[1].code]["learner_name"] == "محمد عبد الله"
    assert by_code[issued[2].code]["status"] == "revoked" and by_code[issued[2].code]["pdf_file"] == ""
    assert by_code[issued[1].code]["verification_url"] == f"https://academy.example/verify/{issued[1].code}"

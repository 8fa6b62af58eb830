"""Certificates: who may have one, issuing it once, re-issuing, revoking, public verification, export.

A certificate is issued once per learner and learning path, when every module of
the path is completed and, for a learner enrolled in a cohort of that path, the
cohort's attendance rule is met. What it says is frozen at issue (the name as
registered, the path title, each module's content version and best score, the
completion date, the cohort and its instructors) so later edits to the account
or the content never change an issued certificate. A name correction re-issues:
the old certificate stays verifiable as "superseded" and points to the new one.

The code is random (100 bits, Crockford base32, grouped by four) and is the
only key the public has: the verification page shows the name, path, date and
issuer and nothing else, and an unknown code reveals nothing. The certificate's
entry in the public revocation list (its status index) is random too.

The PDF is drawn in course/pdf.py and the signed credential in
course/signing.py; the export here puts both in a ZIP with a CSV manifest.
"""

from __future__ import annotations

import csv
import enum
import hashlib
import io
import secrets
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course.accounts import audit
from course.content import Catalogue, LearningPath
from course.credentials import signing
from course.learning import progress
from course.models import (
    AttemptStatus,
    Attendance,
    AttendanceStatus,
    Certificate,
    CertificateStatus,
    Cohort,
    CohortInstructor,
    Enrolment,
    LessonCompletion,
    Meeting,
    QuizAttempt,
    User,
    utcnow,
)

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_LENGTH = 20  # 100 random bits
CODE_GROUP = 4
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})

STATUS_INDEX_DRAWS = 64  # random draws before giving up: only a list filled to ~80% would need that many

VERIFY_WINDOW = 10 * 60  # seconds
VERIFY_LIMIT = 60  # look-ups per address and window: plenty for a person, too few to guess codes


class RevocationReason(enum.StrEnum):
    """Reason categories shown publicly; the free-text note stays internal."""

    ISSUED_IN_ERROR = "issued_in_error"
    ACADEMIC_MISCONDUCT = "academic_misconduct"
    IDENTITY_NOT_CONFIRMED = "identity_not_confirmed"
    REQUESTED_BY_HOLDER = "requested_by_holder"
    OTHER = "other"


# --- codes ----------------------------------------------------------------------------


def new_code() -> str:
    """A fresh random code such as 7K3M-Q9TD-2XWB-HN4R-8CVP."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return _group(raw)


def _group(raw: str) -> str:
    return "-".join(raw[i : i + CODE_GROUP] for i in range(0, len(raw), CODE_GROUP))


def normalise_code(text: str) -> str | None:
    """The canonical form of a code as a person might type it, or None if it cannot be one.

    Case, spaces and dashes do not matter, and O, I, L read as 0, 1, 1.
    """
    raw = "".join(text.split()).replace("-", "").upper().translate(_CONFUSABLE)
    if len(raw) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in raw):
        return None
    return _group(raw)


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


def eligibility(
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


# --- issuing ---------------------------------------------------------------------------


class NotEligible(Exception):
    """The path is not completed, or the cohort's attendance rule is not met."""

    def __init__(self, found: Eligibility):
        self.eligibility = found
        super().__init__(found.path.id)


class PreviouslyRevoked(Exception):
    """The learner's certificate for this path was revoked; only an administrator can settle that."""


@dataclass(frozen=True)
class IssueResult:
    certificate: Certificate
    is_new: bool


def current_certificate(session: Session, user_id: int, path_id: str) -> Certificate | None:
    """The learner's valid certificate for a path, if there is one."""
    return session.scalar(
        select(Certificate)
        .where(
            Certificate.user_id == user_id,
            Certificate.path_id == path_id,
            Certificate.status == CertificateStatus.VALID.value,
        )
        .order_by(Certificate.id.desc())
    )


def issue(
    session: Session, catalogue: Catalogue, user: User, path: LearningPath, now: datetime | None = None
) -> IssueResult:
    """Issue the learner's certificate for a path, once; a second call returns the first one.

    Raises NotEligible when the path is not completed or the attendance rule is not met,
    and PreviouslyRevoked when a certificate for it was revoked (no way round a revocation).
    """
    now = now or utcnow()
    _lock_user(session, user.id)
    existing = current_certificate(session, user.id, path.id)
    if existing is not None:
        return IssueResult(existing, False)
    if _has_revoked(session, user.id, path.id):
        raise PreviouslyRevoked(path.id)
    found = eligibility(session, catalogue, user.id, path, now)
    if not found.is_eligible:
        raise NotEligible(found)
    share = found.cohort_share
    cohort = share.cohort if share is not None else None
    modules = _module_record(session, user.id, found.progress)
    certificate = Certificate(
        code=_unused_code(session),
        user_id=user.id,
        path_id=path.id,
        path_title=path.title,
        learner_name=user.full_name,
        modules=modules,
        content_version=content_version(modules),
        completed_on=_completed_on(session, user.id, list(path.module_ids)),
        issued_at=now,
        cohort_id=cohort.id if cohort else None,
        cohort_title=cohort.title if cohort else None,
        instructor_name=_instructor_names(session, cohort.id) if cohort else None,
    )
    _add_at_random_status_index(session, certificate)
    audit(session, user, "certificate_issued", f"certificate:{certificate.code}", path.id)
    return IssueResult(certificate, True)


def _lock_user(session: Session, user_id: int) -> None:
    """Serialise issuing per learner: a row lock on PostgreSQL; SQLite writers are serial already."""
    session.execute(select(User.id).where(User.id == user_id).with_for_update())


def _has_revoked(session: Session, user_id: int, path_id: str) -> bool:
    return (
        session.scalar(
            select(Certificate.id).where(
                Certificate.user_id == user_id,
                Certificate.path_id == path_id,
                Certificate.status == CertificateStatus.REVOKED.value,
            )
        )
        is not None
    )


def _unused_code(session: Session) -> str:
    while True:  # 2^100 codes: a collision is astronomically rare, but never silent
        code = new_code()
        if session.scalar(select(Certificate.id).where(Certificate.code == code)) is None:
            return code


class StatusListFull(Exception):
    """No free entry was found in the revocation list: a second list would be needed."""


def _draw_status_index() -> int:
    return secrets.randbelow(signing.STATUS_LIST_SIZE)


def _add_at_random_status_index(session: Session, certificate: Certificate) -> None:
    """Insert the certificate at a random free entry of the revocation list.

    The unique constraint decides: each try is a SAVEPOINT, and an index taken
    meanwhile (by an earlier certificate, or by a concurrent issue that committed
    first, which PostgreSQL makes this insert wait for) rolls back only that try.
    """
    for _ in range(STATUS_INDEX_DRAWS):
        certificate.status_index = _draw_status_index()
        try:
            with session.begin_nested():
                session.add(certificate)
        except IntegrityError as exc:
            if "status_index" not in str(exc.orig):
                raise
            continue
        return
    raise StatusListFull(certificate.code)


def _module_record(session: Session, user_id: int, path: progress.PathProgress) -> dict[str, Any]:
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


def _completed_on(session: Session, user_id: int, module_ids: list[str]) -> date:
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


def _instructor_names(session: Session, cohort_id: int) -> str | None:
    names = session.scalars(
        select(User.full_name)
        .join(CohortInstructor, CohortInstructor.user_id == User.id)
        .where(CohortInstructor.cohort_id == cohort_id)
        .order_by(CohortInstructor.added_at, User.id)
    ).all()
    return ", ".join(names)[:200] or None


# --- re-issue and revocation ------------------------------------------------------------------


class NothingToReissue(Exception):
    """The certificate is not valid, or already carries the account's current name."""


def needs_reissue(certificate: Certificate, user: User | None) -> bool:
    """True when the holder's registered name has been corrected since the certificate was issued."""
    return (
        user is not None
        and certificate.status == CertificateStatus.VALID
        and certificate.user_id == user.id
        and certificate.learner_name != user.full_name
    )


def reissue(
    session: Session, certificate: Certificate, holder: User, actor: User, now: datetime | None = None
) -> Certificate:
    """A new certificate with the corrected name; the old one becomes superseded and points to it."""
    if not needs_reissue(certificate, holder):
        raise NothingToReissue(certificate.code)
    now = now or utcnow()
    replacement = Certificate(
        code=_unused_code(session),
        user_id=certificate.user_id,
        path_id=certificate.path_id,
        path_title=certificate.path_title,
        learner_name=holder.full_name,
        modules=dict(certificate.modules),
        content_version=certificate.content_version,
        completed_on=certificate.completed_on,
        issued_at=now,
        cohort_id=certificate.cohort_id,
        cohort_title=certificate.cohort_title,
        instructor_name=certificate.instructor_name,
    )
    _add_at_random_status_index(session, replacement)
    certificate.status = CertificateStatus.SUPERSEDED.value
    certificate.superseded_by_id = replacement.id
    audit(
        session,
        actor,
        "certificate_reissued",
        f"certificate:{certificate.code}",
        f"replaced by {replacement.code}: name corrected",
    )
    return replacement


def superseded_at(session: Session, certificate: Certificate) -> datetime | None:
    if certificate.superseded_by_id is None:
        return None
    return session.scalar(select(Certificate.issued_at).where(Certificate.id == certificate.superseded_by_id))


def is_cohort_instructor(session: Session, user_id: int, cohort_id: int) -> bool:
    return (
        session.scalar(
            select(CohortInstructor.user_id).where(
                CohortInstructor.cohort_id == cohort_id, CohortInstructor.user_id == user_id
            )
        )
        is not None
    )


def can_revoke(session: Session, actor: User, certificate: Certificate) -> bool:
    """Admins, and the instructors of the cohort the certificate names."""
    if actor.is_admin:
        return True
    return certificate.cohort_id is not None and is_cohort_instructor(
        session, actor.id, certificate.cohort_id
    )


def can_view(session: Session, viewer: User, certificate: Certificate) -> bool:
    """The holder, admins and the cohort's instructors see the whole record."""
    return certificate.user_id == viewer.id or can_revoke(session, viewer, certificate)


class CannotRevoke(Exception):
    """Only a valid certificate can be revoked."""


def revoke(
    session: Session,
    certificate: Certificate,
    actor: User,
    reason: RevocationReason,
    note: str = "",
    now: datetime | None = None,
) -> None:
    """Revoke with a reason category (public) and a note (internal); recorded in the audit log."""
    if certificate.status != CertificateStatus.VALID:
        raise CannotRevoke(certificate.code)
    certificate.status = CertificateStatus.REVOKED.value
    certificate.revoked_at = now or utcnow()
    certificate.revoked_reason = reason.value
    certificate.revoked_note = note.strip()[:2000]
    certificate.revoked_by_id = actor.id
    audit(
        session,
        actor,
        "certificate_revoked",
        f"certificate:{certificate.code}",
        f"{reason.value}: {note.strip()}"[:2000],
    )


# --- look-ups -------------------------------------------------------------------------------


def by_code(session: Session, code: str) -> Certificate | None:
    normal = normalise_code(code)
    if normal is None:
        return None
    return session.scalar(select(Certificate).where(Certificate.code == normal))


def of_user(session: Session, user_id: int) -> list[Certificate]:
    return list(
        session.scalars(
            select(Certificate)
            .where(Certificate.user_id == user_id)
            .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
        )
    )


def of_cohort(session: Session, cohort_id: int) -> list[Certificate]:
    return list(
        session.scalars(
            select(Certificate)
            .where(Certificate.cohort_id == cohort_id)
            .order_by(Certificate.learner_name, Certificate.id)
        )
    )


def cohorts_run_by(session: Session, user: User) -> list[Cohort]:
    """Cohorts whose certificates this user may manage: all for an admin, else the ones they run."""
    stmt = select(Cohort).order_by(Cohort.starts_on.desc().nulls_last(), Cohort.id.desc())
    if not user.is_admin:
        stmt = stmt.join(CohortInstructor, CohortInstructor.cohort_id == Cohort.id).where(
            CohortInstructor.user_id == user.id
        )
    return list(session.scalars(stmt))


def search(
    session: Session, query: str = "", limit: int = 50, offset: int = 0
) -> tuple[list[Certificate], int]:
    """Certificates whose code, name or path title contains `query`, newest first, and the total (admins)."""
    stmt = select(Certificate)
    text = query.strip()
    if text:
        code = normalise_code(text)
        like = f"%{text.lower()}%"
        # lower() is ASCII-only on SQLite: also match the text as typed, for names in other scripts
        condition = (
            func.lower(Certificate.learner_name).like(like)
            | func.lower(Certificate.path_title).like(like)
            | Certificate.learner_name.like(f"%{text}%")
        )
        if code is not None:
            condition = condition | (Certificate.code == code)
        stmt = stmt.where(condition)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(limit).offset(offset)
    )
    return list(rows), total


@dataclass(frozen=True)
class PublicRecord:
    """What anybody holding the code may see: status, name, path, date, issuer, and why not valid."""

    status: CertificateStatus
    code: str
    learner_name: str
    path_title: str
    completed_on: date
    issued_at: datetime
    issuer: str
    revoked_at: datetime | None = None
    revoked_reason: RevocationReason | None = None
    superseded_at: datetime | None = None


def public_record(session: Session, code: str, issuer: str) -> PublicRecord | None:
    certificate = by_code(session, code)
    if certificate is None:
        return None
    return PublicRecord(
        status=CertificateStatus(certificate.status),
        code=certificate.code,
        learner_name=certificate.learner_name,
        path_title=certificate.path_title,
        completed_on=certificate.completed_on,
        issued_at=certificate.issued_at,
        issuer=issuer,
        revoked_at=certificate.revoked_at,
        revoked_reason=RevocationReason(certificate.revoked_reason) if certificate.revoked_reason else None,
        superseded_at=superseded_at(session, certificate),
    )


# --- export -----------------------------------------------------------------------------------

MANIFEST_COLUMNS = (
    "code",
    "learner_name",
    "email",
    "path",
    "completed_on",
    "issued_at",
    "status",
    "revoked_at",
    "revoked_reason",
    "verification_url",
    "pdf_file",
    "credential_file",
)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> str:
    """A CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def manifest_csv(rows: Iterable[dict[str, object]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=MANIFEST_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({key: spreadsheet_safe(row.get(key, "")) for key in MANIFEST_COLUMNS})
    return "\ufeff" + out.getvalue()  # the BOM makes spreadsheet programs read UTF-8 names right


def file_stem(certificate: Certificate) -> str:
    """A file name that is safe everywhere: the code, which is unique (names can be in any script)."""
    return f"certificate-{certificate.code}"


class _Chunks(io.RawIOBase):
    """A write-only stream that hands out what was written since the last look."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:  # type: ignore[override]
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


@dataclass(frozen=True)
class ExportEntry:
    certificate: Certificate
    email: str


def export_entries(session: Session, certificates: Sequence[Certificate]) -> list[ExportEntry]:
    """Everything an export needs from the database, read at once (the ZIP is drawn afterwards)."""
    emails = dict(
        session.execute(
            select(User.id, User.email).where(User.id.in_({c.user_id for c in certificates if c.user_id}))
        ).all()
    )
    return [ExportEntry(c, emails.get(c.user_id, "")) for c in certificates]


def export_zip_stream(
    entries: Sequence[ExportEntry],
    verify_url: Callable[[str], str],
    render_pdf: Callable[[Certificate], bytes],
    credential_json: Callable[[Certificate], bytes],
) -> Iterator[bytes]:
    """A ZIP of the valid certificates' PDFs and signed credentials, with a manifest of all of them.

    Yielded piece by piece as each certificate is drawn, so a large cohort starts
    downloading at once, memory stays flat, and no proxy or worker timeout cuts it off.
    It touches no database: `export_entries` read what it needs before the first byte.
    Revoked and superseded certificates are listed in the manifest (with their status) but
    their files are left out, so an export can be handed out as it is.
    """
    rows: list[dict[str, object]] = []
    sink = _Chunks()
    with zipfile.ZipFile(sink, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in entries:
            certificate = entry.certificate
            pdf_name = credential_name = ""
            if certificate.status == CertificateStatus.VALID:
                stem = file_stem(certificate)
                pdf_name, credential_name = f"{stem}.pdf", f"credentials/{stem}.json"
                archive.writestr(pdf_name, render_pdf(certificate))
                archive.writestr(credential_name, credential_json(certificate))
            rows.append(
                {
                    "code": certificate.code,
                    "learner_name": certificate.learner_name,
                    "email": entry.email,
                    "path": certificate.path_title,
                    "completed_on": certificate.completed_on.isoformat(),
                    "issued_at": certificate.issued_at.isoformat(timespec="seconds"),
                    "status": certificate.status,
                    "revoked_at": certificate.revoked_at.isoformat(timespec="seconds")
                    if certificate.revoked_at
                    else "",
                    "revoked_reason": certificate.revoked_reason or "",
                    "verification_url": verify_url(certificate.code),
                    "pdf_file": pdf_name,
                    "credential_file": credential_name,
                }
            )
            yield sink.take()
        archive.writestr("manifest.csv", manifest_csv(rows))
    yield sink.take()


def export_zip(session: Session, certificates: Sequence[Certificate], **makers: Any) -> bytes:
    """The whole ZIP in memory (the command line and tests)."""
    return b"".join(export_zip_stream(export_entries(session, certificates), **makers))


# --- signed credentials ------------------------------------------------------------------------


def credential_input(certificate: Certificate, verify_url: str, path_url: str) -> signing.CredentialInput:
    modules = sorted(certificate.modules.items(), key=lambda item: item[1].get("position", 0))
    return signing.CredentialInput(
        status_index=certificate.status_index,
        code=certificate.code,
        verify_url=verify_url,
        learner_name=certificate.learner_name,
        path_id=certificate.path_id,
        path_title=certificate.path_title,
        path_url=path_url,
        modules=tuple((mid, m["title"], m["version"], float(m["score"])) for mid, m in modules),
        content_version=certificate.content_version,
        completed_on=certificate.completed_on.isoformat(),
        issued_at=certificate.issued_at,
        cohort_title=certificate.cohort_title,
        instructor_name=certificate.instructor_name,
    )


def revoked_status_indexes(session: Session) -> list[int]:
    """The revocation list's set bits: the status indexes of the revoked certificates."""
    return list(
        session.scalars(
            select(Certificate.status_index).where(Certificate.status == CertificateStatus.REVOKED.value)
        )
    )


def status_list_size(session: Session) -> int:
    """Always STATUS_LIST_SIZE, unless certificates issued before random indexes had larger ids.

    Those keep index = id, so the list must reach them; it then depends on the
    largest such id, which their own credentials show already, never on what is revoked.
    """
    highest = session.scalar(select(func.max(Certificate.status_index)))
    return max(signing.STATUS_LIST_SIZE, (highest or 0) + 1)


@dataclass(frozen=True)
class CredentialCheck:
    """A submitted credential: is the signature ours and intact, and what is the certificate's status now."""

    proof: signing.ProofCheck
    record: PublicRecord | None = None
    key_retired_at: datetime | None = None  # when the key that signed it was retired (RETIRED_KEY)

    @property
    def is_valid(self) -> bool:
        return (
            self.proof == signing.ProofCheck.VALID
            and self.record is not None
            and self.record.status == CertificateStatus.VALID
        )


def check_credential(
    session: Session,
    document: Any,
    keys: dict[str, Any],
    issuer: str,
    retired: Mapping[str, datetime] | None = None,
) -> CredentialCheck:
    """Verify the proof first; only a credential we really signed is looked up (and never reveals more).

    `keys` maps the verification methods of the keys still trusted to their public keys,
    `retired` those of retired keys to the time they were retired.
    """
    retired = retired or {}
    proof = signing.check_proof(document, keys, retired)
    if proof == signing.ProofCheck.RETIRED_KEY:
        return CredentialCheck(proof, key_retired_at=retired[document["proof"]["verificationMethod"]])
    if proof != signing.ProofCheck.VALID:
        return CredentialCheck(proof)
    code = signing.certificate_code(document)
    return CredentialCheck(proof, public_record(session, code, issuer) if code else None)

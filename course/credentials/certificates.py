"""Certificates: issuing one once, re-issuing, revoking, and finding them.

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

Who may have one and what it records: eligibility.py. The public look-up and the
signed credential's check: verification.py. The PDF: pdf.py; the signed credential:
signing.py; a cohort's batch as a ZIP with a CSV manifest: export.py.
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from course.accounts import audit
from course.content import Catalogue, LearningPath
from course.credentials import eligibility, signing
from course.models import (
    Certificate,
    CertificateStatus,
    Cohort,
    CohortInstructor,
    User,
    utcnow,
)

CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_LENGTH = 20  # 100 random bits
CODE_GROUP = 4
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})

STATUS_INDEX_DRAWS = 64  # random draws before giving up: only a list filled to ~80% would need that many


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


# --- issuing ---------------------------------------------------------------------------


class NotEligible(Exception):
    """The path is not completed, or the cohort's attendance rule is not met."""

    def __init__(self, found: eligibility.Eligibility):
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
    found = eligibility.assess(session, catalogue, user.id, path, now)
    if not found.is_eligible:
        raise NotEligible(found)
    share = found.cohort_share
    cohort = share.cohort if share is not None else None
    modules = eligibility.module_record(session, user.id, found.progress)
    certificate = Certificate(
        code=_unused_code(session),
        user_id=user.id,
        path_id=path.id,
        path_title=path.title,
        learner_name=user.full_name,
        modules=modules,
        content_version=eligibility.content_version(modules),
        completed_on=eligibility.completed_on(session, user.id, list(path.module_ids)),
        issued_at=now,
        cohort_id=cohort.id if cohort else None,
        cohort_title=cohort.title if cohort else None,
        instructor_name=eligibility.instructor_names(session, cohort.id) if cohort else None,
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

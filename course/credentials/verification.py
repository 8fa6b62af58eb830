"""What the public can check: a certificate's public record by its code, the revocation
list, and a signed credential's verification against the certificate it names."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from course.credentials import signing
from course.credentials.certificates import RevocationReason, by_code, superseded_at
from course.models import (
    Certificate,
    CertificateStatus,
)

VERIFY_WINDOW = 10 * 60  # seconds
VERIFY_LIMIT = 60  # look-ups per address and window: plenty for a person, too few to guess codes


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

"""A cohort's certificates as one ZIP (a PDF and a signed credential each, and a CSV manifest), streamed."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from course.models import (
    Certificate,
    CertificateStatus,
    User,
)
from course.platform.spreadsheet import spreadsheet_safe

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

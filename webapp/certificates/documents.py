"""The certificate's documents in the app's context: public URLs, translated PDF labels, the signing key.

The verification URL printed on a certificate must be stable, so it comes from
the `PUBLIC_URL` setting (ACADEMY_PUBLIC_URL) when set, and from the request's
host otherwise; the command line needs one of the two (`--base-url`).
"""

from __future__ import annotations

import json
from datetime import date

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import current_app, has_request_context, request
from flask_babel import format_date
from flask_babel import gettext as _

from course import certificates, credentials, pdf
from course.models import Certificate

DEFAULT_ISSUER = "Convention Academy"


class NoBaseURL(RuntimeError):
    """Outside a request, the public address must be configured (ACADEMY_PUBLIC_URL) or given."""


def base_url(override: str | None = None) -> str:
    configured = override or current_app.config.get("PUBLIC_URL")
    if configured:
        return str(configured).rstrip("/")
    if has_request_context():
        return request.host_url.rstrip("/")
    raise NoBaseURL("set ACADEMY_PUBLIC_URL or pass --base-url")


def issuer_name() -> str:
    return str(current_app.config.get("CERTIFICATE_ISSUER") or DEFAULT_ISSUER)


def verify_url(code: str, base: str) -> str:
    return f"{base}/verify/{code}"


def issuer(base: str) -> credentials.Issuer:
    return credentials.Issuer(
        id=f"{base}/certificates/issuer.json",
        name=issuer_name(),
        url=f"{base}/",
        status_list_url=f"{base}/certificates/status/revocation.json",
    )


def signing_key() -> Ed25519PrivateKey:
    """Loaded (or created) once per process from the instance folder (or CERTIFICATE_KEY_DIR)."""
    key = current_app.extensions.get("certificate_signing_key")
    if key is None:
        folder = current_app.config.get("CERTIFICATE_KEY_DIR") or current_app.instance_path
        key = credentials.load_or_create_key(folder)
        current_app.extensions["certificate_signing_key"] = key
    return key


def published_keys(base: str) -> dict[str, object]:
    public = signing_key().public_key()
    method = issuer(base).method_id(public)
    return {method: public, f"{method}-jwk": public}


def labels() -> pdf.CertificateLabels:
    def long_date(value: date) -> str:
        return str(format_date(value, "long"))

    return pdf.CertificateLabels(
        heading=_("Certificate of completion"),
        certifies=_("This is to certify that"),
        completed=_("has completed the learning path"),
        subject=_("on the United Nations Convention against Cybercrime"),
        modules=_("Modules completed"),
        module_line=_("{title} — best quiz score {score}%"),
        cohort=_("Trainer-led cohort: {cohort}"),
        instructor=_("Instructor: {instructor}"),
        date=_("Date of completion"),
        issuer=_("Issued by"),
        verify=_("Verify this certificate at"),
        code=_("Certificate code"),
        version=_("Content version {version}"),
        format_date=long_date,
    )


def pdf_data(certificate: Certificate, base: str) -> pdf.CertificateData:
    modules = sorted(certificate.modules.values(), key=lambda m: m.get("position", 0))
    return pdf.CertificateData(
        code=certificate.code,
        learner_name=certificate.learner_name,
        path_title=certificate.path_title,
        modules=tuple((m["title"], float(m["score"])) for m in modules),
        completed_on=certificate.completed_on,
        issued_at=certificate.issued_at,
        content_version=certificate.content_version,
        issuer=issuer_name(),
        verify_url=verify_url(certificate.code, base),
        cohort_title=certificate.cohort_title,
        instructor_name=certificate.instructor_name,
    )


def pdf_bytes(certificate: Certificate, base: str) -> bytes:
    return pdf.render(pdf_data(certificate, base), labels())


def credential(certificate: Certificate, base: str) -> dict[str, object]:
    details = certificates.credential_input(
        certificate, verify_url(certificate.code, base), f"{base}/paths/{certificate.path_id}"
    )
    key = signing_key()
    who = issuer(base)
    return credentials.sign(
        credentials.build_credential(details, who),
        key,
        who.method_id(key.public_key()),
        certificate.issued_at,
    )


def credential_bytes(certificate: Certificate, base: str) -> bytes:
    return json.dumps(credential(certificate, base), ensure_ascii=False, indent=2).encode()

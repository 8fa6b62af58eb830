"""The certificate's documents in the app's context: public URLs, translated PDF labels, the signing keys.

The verification URL printed on a certificate must be stable, so it comes from
the `PUBLIC_URL` setting (ACADEMY_PUBLIC_URL) when set, and from the request's
host otherwise; the command line needs one of the two (`--base-url`).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import current_app, has_request_context, request
from flask_babel import format_date
from flask_babel import gettext as _

from course.credentials import keys as credential_keys
from course.credentials import pdf, signing, verification
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


def issuer(base: str) -> signing.Issuer:
    return signing.Issuer(
        id=f"{base}/certificates/issuer.json",
        name=issuer_name(),
        url=f"{base}/",
        status_list_url=f"{base}/certificates/status/revocation.json",
    )


def key_folder() -> Path:
    """The instance folder, or CERTIFICATE_KEY_DIR."""
    return Path(current_app.config.get("CERTIFICATE_KEY_DIR") or current_app.instance_path)


def key_ring() -> credential_keys.KeyRing:
    """The signing keys, read again only when their files change (a rotation reaches every worker)."""
    folder = key_folder()
    stamp = credential_keys.stamp(folder)
    cached = current_app.extensions.get("certificate_key_ring")
    if cached is None or cached[0] != (folder, stamp):
        cached = ((folder, stamp), credential_keys.load(folder))
        current_app.extensions["certificate_key_ring"] = cached
    return cached[1]


def published_keys(base: str) -> dict[str, Ed25519PublicKey]:
    """Verification method id → public key, for every key still trusted (as Multikey and as JWK)."""
    who = issuer(base)
    methods: dict[str, Ed25519PublicKey] = {}
    for key in key_ring().trusted:
        method = who.method_id(key.public_key)
        methods[method] = methods[f"{method}-jwk"] = key.public_key
    return methods


def retired_keys(base: str) -> dict[str, datetime]:
    """Verification method id → when it was retired, for every retired key."""
    who = issuer(base)
    return {
        method: key.retired_at
        for key in key_ring().retired
        for method in (who.method_for(key.id), f"{who.method_for(key.id)}-jwk")
    }


def sign(document: dict[str, object], base: str, created: datetime) -> dict[str, object]:
    """The document signed with the current key, its proof naming that key."""
    ring = key_ring()
    return signing.sign(document, ring.signing_key, issuer(base).method_for(ring.current_id), created)


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
    details = verification.credential_input(
        certificate, verify_url(certificate.code, base), f"{base}/paths/{certificate.path_id}"
    )
    return sign(signing.build_credential(details, issuer(base)), base, certificate.issued_at)


def credential_bytes(certificate: Certificate, base: str) -> bytes:
    return json.dumps(credential(certificate, base), ensure_ascii=False, indent=2).encode()

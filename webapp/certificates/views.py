"""Certificates: the learner's certificates, PDF download, re-issue and revocation, cohort exports.

The public verification pages and API are in views_public.py, the command-line
commands in commands.py; both add to the blueprint defined here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from course.credentials import certificates, eligibility, verification
from course.credentials import export as certificate_export
from course.models import Certificate, CertificateStatus, Cohort, User
from course.platform import throttle
from course.platform.db import set_write_intent
from webapp import catalogue
from webapp.access import admin_required, search_page
from webapp.certificates import documents
from webapp.certificates.forms import (
    REASON_LABELS,
    ClaimForm,
    ReissueForm,
    RevokeForm,
)
from webapp.extensions import db
from webapp.heartbeat import still_working

bp = Blueprint("certificates", __name__, template_folder="templates")


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"reason_label": lambda value: REASON_LABELS.get(value, value) if value else ""}


# --- loaders -------------------------------------------------------------------------------------


@bp.errorhandler(certificates.StatusListFull)
def status_list_full(exc: certificates.StatusListFull) -> tuple[str, int]:
    """No free entry in the revocation list (about 120,000 certificates): nothing is issued."""
    current_app.logger.error(
        "Certificate not issued: the revocation status list has no free entry left (%s). "
        "A second status list is needed before more certificates can be issued.",
        exc,
    )
    return render_template("certificates/unavailable.html"), 503


def certificate_or_404(code: str) -> Certificate:
    """The certificate the current user may see in full (holder, admin, cohort instructor), else 404."""
    certificate = certificates.by_code(db.session, code)
    if certificate is None or not certificates.can_view(db.session, current_user, certificate):
        abort(404)
    return certificate


def certified_cohort_or_404(cohort_id: int) -> Cohort:
    """The cohort whose certificates the user may see: its instructors and administrators.

    Unlike the cohort pages (webapp/cohorts/access.py), its own learners get 404 here,
    not 403: a learner's certificates are on their own page, and another instructor gets
    403. The authorisation matrix (tests/webapp/test_authorization.py) holds both rules.
    """
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    if not (
        current_user.is_admin or certificates.is_cohort_instructor(db.session, current_user.id, cohort.id)
    ):
        abort(403 if current_user.is_instructor else 404)
    return cohort


def _attachment(data: bytes, mimetype: str, filename: str) -> Response:
    return Response(
        data,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "private, no-store",
        },
    )


def throttled(key: str) -> bool:
    """Count a public look-up from this address; True when over the limit."""
    set_write_intent(True)  # this request writes the counter: BEGIN IMMEDIATE on SQLite
    return not throttle.hit(
        db.session,
        f"{key}:{request.remote_addr or ''}",
        verification.VERIFY_LIMIT,
        verification.VERIFY_WINDOW,
    )


# --- the learner ---------------------------------------------------------------------------------


@bp.get("/certificates")
@login_required
def mine() -> str:
    cat = catalogue()
    owned = certificates.of_user(db.session, current_user.id)
    held = {c.path_id for c in owned if c.status != CertificateStatus.SUPERSEDED}
    ready = []
    for path in cat.paths:
        if path.id in held:
            continue
        found = eligibility.assess(db.session, cat, current_user.id, path)
        if found.progress.completed:
            ready.append(found)
    return render_template(
        "certificates/mine.html",
        certificates=owned,
        ready=ready,
        claim_form=ClaimForm(),
        reissue_form=ReissueForm(),
        needs_reissue=lambda c: certificates.needs_reissue(c, current_user),
        cohorts=certificates.cohorts_run_by(db.session, current_user) if current_user.is_instructor else [],
    )


@bp.get("/certificates/paths/<path_id>")
@login_required
def path(path_id: str) -> str | Response:
    learning_path = catalogue().path(path_id)
    if learning_path is None:
        abort(404)
    existing = certificates.current_certificate(db.session, current_user.id, path_id)
    if existing is not None:
        return redirect(url_for("certificates.detail", code=existing.code))
    found = eligibility.assess(db.session, catalogue(), current_user.id, learning_path)
    return render_template("certificates/path.html", found=found, form=ClaimForm())


@bp.post("/certificates/paths/<path_id>")
@login_required
def claim(path_id: str) -> str | Response:
    learning_path = catalogue().path(path_id)
    if learning_path is None:
        abort(404)
    if not ClaimForm().validate_on_submit():
        abort(400)
    try:
        result = certificates.issue(db.session, catalogue(), current_user, learning_path)
    except certificates.PreviouslyRevoked:
        flash(
            _("Your certificate for this path was revoked. Contact the academy if you think this is wrong."),
            "error",
        )
        return redirect(url_for("certificates.mine"))
    except certificates.NotEligible as refused:
        flash(_("You cannot have this certificate yet."), "error")
        return render_template("certificates/path.html", found=refused.eligibility, form=ClaimForm()), 409
    if result.is_new:
        flash(_("Your certificate is ready."), "success")
    return redirect(url_for("certificates.detail", code=result.certificate.code))


@bp.get("/certificates/<code>")
@login_required
def detail(code: str) -> str:
    certificate = certificate_or_404(code)
    holder = db.session.get(User, certificate.user_id) if certificate.user_id else None
    replacement = (
        db.session.get(Certificate, certificate.superseded_by_id) if certificate.superseded_by_id else None
    )
    modules = sorted(certificate.modules.items(), key=lambda item: item[1].get("position", 0))
    return render_template(
        "certificates/detail.html",
        certificate=certificate,
        modules=modules,
        replacement=replacement,
        verify_url=documents.verify_url(certificate.code, documents.base_url()),
        is_holder=certificate.user_id == current_user.id,
        can_reissue=certificates.needs_reissue(certificate, holder)
        and (certificate.user_id == current_user.id or current_user.is_admin),
        holder_name=holder.full_name if holder else None,
        can_revoke=certificate.status == CertificateStatus.VALID
        and certificates.can_revoke(db.session, current_user, certificate),
        reissue_form=ReissueForm(),
        revoke_form=RevokeForm(),
    )


DOWNLOADS = {
    "pdf": ("application/pdf", documents.pdf_bytes),
    "json": ("application/json", documents.credential_bytes),
}


@bp.get("/certificates/<code>/certificate.pdf", defaults={"kind": "pdf"}, endpoint="pdf")
@bp.get("/certificates/<code>/credential.json", defaults={"kind": "json"}, endpoint="credential")
@login_required
def download(code: str, kind: str) -> Response:
    """The PDF or the signed credential of a valid certificate (holder, admin, cohort instructor)."""
    certificate = certificate_or_404(code)
    if certificate.status != CertificateStatus.VALID:
        abort(404)
    mimetype, make = DOWNLOADS[kind]
    data = make(certificate, documents.base_url())
    return _attachment(data, mimetype, f"{certificate_export.file_stem(certificate)}.{kind}")


@bp.post("/certificates/<code>/reissue")
@login_required
def reissue(code: str) -> Response:
    certificate = certificate_or_404(code)
    if not (certificate.user_id == current_user.id or current_user.is_admin):
        abort(403)
    if not ReissueForm().validate_on_submit():
        abort(400)
    holder = db.session.get(User, certificate.user_id) if certificate.user_id else None
    try:
        replacement = certificates.reissue(db.session, certificate, holder, current_user)  # type: ignore[arg-type]
    except certificates.NothingToReissue:
        flash(_("This certificate already carries the name on the account."), "error")
        return redirect(url_for("certificates.detail", code=certificate.code))
    flash(_("A corrected certificate is issued. The old code now shows as replaced."), "success")
    return redirect(url_for("certificates.detail", code=replacement.code))


@bp.post("/certificates/<code>/revoke")
@login_required
def revoke(code: str) -> str | Response:
    certificate = certificate_or_404(code)
    if not certificates.can_revoke(db.session, current_user, certificate):
        abort(403)
    form = RevokeForm()
    if not form.validate_on_submit():
        flash(_("The certificate was not revoked: choose a reason and write a note."), "error")
        return redirect(url_for("certificates.detail", code=certificate.code))
    try:
        certificates.revoke(
            db.session,
            certificate,
            current_user,
            certificates.RevocationReason(form.reason.data),
            form.note.data,
        )
    except certificates.CannotRevoke:
        flash(_("Only a valid certificate can be revoked."), "error")
        return redirect(url_for("certificates.detail", code=certificate.code))
    flash(_("The certificate is revoked. The verification page now says so."), "success")
    return redirect(url_for("certificates.detail", code=certificate.code))


# --- instructors and admins ------------------------------------------------------------------------


@bp.get("/certificates/cohorts/<int:cohort_id>")
@login_required
def cohort(cohort_id: int) -> str:
    group = certified_cohort_or_404(cohort_id)
    return render_template(
        "certificates/cohort.html",
        cohort=group,
        certificates=certificates.of_cohort(db.session, group.id),
        revoke_form=RevokeForm(),
    )


@bp.get("/certificates/cohorts/<int:cohort_id>/export.zip")
@login_required
def export(cohort_id: int) -> Response:
    group = certified_cohort_or_404(cohort_id)
    stream = stream_with_context(cohort_zip_stream(group, documents.base_url()))
    return Response(
        stream,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="cohort-{group.id}-certificates.zip"',
            "Cache-Control": "private, no-store",
        },
    )


def cohort_zip_stream(group: Cohort, base: str) -> Iterator[bytes]:
    """The cohort's ZIP; its database reads happen now, before the response starts."""

    def render_pdf(certificate: Certificate) -> bytes:
        still_working()  # a large cohort takes longer than the worker timeout (webapp/heartbeat.py)
        return documents.pdf_bytes(certificate, base)

    return certificate_export.export_zip_stream(
        certificate_export.export_entries(db.session, certificates.of_cohort(db.session, group.id)),
        verify_url=lambda code: documents.verify_url(code, base),
        render_pdf=render_pdf,
        credential_json=lambda c: documents.credential_bytes(c, base),
    )


@bp.get("/certificates/all")
@admin_required
def all_certificates() -> str:
    found = search_page(lambda q, limit, offset: certificates.search(db.session, q, limit, offset))
    return render_template(
        "certificates/all.html",
        certificates=found.items,
        total=found.total,
        query=found.query,
        page=found.page,
        pages=found.pages,
    )


from webapp.certificates import commands, views_public  # noqa: E402,F401  (their routes and commands join bp)

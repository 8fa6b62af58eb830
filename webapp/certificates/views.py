"""Certificates: the learner's certificates, PDF download, public verification, revocation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import click
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from course.credentials import certificates, eligibility, signing, verification
from course.credentials import export as certificate_export
from course.credentials import keys as credential_keys
from course.models import Certificate, CertificateStatus, Cohort, User, utcnow
from course.platform import throttle
from course.platform.db import set_write_intent
from webapp import catalogue
from webapp.access import admin_required, search_page
from webapp.certificates import documents
from webapp.certificates.forms import (
    REASON_LABELS,
    ClaimForm,
    CodeForm,
    CredentialForm,
    ReissueForm,
    RevokeForm,
)
from webapp.extensions import csrf, db
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


def managed_cohort_or_404(cohort_id: int) -> Cohort:
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


def _throttled(key: str) -> bool:
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
    group = managed_cohort_or_404(cohort_id)
    return render_template(
        "certificates/cohort.html",
        cohort=group,
        certificates=certificates.of_cohort(db.session, group.id),
        revoke_form=RevokeForm(),
    )


@bp.get("/certificates/cohorts/<int:cohort_id>/export.zip")
@login_required
def export(cohort_id: int) -> Response:
    group = managed_cohort_or_404(cohort_id)
    stream = stream_with_context(_export_zip_stream(group, documents.base_url()))
    return Response(
        stream,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="cohort-{group.id}-certificates.zip"',
            "Cache-Control": "private, no-store",
        },
    )


def _export_zip_stream(group: Cohort, base: str) -> Iterator[bytes]:
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


# --- public verification ----------------------------------------------------------------------------


@bp.get("/verify")
def verify_form() -> str | Response:
    form = CodeForm(request.args)
    if request.args and form.validate():
        code = certificates.normalise_code(form.code.data) or form.code.data.strip()
        return redirect(url_for("certificates.verify", code=code))
    return render_template("certificates/verify.html", form=form, record=None, looked_up=False)


@bp.get("/verify/<code>")
def verify(code: str) -> tuple[str, int, dict[str, str]]:
    headers = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
    if _throttled("verify"):
        return render_template("errors/429.html"), 429, headers
    record = verification.public_record(db.session, code, documents.issuer_name())
    # An unknown code gets the same plain page (and status) whatever it looked like.
    return (
        render_template("certificates/verify.html", form=CodeForm(), record=record, looked_up=True),
        200,
        headers,
    )


@bp.route("/verify/credential", methods=["GET", "POST"])
def verify_credential() -> tuple[str, int]:
    form = CredentialForm()
    result: verification.CredentialCheck | None = None
    status = 200
    if form.validate_on_submit():
        text = form.upload.data.read() if form.upload.data else (form.document.data or "").encode()
        if _throttled("verify-credential"):
            return render_template("errors/429.html"), 429
        result = _check_submitted(text)
    elif request.method == "POST":
        status = 400
    return render_template("certificates/check.html", form=form, result=result), status


def _check_submitted(raw: bytes | str) -> verification.CredentialCheck:
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return verification.CredentialCheck(signing.ProofCheck.MALFORMED)
    base = documents.base_url()
    return verification.check_credential(
        db.session,
        document,
        documents.published_keys(base),
        documents.issuer_name(),
        documents.retired_keys(base),
    )


@bp.post("/api/credentials/verify")
@csrf.exempt  # a stateless public check that needs no session: no cross-site request can abuse it
def verify_credential_api() -> tuple[Response, int]:
    if _throttled("verify-credential"):
        return jsonify({"error": "too many requests"}), 429
    result = _check_submitted(request.get_data(cache=False)[: 256 * 1024 + 1])
    record = result.record
    body: dict[str, Any] = {
        "verified": result.is_valid,
        "signature": result.proof.value,
        "status": record.status.value if record else "unknown",
    }
    if result.key_retired_at is not None:
        body["key_retired_at"] = result.key_retired_at.isoformat(timespec="seconds")
    if record is not None:
        body.update(
            name=record.learner_name,
            path=record.path_title,
            completed_on=record.completed_on.isoformat(),
            issuer=record.issuer,
        )
        if record.revoked_at:
            body.update(
                revoked_at=record.revoked_at.isoformat(timespec="seconds"), reason=record.revoked_reason
            )
    return jsonify(body), 200


@bp.get("/certificates/issuer.json")
def issuer() -> Response:
    base = documents.base_url()
    trusted = [key.public_key for key in documents.key_ring().trusted]
    profile = signing.issuer_profile(documents.issuer(base), trusted)
    response = jsonify(profile)
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/certificates/status/revocation.json")
def status_list() -> Response:
    base = documents.base_url()
    now = utcnow().replace(microsecond=0)
    document = signing.status_list_credential(
        documents.issuer(base),
        verification.revoked_status_indexes(db.session),
        now,
        verification.status_list_size(db.session),
    )
    response = jsonify(documents.sign(document, base, now))
    response.headers["Cache-Control"] = "public, max-age=300"
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


# --- command line ----------------------------------------------------------------------------------


@bp.cli.command("export")
@click.option("--cohort", "cohort_id", type=int, required=True, help="The cohort's id.")
@click.option(
    "--out", "out", type=click.Path(dir_okay=False, writable=True), required=True, help="The ZIP to write."
)
@click.option("--base-url", default=None, help="The app's public address (default: ACADEMY_PUBLIC_URL).")
def export_command(cohort_id: int, out: str, base_url: str | None) -> None:
    """Write a ZIP of a cohort's certificates (PDFs, signed credentials, manifest.csv)."""
    group = db.session.get(Cohort, cohort_id)
    if group is None:
        raise click.ClickException(f"there is no cohort {cohort_id}")
    try:
        base = documents.base_url(base_url)
    except documents.NoBaseURL as exc:
        raise click.ClickException(str(exc)) from None
    # Babel and url_for need a request: the certificates are drawn as for a visit to the public address.
    # The ZIP goes to the file piece by piece, as it is drawn: a large cohort never sits in memory.
    with current_app.test_request_context("/", base_url=base), open(out, "wb") as handle:
        for chunk in _export_zip_stream(group, base):
            handle.write(chunk)
    count = len(certificates.of_cohort(db.session, group.id))
    click.echo(f"Wrote {out}: {count} certificate(s) of cohort {group.id} ({group.title}).")


@bp.cli.command("list")
@click.option("--cohort", "cohort_id", type=int, default=None)
def list_command(cohort_id: int | None) -> None:
    """List certificates (code, status, name, path), all or one cohort's."""
    stmt = select(Certificate).order_by(Certificate.id)
    if cohort_id is not None:
        stmt = stmt.where(Certificate.cohort_id == cohort_id)
    for c in db.session.scalars(stmt):
        click.echo(f"{c.code}  {c.status:<10}  {c.learner_name}  ·  {c.path_title}")


@bp.cli.command("keys")
def keys_command() -> None:
    """List the signing keys: the current one, earlier ones still trusted, retired ones."""
    folder = documents.key_folder()
    if not (folder / credential_keys.KEY_FILE).exists():
        click.echo(f"No signing key yet in {folder}: the first credential signed creates one.")
        return
    try:
        ring = credential_keys.load(folder)
    except credential_keys.KeyRingError as exc:
        raise click.ClickException(str(exc)) from None
    for key in ring.trusted:
        if key.replaced_at is None:
            click.echo(f"{key.id}  current  (signs new credentials)")
        else:
            click.echo(f"{key.id}  trusted  (replaced {key.replaced_at:%Y-%m-%d %H:%M} UTC)")
    for gone in ring.retired:
        click.echo(f"{gone.id}  retired  ({gone.retired_at:%Y-%m-%d %H:%M} UTC: its credentials are refused)")


@bp.cli.command("rotate-key")
def rotate_key_command() -> None:
    """Make a new signing key; the old one's public part stays trusted, so its credentials still verify."""
    try:
        old_id, ring = credential_keys.rotate(documents.key_folder(), utcnow())
    except credential_keys.KeyRingError as exc:
        raise click.ClickException(str(exc)) from None
    if old_id is None:
        click.echo(f"There was no signing key yet: created {ring.current_id}.")
        return
    click.echo(f"New signing key: {ring.current_id}")
    click.echo(
        f"The old key {old_id} still verifies the credentials it signed (its private part is deleted)."
    )
    click.echo(f"If it may have leaked: flask --app webapp certificates retire-key {old_id}")


@bp.cli.command("retire-key")
@click.argument("key_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def retire_key_command(key_id: str, yes: bool) -> None:
    """Stop trusting an earlier signing key (e.g. leaked): credentials it signed are refused from now on."""
    folder = documents.key_folder()
    wanted = credential_keys.normalise_key_id(key_id)
    if not yes:
        click.confirm(
            f"Credentials signed with {wanted} will no longer verify; holders must download them again. "
            "Retire it?",
            abort=True,
        )
    try:
        gone, is_new = credential_keys.retire(folder, wanted, utcnow())
    except credential_keys.CannotRetireCurrent:
        raise click.ClickException(
            f"{wanted} is the current signing key: run 'certificates rotate-key' first, then retire it"
        ) from None
    except credential_keys.UnknownKey:
        raise click.ClickException(f"no trusted key {wanted} (see 'certificates keys')") from None
    except credential_keys.KeyRingError as exc:
        raise click.ClickException(str(exc)) from None
    when = f"{gone.retired_at:%Y-%m-%d %H:%M} UTC"
    click.echo(f"Retired {gone.id} ({when})." if is_new else f"{gone.id} was retired already ({when}).")

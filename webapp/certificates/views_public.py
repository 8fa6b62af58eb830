"""Public verification: by code, of a signed credential (page and API), issuer profile, revocation list."""

from __future__ import annotations

import json
from typing import Any

from flask import (
    Response,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from course.credentials import certificates, signing, verification
from course.models import utcnow
from webapp.certificates import documents
from webapp.certificates.forms import (
    CodeForm,
    CredentialForm,
)
from webapp.certificates.views import bp, throttled
from webapp.extensions import csrf, db

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
    if throttled("verify"):
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
        if throttled("verify-credential"):
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
    if throttled("verify-credential"):
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

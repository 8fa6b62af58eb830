"""Certificates through the test client: earning, downloading, verifying, revoking, re-issuing, exporting."""

from __future__ import annotations

import base64
import csv
import gzip
import io
import json
import os
import stat
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader
from sqlalchemy import select

from course.credentials import certificates, signing, verification
from course.models import AuditEvent, Certificate, Cohort, CohortInstructor, Enrolment, Role, User
from tests.conftest import csrf_token, login
from tests.course.credentials.test_certificates import PATH, complete_path, make_cohort

BASE = "http://localhost"


@pytest.fixture(autouse=True)
def key_dir(app: Any, tmp_path: Path) -> Path:
    """Each test signs with its own key, kept out of the real instance folder."""
    folder = tmp_path / "keys"
    app.config["CERTIFICATE_KEY_DIR"] = str(folder)
    return folder


def issue(app: Any, session: Any, user: Any) -> Certificate:
    cat = app.extensions["catalogue"]
    return certificates.issue(session, cat, session.get(User, user.id), cat.path(PATH)).certificate


def earn(app: Any, session: Any, user: Any, **kwargs: Any) -> None:
    learner = session.get(User, user.id)
    complete_path(session, app.extensions["catalogue"], learner, **kwargs)
    session.commit()


def claim(client: Any, path_id: str = PATH) -> Any:
    token = csrf_token(client, "/certificates")
    return client.post(f"/certificates/paths/{path_id}", data={"csrf_token": token})


def claimed_code(client: Any) -> str:
    response = claim(client)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[1]


def pdf_text(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).pages[0].extract_text()


def logout(client: Any) -> None:
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def revoke(client: Any, code: str, reason: str = "academic_misconduct", note: str = "copied answers") -> Any:
    token = csrf_token(client, f"/certificates/{code}")
    return client.post(
        f"/certificates/{code}/revoke", data={"csrf_token": token, "reason": reason, "note": note}
    )


def test_learner_earns_downloads_and_anyone_verifies(
    client: Any, app: Any, session: Any, logged_in: Any, key_dir: Path
) -> None:
    user = logged_in(full_name="محمد عبد الله")
    assert "Get your certificate" not in client.get(f"/paths/{PATH}").get_data(as_text=True)
    assert "My certificates" in client.get("/dashboard").get_data(as_text=True)
    earn(app, session, user, score=88.0)

    # the path page and "My certificates" offer the certificate once the path is complete
    assert "Get your certificate" in client.get(f"/paths/{PATH}").get_data(as_text=True)
    assert "Get your certificate" in client.get("/certificates").get_data(as_text=True)
    page = client.get(f"/certificates/paths/{PATH}").get_data(as_text=True)
    assert "محمد عبد الله" in page  # the learner sees the name that will be printed

    code = claimed_code(client)
    detail = client.get(f"/certificates/{code}").get_data(as_text=True)
    assert "Your certificate is ready." in detail and code in detail and "88.0%" in detail
    assert claimed_code(client) == code  # issued once

    response = client.get(f"/certificates/{code}/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "محمد عبد الله" in text and "Investigators and first responders" in text
    assert f"{BASE}/verify/{code}" in text
    images = PdfReader(io.BytesIO(response.data)).pages[0].images
    assert [r.text for image in images for r in zxingcpp.read_barcodes(image.image)] == [
        f"{BASE}/verify/{code}"
    ]

    credential = client.get(f"/certificates/{code}/credential.json")
    assert credential.status_code == 200
    document = json.loads(credential.data)
    assert document["credentialSubject"]["identifier"][0]["identityHash"] == "محمد عبد الله"
    # the signing key was made on first use, private, in the key folder
    key_file = key_dir / signing.KEY_FILE
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600

    # anyone, logged out: the page shows name, path, date and issuer, nothing more
    logout(client)
    public = client.get(f"/verify/{code.lower()}")
    html = public.get_data(as_text=True)
    assert public.status_code == 200 and public.headers["Cache-Control"] == "no-store"
    assert "Valid certificate" in html and "محمد عبد الله" in html
    assert "Investigators and first responders" in html and "Convention Academy" in html
    assert "Mar 12, 2025" in html
    assert "88.0" not in html and "@example.org" not in html and "Ministry" not in html

    api = client.post("/api/credentials/verify", data=credential.data, content_type="application/json")
    assert api.status_code == 200
    assert api.get_json() == {
        "verified": True,
        "signature": "valid",
        "status": "valid",
        "name": "محمد عبد الله",
        "path": "Investigators and first responders",
        "completed_on": "2025-03-12",
        "issuer": "Convention Academy",
    }


def test_code_typed_on_the_verify_form_leads_to_its_page(
    client: Any, app: Any, session: Any, logged_in: Any
) -> None:
    user = logged_in()
    earn(app, session, user)
    code = claimed_code(client)
    response = client.get("/verify", query_string={"code": f" {code.lower().replace('-', ' ')} "})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/verify/{code}")


@pytest.mark.parametrize("code", ["0000-0000-0000-0000-0000", "not-a-code", "<script>alert(1)<script>"])
def test_unknown_codes_reveal_nothing(client: Any, code: str) -> None:
    response = client.get(f"/verify/{code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "No certificate found" in html
    assert "<script>alert" not in html


def test_verification_is_rate_limited_per_address(client: Any) -> None:
    for _ in range(verification.VERIFY_LIMIT):
        assert client.get("/verify/0000-0000-0000-0000-0000").status_code == 200
    assert client.get("/verify/0000-0000-0000-0000-0000").status_code == 429
    other = client.get("/verify/0000-0000-0000-0000-0000", environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 200


def test_cohort_instructor_revokes_and_page_and_endpoint_say_revoked(
    client: Any, app: Any, session: Any, make_user: Any
) -> None:
    learner = make_user(full_name="王小明")
    instructor = make_user(Role.INSTRUCTOR, full_name="Amina Diallo")
    other = make_user(Role.INSTRUCTOR, full_name="Other Trainer")
    cohort = make_cohort(session, session.get(User, learner.id), session.get(User, instructor.id), None)
    cohort_id = cohort.id
    session.commit()
    earn(app, session, learner)
    login(client, learner.email)
    code = claimed_code(client)
    document = client.get(f"/certificates/{code}/credential.json").data
    assert "Trainer-led cohort" in pdf_text(client.get(f"/certificates/{code}/certificate.pdf").data)
    assert revoke(client, code).status_code == 403  # the learner cannot revoke
    logout(client)

    login(client, other.email)  # an instructor of another cohort does not even see it
    assert client.get(f"/certificates/{code}").status_code == 404
    assert client.get(f"/certificates/cohorts/{cohort_id}").status_code == 403
    logout(client)

    login(client, instructor.email)
    assert code in client.get(f"/certificates/cohorts/{cohort_id}").get_data(as_text=True)
    refused = revoke(client, code, note="")
    assert refused.status_code == 302
    assert "choose a reason and write a note" in client.get(refused.headers["Location"]).get_data(
        as_text=True
    )
    assert revoke(client, code).status_code == 302
    session.rollback()
    cert = session.scalars(select(Certificate).where(Certificate.code == code)).one()
    assert cert.status == "revoked" and cert.revoked_by_id == instructor.id
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "certificate_revoked")).one()
    assert event.actor_id == instructor.id and "copied answers" in event.detail
    logout(client)

    html = client.get(f"/verify/{code}").get_data(as_text=True)
    assert "Revoked certificate" in html and "Academic misconduct" in html
    assert "copied answers" not in html  # the note stays internal
    body = client.post("/api/credentials/verify", data=document, content_type="application/json").get_json()
    assert body["verified"] is False and body["signature"] == "valid" and body["status"] == "revoked"
    assert body["reason"] == "academic_misconduct" and body["revoked_at"]

    status = client.get("/certificates/status/revocation.json").get_json()
    index = int(json.loads(document)["credentialStatus"]["statusListIndex"])
    assert signing.is_set(status["credentialSubject"]["encodedList"], index)
    keys = {m["id"]: signing.key_from_multikey(m["publicKeyMultibase"]) for m in _issuer(client)}
    assert signing.check_proof(status, keys) == signing.ProofCheck.VALID

    form_page = client.get("/verify/credential")
    token = csrf_token(client, "/verify/credential")
    assert form_page.status_code == 200
    checked = client.post("/verify/credential", data={"csrf_token": token, "document": document.decode()})
    assert "the certificate was revoked" in checked.get_data(as_text=True)


def _issuer(client: Any) -> list[dict[str, Any]]:
    profile = client.get("/certificates/issuer.json").get_json()
    return [m for m in profile["verificationMethod"] if m["type"] == "Multikey"]


def test_the_public_revocation_list_has_only_the_revoked_certificates_bit_set(
    client: Any, app: Any, session: Any, make_user: Any
) -> None:
    learners = [make_user(full_name=f"Learner {n}") for n in range(3)]
    for learner in learners:
        earn(app, session, learner)
    issued = [issue(app, session, learner) for learner in learners]
    session.commit()
    entries = []
    for learner, cert in zip(learners, issued, strict=True):
        login(client, learner.email)
        document = json.loads(client.get(f"/certificates/{cert.code}/credential.json").data)
        entries.append(document["credentialStatus"])
        logout(client)
    assert [e["statusListIndex"] for e in entries] == [str(c.status_index) for c in issued]
    assert all(e["id"].endswith(f"#{c.status_index}") for e, c in zip(entries, issued, strict=True))

    login(client, make_user(Role.ADMIN).email)
    assert revoke(client, issued[1].code).status_code == 302
    logout(client)
    status_list = client.get("/certificates/status/revocation.json").get_json()
    encoded = status_list["credentialSubject"]["encodedList"]
    assert [signing.is_set(encoded, int(e["statusListIndex"])) for e in entries] == [False, True, False]
    raw = encoded[1:]
    bits = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    assert len(bits) == signing.STATUS_LIST_SIZE // 8  # fixed: its length says nothing
    assert sum(bin(byte).count("1") for byte in bits) == 1


def test_tampered_credential_fails_through_the_endpoint_and_the_form(
    client: Any, app: Any, session: Any, logged_in: Any
) -> None:
    user = logged_in(full_name="Алексей Смирнов")
    earn(app, session, user)
    code = claimed_code(client)
    document = json.loads(client.get(f"/certificates/{code}/credential.json").data)
    profile_keys = {m["id"]: signing.key_from_multikey(m["publicKeyMultibase"]) for m in _issuer(client)}
    assert signing.check_proof(document, profile_keys) == signing.ProofCheck.VALID  # the published key works
    document["credentialSubject"]["identifier"][0]["identityHash"] = "Иван Иванов"
    body = client.post("/api/credentials/verify", json=document).get_json()
    assert body == {"verified": False, "signature": "invalid", "status": "unknown"}
    token = csrf_token(client, "/verify/credential")
    upload = (io.BytesIO(json.dumps(document).encode()), "credential.json")
    page = client.post("/verify/credential", data={"csrf_token": token, "upload": upload})
    assert "the signature does not match" in page.get_data(as_text=True)
    junk = client.post("/api/credentials/verify", data=b"{not json", content_type="application/json")
    assert junk.get_json()["signature"] == "malformed"


def test_name_correction_reissues_and_the_old_code_shows_replaced(
    client: Any, app: Any, session: Any, logged_in: Any
) -> None:
    user = logged_in(full_name="Nguyen Thi Minh Khai")
    earn(app, session, user)
    old = claimed_code(client)
    token = csrf_token(client, "/account")
    client.post(
        "/account",
        data={
            "csrf_token": token,
            "full_name": "Nguyễn Thị Minh Khai",
            "organisation": "Ministry of Justice",
            "country": "Viet Nam",
            "locale": "",
        },
    )
    mine = client.get("/certificates").get_data(as_text=True)
    assert "Re-issue with my current name" in mine
    token = csrf_token(client, f"/certificates/{old}")
    response = client.post(f"/certificates/{old}/reissue", data={"csrf_token": token})
    assert response.status_code == 302
    new = response.headers["Location"].rsplit("/", 1)[1]
    assert new != old
    assert "Nguyễn Thị Minh Khai" in pdf_text(client.get(f"/certificates/{new}/certificate.pdf").data)
    assert client.get(f"/certificates/{old}/certificate.pdf").status_code == 404
    again = client.post(f"/certificates/{new}/reissue", data={"csrf_token": token})
    assert "already carries the name" in client.get(again.headers["Location"]).get_data(as_text=True)
    logout(client)
    html = client.get(f"/verify/{old}").get_data(as_text=True)
    assert "Replaced certificate" in html and "Nguyen Thi Minh Khai" in html
    assert "Valid certificate" in client.get(f"/verify/{new}").get_data(as_text=True)


def test_claiming_too_early_or_without_csrf_changes_nothing(
    client: Any, app: Any, session: Any, logged_in: Any
) -> None:
    user = logged_in()
    earn(app, session, user, leave_out="international-cooperation")
    page = client.get(f"/certificates/paths/{PATH}").get_data(as_text=True)
    assert "Get your certificate" not in page and "4 of 5 modules completed" in page
    response = claim(client)
    assert response.status_code == 409 and "cannot have this certificate yet" in response.get_data(
        as_text=True
    )
    assert client.post(f"/certificates/paths/{PATH}").status_code == 400
    assert client.get("/certificates/paths/no-such-path").status_code == 404
    session.rollback()
    assert session.scalar(select(Certificate.id)) is None


def test_a_full_revocation_list_refuses_clearly_and_stores_nothing(
    client: Any, app: Any, session: Any, logged_in: Any, monkeypatch: Any
) -> None:
    """When no free status index can be drawn, the learner is told plainly; no certificate, no 500."""
    user = logged_in()
    earn(app, session, user)
    monkeypatch.setattr(certificates, "STATUS_INDEX_DRAWS", 0)  # as if every draw had hit a used entry
    response = claim(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and "Certificates cannot be issued just now" in page
    assert "Traceback" not in page
    session.rollback()
    assert session.scalar(select(Certificate.id)) is None


def test_attendance_rule_is_explained_to_the_learner(
    client: Any, app: Any, session: Any, logged_in: Any
) -> None:
    user = logged_in()
    make_cohort(session, session.get(User, user.id), None, 75, ("present", "absent"))
    session.commit()
    earn(app, session, user)
    page = client.get(f"/certificates/paths/{PATH}").get_data(as_text=True)
    assert "you attended 1 of 2 meetings (50%); at least 75% is needed" in page
    assert claim(client).status_code == 409


def test_export_from_the_instructor_page_and_the_command_line(
    client: Any, app: Any, session: Any, make_user: Any, runner: Any, tmp_path: Path
) -> None:
    instructor = make_user(Role.INSTRUCTOR, full_name="Amina Diallo")
    names = ("Nguyễn Thị Minh Khai", "Алексей Смирнов", "محمد عبد الله", "王小明", "=1+2")
    learners = [make_user(full_name=name) for name in names]
    cohort = Cohort(title="Workshop", path_id=PATH)
    session.add(cohort)
    session.flush()
    session.add(CohortInstructor(cohort_id=cohort.id, user_id=instructor.id))
    for learner in learners:
        session.add(Enrolment(cohort_id=cohort.id, user_id=learner.id))
        earn(app, session, learner)
        issue(app, session, learner)
    session.commit()
    cohort_id = cohort.id

    login(client, instructor.email)
    with client.get(f"/certificates/cohorts/{cohort_id}/export.zip") as response:
        assert response.is_streamed  # a large cohort downloads piece by piece, never hitting a timeout
        assert response.status_code == 200 and response.mimetype == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(response.data))
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    assert sorted(r["learner_name"] for r in rows) == sorted([*names[:4], "'=1+2"])
    for row in rows:
        assert row["learner_name"].lstrip("'") in pdf_text(archive.read(row["pdf_file"]))
        assert row["verification_url"] == f"{BASE}/verify/{row['code']}"
        assert json.loads(archive.read(row["credential_file"]))["id"] == row["verification_url"]
        # drawn in a batch, one after the other, each PDF is exactly the one downloaded on its own
        alone = client.get(f"/certificates/{row['code']}/certificate.pdf").data
        assert archive.read(row["pdf_file"]) == alone
    logout(client)
    login(client, make_user().email)  # a learner cannot export
    assert client.get(f"/certificates/cohorts/{cohort_id}/export.zip").status_code == 404

    out = tmp_path / "cohort.zip"
    result = runner.invoke(
        args=[
            "certificates",
            "export",
            "--cohort",
            str(cohort_id),
            "--out",
            str(out),
            "--base-url",
            "https://academy.example.org",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "5 certificate(s)" in result.output
    archive = zipfile.ZipFile(out)
    rows = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode("utf-8-sig"))))
    first = rows[0]
    assert first["verification_url"] == f"https://academy.example.org/verify/{first['code']}"
    assert first["verification_url"] in pdf_text(archive.read(first["pdf_file"]))
    missing = runner.invoke(args=["certificates", "export", "--cohort", "99999", "--out", str(out)])
    assert missing.exit_code != 0 and "no cohort 99999" in missing.output
    no_base = runner.invoke(args=["certificates", "export", "--cohort", str(cohort_id), "--out", str(out)])
    assert no_base.exit_code != 0 and "ACADEMY_PUBLIC_URL" in no_base.output


def test_admin_finds_and_revokes_any_certificate(client: Any, app: Any, session: Any, make_user: Any) -> None:
    learner = make_user(full_name="Алексей Смирнов")
    earn(app, session, learner)
    cert = issue(app, session, learner)
    code = cert.code
    session.commit()
    admin = make_user(Role.ADMIN)
    login(client, admin.email)
    listing = client.get("/certificates/all", query_string={"q": "Смирнов"}).get_data(as_text=True)
    assert code in listing
    assert code in client.get("/certificates/all", query_string={"q": code.lower()}).get_data(as_text=True)
    assert (
        revoke(client, code, reason="identity_not_confirmed", note="documents did not match").status_code
        == 302
    )
    logout(client)
    assert "Identity not confirmed" in client.get(f"/verify/{code}").get_data(as_text=True)
    login(client, learner.email)
    assert client.get("/certificates/all").status_code == 403
    assert "Revoked" in client.get("/certificates").get_data(as_text=True)
    assert client.get(f"/certificates/{code}/certificate.pdf").status_code == 404


def test_certificate_pages_need_login_and_hide_other_peoples_certificates(
    client: Any, app: Any, session: Any, make_user: Any
) -> None:
    for path in (
        "/certificates",
        f"/certificates/paths/{PATH}",
        "/certificates/XXXX",
        "/certificates/cohorts/1",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"], path
    owner = make_user()
    earn(app, session, owner)
    code = issue(app, session, owner).code
    session.commit()
    login(client, make_user().email)
    for path in (
        f"/certificates/{code}",
        f"/certificates/{code}/certificate.pdf",
        f"/certificates/{code}/credential.json",
    ):
        assert client.get(path).status_code == 404, path


def _verify(client: Any, document: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/credentials/verify", json=document)
    assert response.status_code == 200
    return response.get_json()


def _check_page(client: Any, document: dict[str, Any]) -> str:
    token = csrf_token(client, "/verify/credential")
    page = client.post("/verify/credential", data={"csrf_token": token, "document": json.dumps(document)})
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_rotate_then_retire_the_old_key_from_the_command_line(
    client: Any, app: Any, session: Any, make_user: Any, runner: Any, key_dir: Path
) -> None:
    learners = [make_user(full_name=name) for name in ("Алексей Смирнов", "Amina Diallo")]
    for learner in learners:
        earn(app, session, learner)
    session.commit()
    login(client, learners[0].email)
    old_code = claimed_code(client)
    old = json.loads(client.get(f"/certificates/{old_code}/credential.json").data)
    logout(client)
    first_key = old["proof"]["verificationMethod"].rsplit("#", 1)[1]
    assert [m["id"] for m in _issuer(client)] == [old["proof"]["verificationMethod"]]

    rotated = runner.invoke(args=["certificates", "rotate-key"])
    assert rotated.exit_code == 0, rotated.output
    assert f"retire-key {first_key}" in rotated.output
    login(client, learners[1].email)
    new_code = claimed_code(client)
    new = json.loads(client.get(f"/certificates/{new_code}/credential.json").data)
    logout(client)
    new_key = new["proof"]["verificationMethod"].rsplit("#", 1)[1]
    assert new_key != first_key and f"New signing key: {new_key}" in rotated.output
    # the profile lists every key still trusted, the current one first
    assert [m["id"].rsplit("#", 1)[1] for m in _issuer(client)] == [new_key, first_key]
    for document in (old, new):
        assert _verify(client, document)["verified"] is True
        page = _check_page(client, document)
        assert "Valid: the signature is ours" in page and "Completed on" in page
    assert oct(stat.S_IMODE(os.stat(key_dir / signing.KEY_FILE).st_mode)) == oct(0o600)

    listed = runner.invoke(args=["certificates", "keys"])
    assert f"{new_key}  current" in listed.output and f"{first_key}  trusted" in listed.output
    refused = runner.invoke(args=["certificates", "retire-key", new_key, "--yes"])
    assert refused.exit_code != 0 and "rotate-key' first" in refused.output
    unknown = runner.invoke(args=["certificates", "retire-key", "z6MkNoSuchKey", "--yes"])
    assert unknown.exit_code != 0 and "no trusted key z6MkNoSuchKey" in unknown.output
    not_confirmed = runner.invoke(args=["certificates", "retire-key", first_key], input="n\n")
    assert not_confirmed.exit_code != 0 and _verify(client, old)["verified"] is True

    retired = runner.invoke(args=["certificates", "retire-key", first_key], input="y\n")
    assert retired.exit_code == 0 and f"Retired {first_key}" in retired.output, retired.output
    assert f"{first_key}  retired" in runner.invoke(args=["certificates", "keys"]).output
    body = _verify(client, old)
    assert body["verified"] is False and body["signature"] == "retired_key" and body["status"] == "unknown"
    assert body["key_retired_at"].startswith(str(datetime.now(UTC).year))
    page = _check_page(client, old)
    assert "signed with a key this academy has withdrawn" in page
    assert "stopped trusting this signing key on" in page and "download a new copy" in page
    assert "Completed on" not in page  # the certificate is not even looked up
    assert _verify(client, new)["verified"] is True
    assert [m["id"].rsplit("#", 1)[1] for m in _issuer(client)] == [new_key]

    # the holder of the old certificate downloads it again: signed with the current key, it verifies
    login(client, learners[0].email)
    fresh = json.loads(client.get(f"/certificates/{old_code}/credential.json").data)
    assert fresh["proof"]["verificationMethod"].endswith(f"#{new_key}")
    assert _verify(client, fresh)["verified"] is True


def test_a_credential_naming_a_key_that_is_not_ours_is_refused(
    client: Any, app: Any, session: Any, logged_in: Any
) -> None:
    user = logged_in()
    earn(app, session, user)
    code = claimed_code(client)
    genuine = json.loads(client.get(f"/certificates/{code}/credential.json").data)
    ours = genuine["proof"]["verificationMethod"]
    issuer_id = ours.rsplit("#", 1)[0]
    forger = Ed25519PrivateKey.generate()
    forger_method = f"{issuer_id}#{signing.multikey(forger.public_key())}"
    unsigned = {k: v for k, v in genuine.items() if k != "proof"}
    created = datetime(2025, 3, 12, 10, tzinfo=UTC)

    cases = {
        "unknown_key": [
            signing.sign(unsigned, forger, forger_method, created),  # the forger's own key, named honestly
            {**genuine, "proof": {**genuine["proof"], "verificationMethod": forger_method}},
            {**genuine, "proof": {**genuine["proof"], "verificationMethod": f"{issuer_id}#z6MkForged"}},
            {
                **genuine,
                "proof": {**genuine["proof"], "verificationMethod": ours.replace("http://", "https://")},
            },
            {**genuine, "proof": {**genuine["proof"], "verificationMethod": {"id": ours}}},
            {**genuine, "proof": {**genuine["proof"], "verificationMethod": [ours]}},
        ],
        "invalid": [signing.sign(unsigned, forger, ours, created)],  # the forger's key, named as ours
    }
    for reason, documents in cases.items():
        for document in documents:
            assert _verify(client, document) == {"verified": False, "signature": reason, "status": "unknown"}
    assert "signed with a key this academy does not publish" in _check_page(client, cases["unknown_key"][0])
    assert "never used" in _check_page(client, cases["unknown_key"][4])
    assert _verify(client, genuine)["verified"] is True


def test_every_worker_follows_a_rotation_without_a_restart(
    app: Any, config: dict[str, Any], key_dir: Path, runner: Any
) -> None:
    from webapp import create_app

    other_worker = create_app({**config, "CERTIFICATE_KEY_DIR": str(key_dir)})
    profiles = []
    for _ in range(2):
        for worker in (app, other_worker):
            with worker.test_client() as client:
                profiles.append([m["id"] for m in _issuer(client)])
        assert runner.invoke(args=["certificates", "rotate-key"]).exit_code == 0
    assert profiles[0] == profiles[1] and profiles[2] == profiles[3]
    assert len(profiles[2]) == 2 and profiles[2][1:] == profiles[0]
    other_worker.extensions["db"][0].dispose()

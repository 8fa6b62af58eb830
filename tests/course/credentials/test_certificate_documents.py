"""The certificate's documents: the PDF (names in four scripts, QR code) and the signed credential."""

from __future__ import annotations

import base64
import copy
import gzip
import io
import os
import stat
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pypdf import PdfReader

from course.credentials import pdf, signing

URL = "https://academy.example.org/verify/7K3M-Q9TD-2XWB-HN4R-8CVP"
NAMES = ("Nguyễn Thị Minh Khai", "Алексей Смирнов", "محمد عبد الله", "王小明")
MODULES = (
    ("The Convention at a glance", 100.0),
    ("Offences and liability", 90.0),
    ("Electronic evidence", 85.5),
    ("Human rights safeguards", 95.0),
    ("International cooperation", 80.0),
)


def certificate_data(name: str, **changes: Any) -> pdf.CertificateData:
    fields: dict[str, Any] = {
        "code": "7K3M-Q9TD-2XWB-HN4R-8CVP",
        "learner_name": name,
        "path_title": "Investigators and first responders",
        "modules": MODULES,
        "completed_on": date(2025, 3, 12),
        "issued_at": datetime(2025, 3, 12, 10, tzinfo=UTC),
        "content_version": "3fa9c2d1e0b4a7c6",
        "issuer": "Convention Academy",
        "verify_url": URL,
        "cohort_title": "Nairobi workshop",
        "instructor_name": "Amina Diallo",
    }
    fields.update(changes)
    return pdf.CertificateData(**fields)


def qr_texts(document: bytes) -> list[str]:
    """Every QR code found in the page's images, decoded as a phone would."""
    page = PdfReader(io.BytesIO(document)).pages[0]
    return [code.text for image in page.images for code in zxingcpp.read_barcodes(image.image)]


@pytest.mark.parametrize("name", NAMES)
def test_pdf_text_has_the_name_in_its_script_the_path_and_the_verification_url(name: str) -> None:
    document = pdf.render(certificate_data(name))
    reader = PdfReader(io.BytesIO(document))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape, in points
    text = reader.pages[0].extract_text()
    assert name in text
    assert "Investigators and first responders" in text
    assert URL in text
    assert "Certificate of completion" in text
    assert "Human rights safeguards — best quiz score 95.0%" in text
    assert "Nairobi workshop" in text and "Amina Diallo" in text
    assert "12 March 2025" in text and "7K3M-Q9TD-2XWB-HN4R-8CVP" in text
    assert not pdf.missing_characters(name)


def test_pdf_qr_code_decodes_to_the_verification_url() -> None:
    assert qr_texts(pdf.render(certificate_data("王小明"))) == [URL]


def test_pdf_embeds_only_the_fonts_a_certificate_needs() -> None:
    latin = pdf.render(certificate_data("Nguyễn Thị Minh Khai"))
    chinese = pdf.render(certificate_data("王小明"))
    assert b"NotoSansCJK" not in latin and b"NotoSansCJK" in chinese
    assert len(latin) < 120_000 and len(chinese) < 200_000  # subsets, not whole fonts


def test_arabic_name_is_set_in_the_arabic_font_right_to_left() -> None:
    assert pdf.font_for("محمد عبد الله") == "NotoNaskhArabic"
    assert pdf.font_for("王小明") == "NotoSansCJKsc"
    assert pdf.font_for("Алексей Смирнов") == pdf.SERIF
    assert pdf.font_for("Ana María Pérez") == pdf.SERIF
    document = pdf.render(certificate_data("محمد عبد الله"))
    assert b"NotoNaskhArabic" in document


def test_long_names_shrink_to_fit_and_other_scripts_have_fonts_too() -> None:
    long_name = "Maria Fernanda de los Ángeles Gutiérrez-Villanueva y Castro-Quiñones"
    assert long_name in PdfReader(io.BytesIO(pdf.render(certificate_data(long_name)))).pages[0].extract_text()
    for name in ("Ιωάννης Παπαδόπουλος", "דוד כהן", "राहुल शर्मा", "ნინო ბერიძე", "김민준", "さとう はなこ"):
        assert not pdf.missing_characters(name), name
    assert pdf.missing_characters("𓀀") == {"𓀀"}


# --- the signed credential ----------------------------------------------------------------------------

ISSUER = signing.Issuer(
    id="https://academy.example.org/certificates/issuer.json",
    name="Convention Academy",
    url="https://academy.example.org/",
    status_list_url="https://academy.example.org/certificates/status/revocation.json",
)


def credential_input(name: str = "محمد عبد الله") -> signing.CredentialInput:
    return signing.CredentialInput(
        status_index=7,
        code="7K3M-Q9TD-2XWB-HN4R-8CVP",
        verify_url=URL,
        learner_name=name,
        path_id="investigators",
        path_title="Investigators and first responders",
        path_url="https://academy.example.org/paths/investigators",
        modules=(("convention-at-a-glance", "The Convention at a glance", "abc123", 100.0),),
        content_version="3fa9c2d1e0b4a7c6",
        completed_on="2025-03-12",
        issued_at=datetime(2025, 3, 12, 10, tzinfo=UTC),
        cohort_title="Nairobi workshop",
        instructor_name="Amina Diallo",
    )


def signed(key: Ed25519PrivateKey) -> dict[str, Any]:
    document = signing.build_credential(credential_input(), ISSUER)
    return signing.sign(
        document, key, ISSUER.method_id(key.public_key()), datetime(2025, 3, 12, 10, tzinfo=UTC)
    )


def keys_of(key: Ed25519PrivateKey) -> dict[str, Any]:
    return {ISSUER.method_id(key.public_key()): key.public_key()}


def test_credential_follows_open_badges_3_and_verifies() -> None:
    key = Ed25519PrivateKey.generate()
    document = signed(key)
    assert document["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert document["@context"][0] == "https://www.w3.org/ns/credentials/v2"
    assert document["credentialSubject"]["achievement"]["achievementType"] == "Certificate"
    assert document["credentialSubject"]["identifier"][0]["identityHash"] == "محمد عبد الله"
    assert document["credentialSubject"]["result"][0]["value"] == "100.0"
    assert document["credentialStatus"]["statusListIndex"] == "7"
    assert document["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    assert document["proof"]["proofValue"].startswith("z")
    assert signing.check_proof(document, keys_of(key)) == signing.ProofCheck.VALID
    assert signing.certificate_code(document) == "7K3M-Q9TD-2XWB-HN4R-8CVP"
    assert signed(key) == document  # deterministic: the same certificate gives the same bytes


@pytest.mark.parametrize(
    "tamper",
    [
        lambda d: d["credentialSubject"]["identifier"][0].update(identityHash="Someone Else"),
        lambda d: d["credentialSubject"]["result"][0].update(value="40.0"),
        lambda d: d.update(validFrom="2020-01-01T00:00:00Z"),
        lambda d: d.update(id=d["id"].replace("7K3M", "8K3M")),
        lambda d: d["proof"].update(created="2030-01-01T00:00:00Z"),
        lambda d: d["proof"].update(proofValue=d["proof"]["proofValue"][:-2] + "11"),
    ],
)
def test_a_tampered_credential_fails(tamper: Any) -> None:
    key = Ed25519PrivateKey.generate()
    document = copy.deepcopy(signed(key))
    tamper(document)
    assert signing.check_proof(document, keys_of(key)) == signing.ProofCheck.INVALID


def test_foreign_keys_and_junk_are_refused() -> None:
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    assert signing.check_proof(signed(other), keys_of(key)) == signing.ProofCheck.UNKNOWN_KEY
    forged = signed(other)
    forged["proof"]["verificationMethod"] = ISSUER.method_id(key.public_key())
    assert signing.check_proof(forged, keys_of(key)) == signing.ProofCheck.INVALID
    for junk in (
        None,
        [],
        "text",
        {"proof": "x"},
        {**signed(key), "proof": {"type": "Ed25519Signature2020"}},
    ):
        assert signing.check_proof(junk, keys_of(key)) == signing.ProofCheck.MALFORMED


def test_canonical_json_follows_rfc_8785() -> None:
    assert signing.canonical_json({"b": 1, "a": [True, None, "é"], "c": {"y": 2.0, "x": 1e21}}) == (
        '{"a":[true,null,"é"],"b":1,"c":{"x":1e+21,"y":2}}'.encode()
    )
    assert signing.canonical_json({"\ufb33": 1, "\U0001f600": 2, "a": 3}) == (
        '{"a":3,"\U0001f600":2,"\ufb33":1}'.encode()  # by UTF-16 code units: D83D before FB33
    )


def test_multikey_and_jwk_publish_the_same_public_key() -> None:
    key = Ed25519PrivateKey.generate().public_key()
    value = signing.multikey(key)
    assert value.startswith("z6Mk")
    restored = signing.key_from_multikey(value)
    assert restored is not None and signing.multikey(restored) == value
    jwk = signing.jwk(key)
    assert jwk["kty"] == "OKP" and jwk["crv"] == "Ed25519" and len(jwk["x"]) == 43
    assert signing.base58btc_decode(signing.base58btc(b"\0\0abc")) == b"\0\0abc"


def test_signing_key_is_created_once_private_in_the_instance_folder(tmp_path: Path) -> None:
    first = signing.load_or_create_key(tmp_path)
    path = tmp_path / signing.KEY_FILE
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    second = signing.load_or_create_key(tmp_path)
    assert signing.multikey(first.public_key()) == signing.multikey(second.public_key())
    assert [p.name for p in tmp_path.iterdir()] == [signing.KEY_FILE]  # no temporary file left


def list_bytes(encoded: str) -> bytes:
    return gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))


def test_status_list_sets_the_revoked_bits_in_a_list_of_fixed_length() -> None:
    encoded = signing.encoded_status_list([3, 131_071])
    assert encoded.startswith("u")
    assert signing.is_set(encoded, 3) and signing.is_set(encoded, 131_071)
    assert not signing.is_set(encoded, 4) and not signing.is_set(encoded, 0)
    # nothing revoked or many: the list is as long, so its length tells nothing
    sizes = {len(list_bytes(signing.encoded_status_list(indexes))) for indexes in ([], [0], [3, 131_071])}
    assert sizes == {signing.STATUS_LIST_SIZE // 8}
    with pytest.raises(ValueError, match="outside"):
        signing.encoded_status_list([131_072])
    assert signing.is_set(signing.encoded_status_list([200_000], size=200_001), 200_000)
    document = signing.status_list_credential(ISSUER, [3], datetime(2025, 1, 1, tzinfo=UTC))
    assert document["credentialSubject"]["statusPurpose"] == "revocation"

"""The signing keys: a key folder from before rotation, rotating, retiring, and what verifies after."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from course.credentials import keys as credential_keys
from course.credentials import signing
from tests.course.credentials.test_certificate_documents import ISSUER, credential_input

ROTATED = datetime(2026, 5, 1, 8, tzinfo=UTC)
RETIRED = datetime(2026, 5, 2, 9, tzinfo=UTC)


def signed_with(ring: credential_keys.KeyRing) -> dict[str, Any]:
    """A credential signed with the ring's current key, as the app signs one."""
    return signing.sign(
        signing.build_credential(credential_input(), ISSUER),
        ring.signing_key,
        ISSUER.method_for(ring.current_id),
        datetime(2025, 3, 12, 10, tzinfo=UTC),
    )


def check(document: dict[str, Any], ring: credential_keys.KeyRing) -> signing.ProofCheck:
    keys = {ISSUER.method_for(k.id): k.public_key for k in ring.trusted}
    retired = {ISSUER.method_for(k.id) for k in ring.retired}
    return signing.check_proof(document, keys, retired)


def test_a_key_folder_from_before_rotation_works_as_it_is(tmp_path: Path) -> None:
    old_key = signing.load_or_create_key(tmp_path)  # what the app made before keys could rotate
    issued_before = signing.sign(
        signing.build_credential(credential_input(), ISSUER),
        old_key,
        ISSUER.method_id(old_key.public_key()),
        datetime(2025, 3, 12, 10, tzinfo=UTC),
    )
    ring = credential_keys.load(tmp_path)
    assert ring.current_id == signing.multikey(old_key.public_key())  # stable: derived from the key
    assert issued_before["proof"]["verificationMethod"] == ISSUER.method_for(ring.current_id)
    assert [k.id for k in ring.trusted] == [ring.current_id] and ring.retired == ()
    assert check(issued_before, ring) == signing.ProofCheck.VALID
    assert [p.name for p in tmp_path.iterdir()] == [signing.KEY_FILE]  # nothing written


def test_after_rotation_old_and_new_credentials_verify_and_the_old_private_key_is_gone(
    tmp_path: Path,
) -> None:
    first = credential_keys.load(tmp_path)
    old_credential = signed_with(first)
    old_pem = (tmp_path / credential_keys.KEY_FILE).read_bytes()

    old_id, ring = credential_keys.rotate(tmp_path, ROTATED)
    assert old_id == first.current_id and ring.current_id != old_id
    assert [(k.id, k.replaced_at) for k in ring.trusted] == [(ring.current_id, None), (old_id, ROTATED)]
    new_credential = signed_with(ring)
    assert new_credential["proof"]["verificationMethod"].endswith(f"#{ring.current_id}")
    assert check(old_credential, ring) == check(new_credential, ring) == signing.ProofCheck.VALID

    key_file = tmp_path / credential_keys.KEY_FILE
    assert key_file.read_bytes() != old_pem and stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    saved = (tmp_path / credential_keys.RING_FILE).read_text()
    assert "PRIVATE" not in saved and old_pem.decode() not in saved
    assert json.loads(saved)["previous"] == [{"id": old_id, "replaced_at": "2026-05-01T08:00:00Z"}]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [credential_keys.KEY_FILE, credential_keys.RING_FILE]
    )

    _, again = credential_keys.rotate(tmp_path, RETIRED)  # newest first, and every earlier key kept
    assert [k.id for k in again.trusted] == [again.current_id, ring.current_id, old_id]


def test_a_retired_key_is_refused_and_the_others_still_verify(tmp_path: Path) -> None:
    first = credential_keys.load(tmp_path)
    old_credential = signed_with(first)
    _, ring = credential_keys.rotate(tmp_path, ROTATED)
    new_credential = signed_with(ring)

    gone, is_new = credential_keys.retire(tmp_path, f"{ISSUER.method_for(first.current_id)}-jwk", RETIRED)
    assert (gone.id, gone.retired_at, is_new) == (first.current_id, RETIRED, True)
    ring = credential_keys.load(tmp_path)
    assert [k.id for k in ring.trusted] == [ring.current_id]
    assert check(old_credential, ring) == signing.ProofCheck.RETIRED_KEY
    assert check(new_credential, ring) == signing.ProofCheck.VALID
    assert credential_keys.retire(tmp_path, first.current_id, ROTATED) == (gone, False)  # kept as it was

    with pytest.raises(credential_keys.CannotRetireCurrent):
        credential_keys.retire(tmp_path, ring.current_id, RETIRED)
    stranger = signing.multikey(Ed25519PrivateKey.generate().public_key())
    with pytest.raises(credential_keys.UnknownKey):
        credential_keys.retire(tmp_path, stranger, RETIRED)


def test_a_retired_key_restored_from_a_backup_never_signs_again(tmp_path: Path) -> None:
    credential_keys.load(tmp_path)
    backup = (tmp_path / credential_keys.KEY_FILE).read_bytes()
    old_id, _ = credential_keys.rotate(tmp_path, ROTATED)
    credential_keys.retire(tmp_path, old_id, RETIRED)
    (tmp_path / credential_keys.KEY_FILE).write_bytes(backup)
    with pytest.raises(credential_keys.KeyRingError, match="was retired: run rotate-key"):
        credential_keys.load(tmp_path)
    _, ring = credential_keys.rotate(tmp_path, RETIRED)  # the way out, and the retired key stays retired
    assert old_id not in [k.id for k in ring.trusted] and [k.id for k in ring.retired] == [old_id]


def test_every_process_sees_a_rotation_by_the_files_stamp(tmp_path: Path) -> None:
    before = credential_keys.stamp(tmp_path)
    credential_keys.load(tmp_path)
    created = credential_keys.stamp(tmp_path)
    old_id, _ = credential_keys.rotate(tmp_path, ROTATED)
    rotated = credential_keys.stamp(tmp_path)
    credential_keys.retire(tmp_path, old_id, RETIRED)
    assert len({before, created, rotated, credential_keys.stamp(tmp_path)}) == 4


@pytest.mark.parametrize(
    "content",
    ["{not json", "[]", '{"previous": [{"id": "z6MkNotAKey", "replaced_at": "2026-05-01T08:00:00Z"}]}'],
)
def test_a_damaged_key_list_is_a_named_error(tmp_path: Path, content: str) -> None:
    credential_keys.load(tmp_path)
    (tmp_path / credential_keys.RING_FILE).write_text(content)
    with pytest.raises(credential_keys.KeyRingError, match="is damaged"):
        credential_keys.load(tmp_path)

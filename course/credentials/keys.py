"""The issuer's signing keys: the current one, earlier ones still trusted, and retired ones.

Two files in the key folder (the instance folder), never committed:

    credential_signing_key.pem   the current private key (PKCS#8, mode 600), created on first use
    credential_keys.json         earlier keys still trusted, and retired keys (public parts only)

A key's id is its public key written as a Multikey ("z6Mk…"). Every proof names
its key as the verification method `<issuer profile>#<key id>`, so the key of an
installation made before keys could rotate keeps the id its credentials already
name (no step by hand), and an id can never stand for another key than its own.

Rotating writes the outgoing key's public part to credential_keys.json, then
replaces the private key file with a new key in one rename. The old private key
is not kept: nothing needs it once nothing is signed with it, and a private key
that is not kept cannot leak. Credentials it signed still verify with its public
part. Retiring a key (after a suspected leak) moves it to the retired list: the
issuer profile stops publishing it and credentials it signed are refused, with
the date, because anyone holding a leaked key could sign anything with it.

Processes notice a rotation or a retirement by the files' `stamp`, so every
worker follows without a restart.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from course.credentials import signing

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

KEY_FILE = signing.KEY_FILE
RING_FILE = "credential_keys.json"


class KeyRingError(Exception):
    """The key files cannot be used as they are; the message says which file and why."""


class UnknownKey(KeyRingError):
    """No key with this id was ever trusted here."""


class CannotRetireCurrent(KeyRingError):
    """The current key signs new credentials: rotate first, then retire it."""


@dataclass(frozen=True)
class TrustedKey:
    """A key whose signatures verify: the current one (replaced_at None) or an earlier one."""

    id: str
    public_key: Ed25519PublicKey
    replaced_at: datetime | None = None


@dataclass(frozen=True)
class RetiredKey:
    """A key no longer trusted: credentials it signed are refused."""

    id: str
    retired_at: datetime


@dataclass(frozen=True)
class KeyRing:
    signing_key: Ed25519PrivateKey
    trusted: tuple[TrustedKey, ...]  # the current key first, then earlier ones, newest first
    retired: tuple[RetiredKey, ...]

    @property
    def current_id(self) -> str:
        return self.trusted[0].id


def key_id(key: Ed25519PublicKey) -> str:
    return signing.multikey(key)


def normalise_key_id(text: str) -> str:
    """A key id from what an operator may paste: the id, or a verification method URL (…#z6Mk…[-jwk])."""
    return text.strip().rsplit("#", 1)[-1].removesuffix("-jwk")


def stamp(folder: str | Path) -> tuple[tuple[int, int, int] | None, ...]:
    """What changes when a key file is replaced or rewritten: compare it to know when to load again."""
    out: list[tuple[int, int, int] | None] = []
    for name in (KEY_FILE, RING_FILE):
        try:
            found = os.stat(Path(folder) / name)
        except FileNotFoundError:
            out.append(None)
        else:
            out.append((found.st_ino, found.st_mtime_ns, found.st_size))
    return tuple(out)


def load(folder: str | Path) -> KeyRing:
    """The key ring, creating the first signing key on first use.

    Raises KeyRingError when the files are damaged, or when the private key file holds a
    retired key (a backup restored after a retirement): it must not sign again.
    """
    signing_key, previous, retired = _read(Path(folder), create=True)
    current = TrustedKey(key_id(signing_key.public_key()), signing_key.public_key())
    if any(r.id == current.id for r in retired):
        raise KeyRingError(
            f"the signing key in {Path(folder) / KEY_FILE} ({current.id}) was retired: run rotate-key"
        )
    return KeyRing(signing_key, (current, *previous), retired)


def rotate(folder: str | Path, now: datetime) -> tuple[str | None, KeyRing]:
    """Make a new current key; the outgoing one stays trusted (public part only). (old id or None, ring)."""
    path = Path(folder)
    with _exclusive(path):
        if not (path / KEY_FILE).exists():
            return None, load(path)  # nothing to rotate yet: the first key
        signing_key, previous, retired = _read(path, create=False)
        old_id = key_id(signing_key.public_key())
        if not any(r.id == old_id for r in retired):
            outgoing = TrustedKey(old_id, signing_key.public_key(), now)
            previous = (outgoing, *(k for k in previous if k.id != old_id))
        # The public part is saved first: should the rename below never happen, nothing is lost.
        _write_ring(path, previous, retired)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        _replace(path / KEY_FILE, pem)
        return old_id, load(path)


def retire(folder: str | Path, key: str, now: datetime) -> tuple[RetiredKey, bool]:
    """Stop trusting an earlier key: (the retired key, True), or (it, False) if it was retired already."""
    path = Path(folder)
    wanted = normalise_key_id(key)
    with _exclusive(path):
        signing_key, previous, retired = _read(path, create=False)
        for gone in retired:
            if gone.id == wanted:
                return gone, False
        if wanted == key_id(signing_key.public_key()):
            raise CannotRetireCurrent(wanted)
        if not any(k.id == wanted for k in previous):
            raise UnknownKey(wanted)
        gone = RetiredKey(wanted, now)
        _write_ring(path, tuple(k for k in previous if k.id != wanted), (*retired, gone))
        return gone, True


# --- files ----------------------------------------------------------------------------------------


def _read(
    folder: Path, create: bool
) -> tuple[Ed25519PrivateKey, tuple[TrustedKey, ...], tuple[RetiredKey, ...]]:
    if not create and not (folder / KEY_FILE).exists():
        raise KeyRingError(f"there is no signing key in {folder} yet")
    signing_key = signing.load_or_create_key(folder)
    current = key_id(signing_key.public_key())
    ring = folder / RING_FILE
    if not ring.exists():
        return signing_key, (), ()
    try:
        data = json.loads(ring.read_text(encoding="utf-8"))
        previous = tuple(
            TrustedKey(entry["id"], _public_key(entry["id"]), _time(entry["replaced_at"]))
            for entry in data.get("previous", [])
            if entry["id"] != current  # a rotation cut short lists the current key too
        )
        retired = tuple(
            RetiredKey(_checked_id(entry["id"]), _time(entry["retired_at"]))
            for entry in data.get("retired", [])
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise KeyRingError(f"{ring} is damaged ({exc}); restore it from a backup") from None
    return signing_key, previous, retired


def _public_key(value: str) -> Ed25519PublicKey:
    key = signing.key_from_multikey(value)
    if key is None:
        raise ValueError(f"{value!r} is not an Ed25519 Multikey")
    return key


def _checked_id(value: str) -> str:
    _public_key(value)
    return value


def _time(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def _iso(value: datetime | None) -> str:
    return (value or datetime.now(UTC)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write_ring(folder: Path, previous: tuple[TrustedKey, ...], retired: tuple[RetiredKey, ...]) -> None:
    data: dict[str, Any] = {
        "about": f"Public parts of earlier credential keys (newest first) and retired ones; see {KEY_FILE}.",
        "previous": [{"id": k.id, "replaced_at": _iso(k.replaced_at)} for k in previous],
        "retired": [{"id": k.id, "retired_at": _iso(k.retired_at)} for k in retired],
    }
    _replace(folder / RING_FILE, (json.dumps(data, indent=2) + "\n").encode())


def _replace(path: Path, data: bytes) -> None:
    """Write a file whole or not at all (a private temporary file, mode 600, renamed over it)."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@contextlib.contextmanager
def _exclusive(folder: Path) -> Iterator[None]:
    """One rotation or retirement at a time (a lock on the folder itself, where flock exists)."""
    folder.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover - Windows
        yield
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)

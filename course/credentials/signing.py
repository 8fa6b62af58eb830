"""Signed, machine-verifiable certificates: Open Badges 3.0 credentials (W3C Verifiable Credentials 2.0).

Each certificate can be handed out as an OpenBadgeCredential JSON document,
secured with a Data Integrity proof of the `eddsa-jcs-2022` cryptosuite: the
document and the proof options are canonicalised with the JSON Canonicalization
Scheme (RFC 8785), hashed with SHA-256 and signed with Ed25519. Anyone can check
it with the issuer's public key, which the app publishes as a Multikey (and a
JWK) in its issuer profile; no JSON-LD processing is needed.

The signing key lives in the instance folder, is created on first use with
mode 600, and is never committed; course/credentials/keys.py rotates it and
keeps earlier keys' public parts, so the profile lists every key still trusted
and each proof names its own. Signing is deterministic (Ed25519, and the
proof's time is the certificate's issue time), so downloading a credential
twice with the same key gives the same bytes.

Revocation: every credential names a W3C Bitstring Status List entry (the
certificate's status index) in the issuer's signed status list credential, and
the app's own verification endpoint also checks the certificate's current status.
The list always has STATUS_LIST_SIZE entries and new certificates get a random
index in it (herd privacy, as the spec recommends): neither a credential nor the
list tells how many certificates were issued, or where a revoked one stood among them.
"""

from __future__ import annotations

import base64
import contextlib
import enum
import gzip
import hashlib
import os
import tempfile
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CRYPTOSUITE = "eddsa-jcs-2022"
MULTIKEY_ED25519_PREFIX = b"\xed\x01"
STATUS_LIST_SIZE = 131_072  # 16 KB, the minimum the Bitstring Status List spec asks for (herd privacy)
KEY_FILE = "credential_signing_key.pem"


# --- the key ------------------------------------------------------------------------------


def load_or_create_key(instance_path: str | Path) -> Ed25519PrivateKey:
    """The issuer's Ed25519 key from the instance folder, created there (mode 600) on first use.

    Creation is atomic: the key is written to a private temporary file and linked
    into place, so two workers starting at once end up with the same key.
    """
    path = Path(instance_path) / KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key-")  # mkstemp creates it 0600
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
            with contextlib.suppress(FileExistsError):  # another worker won the race: use its key
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} does not hold an Ed25519 private key")
    return key


def _public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def multikey(key: Ed25519PublicKey) -> str:
    """The public key as a Multikey: multibase base58btc of 0xED01 + the 32 key bytes ("z6Mk…")."""
    return "z" + base58btc(MULTIKEY_ED25519_PREFIX + _public_bytes(key))


def jwk(key: Ed25519PublicKey) -> dict[str, str]:
    return {
        "kty": "OKP",
        "crv": "Ed25519",
        "x": base64.urlsafe_b64encode(_public_bytes(key)).rstrip(b"=").decode(),
    }


def key_from_multikey(value: str) -> Ed25519PublicKey | None:
    try:
        raw = base58btc_decode(value[1:]) if value.startswith("z") else b""
    except ValueError:
        return None
    if len(raw) != 34 or not raw.startswith(MULTIKEY_ED25519_PREFIX):
        return None
    return Ed25519PublicKey.from_public_bytes(raw[2:])


# --- encodings ------------------------------------------------------------------------------


def base58btc(data: bytes) -> str:
    """Multibase base58btc (the Bitcoin alphabet), as Multikey and proofValue use it."""
    return base58.b58encode(data).decode("ascii")


def base58btc_decode(text: str) -> bytes:
    """The bytes of a base58btc text; ValueError when it is not base58."""
    return base58.b58decode(text.encode("ascii", errors="strict"))


def canonical_json(value: Any) -> bytes:
    """RFC 8785 (JSON Canonicalization Scheme), which eddsa-jcs-2022 signs over."""
    return rfc8785.dumps(value)


# --- building and signing ----------------------------------------------------------------------


@dataclass(frozen=True)
class Issuer:
    """Who signs: the issuer profile's URL, name and home page, and the verification method id."""

    id: str
    name: str
    url: str
    status_list_url: str

    def method_id(self, key: Ed25519PublicKey) -> str:
        return self.method_for(multikey(key))

    def method_for(self, key_id: str) -> str:
        """The verification method of a key, by its id (its Multikey): the profile's URL # the id."""
        return f"{self.id}#{key_id}"


def issuer_profile(issuer: Issuer, keys: Sequence[Ed25519PublicKey]) -> dict[str, Any]:
    """The public issuer profile (Open Badges Profile + controller document) with the keys it trusts.

    `keys` are the keys still trusted, the current one first; each is published as
    a Multikey and as a JWK, and every one may make assertions (sign credentials).
    """
    methods: list[dict[str, Any]] = []
    for key in keys:
        method = issuer.method_id(key)
        methods += [
            {"id": method, "type": "Multikey", "controller": issuer.id, "publicKeyMultibase": multikey(key)},
            {"id": f"{method}-jwk", "type": "JsonWebKey", "controller": issuer.id, "publicKeyJwk": jwk(key)},
        ]
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT, "https://w3id.org/security/multikey/v1"],
        "id": issuer.id,
        "type": ["Profile"],
        "name": issuer.name,
        "url": issuer.url,
        "verificationMethod": methods,
        "assertionMethod": [m["id"] for m in methods],
    }


@dataclass(frozen=True)
class CredentialInput:
    """The frozen facts of one certificate, as the credential states them."""

    status_index: int  # the certificate's entry in the revocation list
    code: str
    verify_url: str
    learner_name: str
    path_id: str
    path_title: str
    path_url: str
    modules: tuple[tuple[str, str, str, float], ...]  # (module id, title, version, best score)
    content_version: str
    completed_on: str  # ISO date
    issued_at: datetime
    cohort_title: str | None = None
    instructor_name: str | None = None


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_credential(data: CredentialInput, issuer: Issuer) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential for one certificate."""
    results = [
        {
            "id": f"{data.path_url}#module-{module_id}",
            "type": ["ResultDescription"],
            "name": f"{title}: quiz",
            "resultType": "Percent",
            "valueMin": "0",
            "valueMax": "100",
        }
        for module_id, title, _version, _score in data.modules
    ]
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": data.verify_url,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": data.path_title,
        "issuer": {"id": issuer.id, "type": ["Profile"], "name": issuer.name, "url": issuer.url},
        "validFrom": _iso(data.issued_at),
        "awardedDate": _iso(data.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": data.learner_name,
                }
            ],
            "activityEndDate": f"{data.completed_on}T00:00:00Z",
            "achievement": {
                "id": data.path_url,
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": data.path_title,
                "description": f"Completion of the learning path “{data.path_title}” on the United Nations "
                "Convention against Cybercrime.",
                "criteria": {
                    "narrative": "Complete every lesson of every module in the path and pass each "
                    "module's quiz; in a trainer-led cohort, also meet the cohort's attendance rule."
                },
                "version": data.content_version,
                "resultDescription": results,
            },
            "result": [
                {"type": ["Result"], "resultDescription": description["id"], "value": f"{score:.1f}"}
                for description, (_id, _title, _version, score) in zip(results, data.modules, strict=True)
            ],
        },
        "credentialStatus": {
            "id": f"{issuer.status_list_url}#{data.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(data.status_index),
            "statusListCredential": issuer.status_list_url,
        },
    }
    evidence = []
    if data.cohort_title:
        description = f"Trainer-led cohort: {data.cohort_title}"
        if data.instructor_name:
            description += f"; instructor: {data.instructor_name}"
        evidence.append({"type": ["Evidence"], "name": data.cohort_title, "description": description})
    evidence.append(
        {
            "type": ["Evidence"],
            "name": "Module versions",
            "description": "; ".join(f"{module_id} {version}" for module_id, _t, version, _s in data.modules),
        }
    )
    credential["evidence"] = evidence
    return credential


def _hash_data(document: dict[str, Any], proof_options: dict[str, Any]) -> bytes:
    config = {**proof_options, "@context": document["@context"]}
    return hashlib.sha256(canonical_json(config)).digest() + hashlib.sha256(canonical_json(document)).digest()


def sign(
    document: dict[str, Any], key: Ed25519PrivateKey, method_id: str, created: datetime
) -> dict[str, Any]:
    """The document with a DataIntegrityProof (eddsa-jcs-2022) added."""
    unsigned = {k: v for k, v in document.items() if k != "proof"}
    options = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": _iso(created),
        "verificationMethod": method_id,
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(unsigned, options))
    return {**unsigned, "proof": {**options, "proofValue": "z" + base58btc(signature)}}


class ProofCheck(enum.StrEnum):
    VALID = "valid"
    MALFORMED = "malformed"  # not a credential with a proof this issuer could have made
    UNKNOWN_KEY = "unknown_key"  # signed with a key this issuer does not publish
    RETIRED_KEY = "retired_key"  # signed with a key this issuer no longer trusts (it may have leaked)
    INVALID = "invalid"  # the signature does not match: altered, or forged


def check_proof(document: Any, keys: dict[str, Ed25519PublicKey], retired: Container[str] = ()) -> ProofCheck:
    """Check a credential's eddsa-jcs-2022 proof against the issuer's keys (verification method id → key).

    A proof naming a retired key is refused whatever its signature: whoever holds a
    leaked key can make a signature that matches.
    """
    if not isinstance(document, dict) or not isinstance(document.get("proof"), dict):
        return ProofCheck.MALFORMED
    proof = document["proof"]
    if (
        proof.get("type") != "DataIntegrityProof"
        or proof.get("cryptosuite") != CRYPTOSUITE
        or proof.get("proofPurpose") != "assertionMethod"
        or not isinstance(proof.get("proofValue"), str)
        or not isinstance(document.get("@context"), list)
    ):
        return ProofCheck.MALFORMED
    method = proof.get("verificationMethod")
    if isinstance(method, str) and method in retired:
        return ProofCheck.RETIRED_KEY
    key = keys.get(method) if isinstance(method, str) else None
    if key is None:
        return ProofCheck.UNKNOWN_KEY
    value = proof["proofValue"]
    try:
        signature = base58btc_decode(value[1:]) if value.startswith("z") else b""
        options = {k: v for k, v in proof.items() if k != "proofValue"}
        unsigned = {k: v for k, v in document.items() if k != "proof"}
        key.verify(signature, _hash_data(unsigned, options))
    except (InvalidSignature, ValueError, TypeError):
        return ProofCheck.INVALID
    return ProofCheck.VALID


def certificate_code(document: dict[str, Any]) -> str | None:
    """The certificate code a (verified) credential refers to: the last part of its id URL."""
    credential_id = document.get("id")
    if not isinstance(credential_id, str) or "/verify/" not in credential_id:
        return None
    return credential_id.rsplit("/verify/", 1)[1]


# --- revocation list -----------------------------------------------------------------------------


def encoded_status_list(revoked_indexes: Iterable[int], size: int = STATUS_LIST_SIZE) -> str:
    """The Bitstring Status List value: GZIP of the bits (bit 0 = first byte's high bit), base64url, 'u'.

    The list has `size` entries whatever is revoked, so its length tells nothing.
    """
    bits = bytearray((size + 7) // 8)
    for index in revoked_indexes:
        if not 0 <= index < size:
            raise ValueError(f"status index {index} is outside a list of {size}")
        bits[index // 8] |= 0x80 >> (index % 8)
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def is_set(encoded_list: str, index: int) -> bool:
    raw = encoded_list[1:] if encoded_list.startswith("u") else encoded_list
    bits = gzip.decompress(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    return index // 8 < len(bits) and bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_credential(
    issuer: Issuer, revoked_indexes: Iterable[int], valid_from: datetime, size: int = STATUS_LIST_SIZE
) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential listing the revoked certificates' indexes."""
    return {
        "@context": [VC_CONTEXT],
        "id": issuer.status_list_url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer.id,
        "validFrom": _iso(valid_from),
        "credentialSubject": {
            "id": f"{issuer.status_list_url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encoded_status_list(revoked_indexes, size),
        },
    }

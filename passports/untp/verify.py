"""Checking a credential offline: which check failed, or a summary of a good one.

The checks, in order, each with its own name in the failure:

- `format`: the file is a compact JWS, or the `EnvelopedVerifiableCredential` JSON holding one;
- `type`: the header is VC-JOSE-COSE's (alg EdDSA, typ vc+jwt, cty vc when present);
- `key`: the header's key id is this instance's (or the one of the DID document given);
- `signature`: the signature verifies with that key, so no byte was changed;
- `payload`: the payload is a JSON object;
- `type`: it is a VerifiableCredential of a type this app issues (DigitalProductPassport or
  DigitalTraceabilityEvent);
- `issuer`: its issuer is the DID the key belongs to;
- `validity`: validFrom has come and validUntil, when present, has not passed;
- `schema`: with a JSON Schema given, the credential validates against it (draft 2020-12).
"""

import json
from dataclasses import dataclass
from datetime import UTC
from datetime import datetime

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from passports.untp.signing import ALG
from passports.untp.signing import CTY
from passports.untp.signing import MEDIA_TYPE
from passports.untp.signing import TYP
from passports.untp.signing import public_key_from_jwk

ISSUED_TYPES = ("DigitalProductPassport", "DigitalTraceabilityEvent")
_jws = jwt.PyJWS(algorithms=[ALG])


class VerificationFailed(Exception):
    """A check failed: `check` names it, the message says why."""

    def __init__(self, check: str, message: str):
        self.check = check
        super().__init__(message)


@dataclass(frozen=True)
class Verified:
    """A credential that passed every check."""

    credential: dict
    header: dict

    def summary(self) -> dict:
        """Issuer, type, subject and validity, as the CLI prints them."""
        c = self.credential
        issuer = c.get("issuer") or {}
        subject = c.get("credentialSubject")
        if isinstance(subject, dict):
            product = subject.get("product") or {}
            subject_text = f"{product.get('name', '')} <{product.get('id', subject.get('id'))}>"
        else:
            subject_text = f"{len(subject or [])} events"
        return {
            "issuer": f"{issuer.get('name', '')} <{issuer.get('id', '')}>",
            "type": ", ".join(c.get("type", [])),
            "id": c.get("id", ""),
            "subject": subject_text,
            "validFrom": c.get("validFrom", ""),
            "validUntil": c.get("validUntil", ""),
            "key": self.header.get("kid", ""),
        }


def extract_token(text: str) -> str:
    """The compact JWS of a file: the token itself, or the enveloped credential's data URL."""
    text = text.strip()
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except ValueError as exc:
            raise VerificationFailed("format", f"The file is not valid JSON: {exc}.") from exc
        if not isinstance(document, dict) or document.get("type") != (
            "EnvelopedVerifiableCredential"
        ):
            raise VerificationFailed(
                "format",
                "The JSON is not an EnvelopedVerifiableCredential: an unsigned credential "
                "cannot be verified.",
            )
        prefix = f"data:{MEDIA_TYPE},"
        data_url = str(document.get("id", ""))
        if not data_url.startswith(prefix):
            raise VerificationFailed(
                "format", f"The enveloped credential's id is not a {prefix} data URL."
            )
        text = data_url[len(prefix) :]
    if text.count(".") != 2 or any(not part for part in text.split(".")[::2]):
        raise VerificationFailed(
            "format", "The file is not a compact JWS (three dot-separated parts)."
        )
    return text


def keys_from_did_document(document: dict) -> dict[str, Ed25519PublicKey]:
    """The Ed25519 keys of a DID document by their full key id (`<did>#<key id>`)."""
    keys = {}
    for method in document.get("verificationMethod", []):
        jwk = method.get("publicKeyJwk")
        if not jwk:
            continue
        try:
            key = public_key_from_jwk(jwk)
        except ValueError:
            continue
        kid = method.get("id", "")
        if kid.startswith("#"):
            kid = document.get("id", "") + kid
        keys[kid] = key
    return keys


def _datetime(value: str) -> datetime:
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def verify(
    text: str,
    keys: dict[str, Ed25519PublicKey],
    *,
    schema: dict | None = None,
    now: datetime | None = None,
) -> Verified:
    """Check a credential against trusted keys (full key id -> public key); raise
    VerificationFailed naming the first check that fails."""
    token = extract_token(text)
    try:
        header = jwt.get_unverified_header(token)
    except jwt.DecodeError as exc:
        raise VerificationFailed("format", f"The JWS header cannot be read: {exc}.") from exc
    if header.get("alg") != ALG:
        raise VerificationFailed(
            "type", f"Unexpected algorithm {header.get('alg')!r}: expected {ALG}."
        )
    if header.get("typ") != TYP:
        raise VerificationFailed(
            "type", f"Unexpected typ {header.get('typ')!r}: a credential is typ {TYP!r}."
        )
    if "cty" in header and header["cty"] != CTY:
        raise VerificationFailed("type", f"Unexpected cty {header['cty']!r}: expected {CTY!r}.")
    kid = header.get("kid", "")
    key = keys.get(kid)
    if key is None:
        known = ", ".join(sorted(keys)) or "none"
        raise VerificationFailed(
            "key",
            f"Signed with key {kid or '(no kid)'!s}, which is not a key of this instance "
            f"(known: {known}).",
        )
    try:
        payload = _jws.decode_complete(token, key, algorithms=[ALG])["payload"]
    except jwt.InvalidSignatureError as exc:
        raise VerificationFailed(
            "signature", "The signature does not match: the credential was changed after signing."
        ) from exc
    except jwt.PyJWTError as exc:
        raise VerificationFailed("format", f"The JWS cannot be decoded: {exc}.") from exc
    try:
        credential = json.loads(payload)
    except ValueError as exc:
        raise VerificationFailed("payload", "The signed payload is not JSON.") from exc
    if not isinstance(credential, dict):
        raise VerificationFailed("payload", "The signed payload is not a JSON object.")
    types = credential.get("type") or []
    types = [types] if isinstance(types, str) else list(types)
    if "VerifiableCredential" not in types or not any(t in types for t in ISSUED_TYPES):
        raise VerificationFailed(
            "type",
            f"Unknown credential type {types!r}: expected VerifiableCredential with "
            f"{' or '.join(ISSUED_TYPES)}.",
        )
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    did = kid.split("#", 1)[0]
    if issuer_id != did:
        raise VerificationFailed(
            "issuer", f"The issuer {issuer_id!r} is not the owner of the key ({did})."
        )
    now = now or datetime.now(UTC)
    try:
        if credential.get("validFrom") and _datetime(credential["validFrom"]) > now:
            raise VerificationFailed("validity", f"Not valid before {credential['validFrom']}.")
        if credential.get("validUntil") and _datetime(credential["validUntil"]) < now:
            raise VerificationFailed("validity", f"Expired on {credential['validUntil']}.")
    except (TypeError, ValueError) as exc:
        raise VerificationFailed("validity", f"A validity date cannot be read: {exc}.") from exc
    if schema is not None:
        from jsonschema import Draft202012Validator

        errors = sorted(Draft202012Validator(schema).iter_errors(credential), key=lambda e: e.path)
        if errors:
            first = errors[0]
            where = "/".join(str(p) for p in first.absolute_path) or "(root)"
            raise VerificationFailed(
                "schema",
                f"{len(errors)} schema error(s); first at {where}: {first.message}",
            )
    return Verified(credential, header)

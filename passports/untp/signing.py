"""The instance's signing key and the VC-JOSE-COSE form of its credentials.

A credential is secured as a compact JWS (W3C "Securing Verifiable Credentials using JOSE and
COSE", media type `application/vc+jwt`): the protected header is

    {"alg": "EdDSA", "kid": "<issuer DID>#<key id>", "typ": "vc+jwt", "cty": "vc"}

and the payload is the credential's JSON itself (no `vc` claim, no JWT claims). The key is an
Ed25519 private key in a PEM file named by CREDENTIAL_SIGNING_KEY; outside production an
instance started without one keeps a generated key in its instance folder
(`instance/credential_signing_key.pem`, mode 0600), and the tests run on a key made for the
app. The key id is the key's JWK thumbprint (RFC 7638), so it changes with the key.

The issuer is the instance as `did:web`: `did:web:<host of PUBLIC_BASE_URL>` (a port is
written `%3A<port>`, a path prefix as `:`-separated segments), and `/.well-known/did.json`
publishes the public key as a JWK so that anyone can verify a credential without asking us.
"""

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote
from urllib.parse import urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from flask import current_app

from app.storage import atomic_write

KEY_FILE = "credential_signing_key.pem"
MEDIA_TYPE = "application/vc+jwt"
TYP = "vc+jwt"
CTY = "vc"
ALG = "EdDSA"
_EXTENSION = "passports.untp.signing_key"
_jws = jwt.PyJWS(algorithms=[ALG])


def generate_key_pem() -> bytes:
    """A new Ed25519 private key as unencrypted PKCS#8 PEM."""
    return Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def write_key(path: Path) -> None:
    """Write a new key to `path` (mode 0600, atomically); never over an existing file."""
    if path.exists():
        raise FileExistsError(f"{path} exists; remove it first to replace the key.")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, "the credential signing key") as handle:
        os.fchmod(handle.fileno(), 0o600)
        handle.write(generate_key_pem())


def instance_signing_key(instance: Path) -> Path:
    """The key file kept in the instance folder, made on first use (outside production)."""
    path = instance / KEY_FILE
    if not path.exists():
        write_key(path)
    return path


def load_private_key(pem: bytes) -> Ed25519PrivateKey:
    """An Ed25519 private key from PEM; ValueError for anything else."""
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError("the credential signing key must be an Ed25519 key")
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_jwk(public_key: Ed25519PublicKey) -> dict:
    """The public key as an OKP JWK (RFC 8037)."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": _b64(raw)}


def jwk_thumbprint(jwk: dict) -> str:
    """RFC 7638 thumbprint of an OKP JWK: SHA-256 of its required members in order."""
    members = json.dumps(
        {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"]}, separators=(",", ":")
    )
    return _b64(hashlib.sha256(members.encode()).digest())


def public_key_from_jwk(jwk: dict) -> Ed25519PublicKey:
    """An Ed25519 public key from an OKP JWK; ValueError when it is not one."""
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or not jwk.get("x"):
        raise ValueError("not an Ed25519 JWK")
    x = jwk["x"]
    return Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)))


def did_for(base_url: str) -> str:
    """The did:web DID of an instance at `base_url` (W3C did:web method, section 3.2)."""
    parts = urlsplit(base_url)
    did = "did:web:" + quote(parts.netloc, safe="")
    segments = [quote(s, safe="") for s in parts.path.split("/") if s]
    return ":".join([did, *segments])


@dataclass(frozen=True)
class SigningKey:
    """The instance's key with what a verifier needs: its JWK, its id and the issuer DID."""

    private_key: Ed25519PrivateKey
    did: str

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def jwk(self) -> dict:
        return public_jwk(self.public_key)

    @property
    def key_id(self) -> str:
        return jwk_thumbprint(self.jwk)

    @property
    def kid(self) -> str:
        return f"{self.did}#{self.key_id}"


def signing_key(app=None) -> SigningKey:
    """The instance's key (loaded once per app): the file CREDENTIAL_SIGNING_KEY names, or,
    in the tests when none is named, a key made for this app."""
    app = app or current_app._get_current_object()
    cached = app.extensions.get(_EXTENSION)
    if cached is None:
        path = app.config.get("CREDENTIAL_SIGNING_KEY")
        if path:
            private = load_private_key(Path(path).read_bytes())
        elif app.testing:
            private = Ed25519PrivateKey.generate()
        else:
            raise RuntimeError("CREDENTIAL_SIGNING_KEY is not set.")
        cached = SigningKey(private, did_for(app.config["PUBLIC_BASE_URL"].rstrip("/")))
        app.extensions[_EXTENSION] = cached
    return cached


def canonical_json(document: dict) -> bytes:
    """The bytes a credential is served and signed as: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(credential: dict, key: SigningKey | None = None) -> str:
    """The credential as a compact JWS in the VC-JOSE-COSE form."""
    key = key or signing_key()
    headers = {"kid": key.kid, "typ": TYP, "cty": CTY}
    return _jws.encode(canonical_json(credential), key.private_key, algorithm=ALG, headers=headers)


def enveloped(token: str) -> dict:
    """The VC Data Model 2.0 `EnvelopedVerifiableCredential` JSON form of a signed credential."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": f"data:{MEDIA_TYPE},{token}",
        "type": "EnvelopedVerifiableCredential",
    }


def did_document(key: SigningKey | None = None) -> dict:
    """The instance's DID document: its public key as a JsonWebKey verification method."""
    key = key or signing_key()
    method = {
        "id": key.kid,
        "type": "JsonWebKey",
        "controller": key.did,
        "publicKeyJwk": {**key.jwk, "kid": key.key_id, "alg": ALG, "use": "sig"},
    }
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": key.did,
        "verificationMethod": [method],
        "assertionMethod": [key.kid],
        "authentication": [key.kid],
    }

"""Signed UNTP credentials: the VC-JOSE-COSE form, the instance's did:web key, and
`flask passports verify` naming the check that fails (a changed byte, another instance's key,
an unknown type, a malformed file, an expired credential, the schema)."""

import base64
import json
import os
import stat

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app import create_app
from passports.untp.signing import SigningKey
from passports.untp.signing import did_document
from passports.untp.signing import enveloped
from passports.untp.signing import sign
from passports.untp.signing import signing_key
from passports.untp.signing import write_key
from passports.untp.verify import keys_from_did_document
from tests.passports.untp_support import DPP_SCHEMA
from tests.passports.untp_support import dpp_validator
from tests.passports.untp_support import errors


@pytest.fixture
def signed(client, make_user, make_building, make_component, token_for):
    """A component, its owner's headers and its signed credential."""
    owner = make_user("owner")
    component = make_component(make_building(owner))
    headers = token_for(owner)
    response = client.get(f"/api/v1/components/{component.id}/dpp.jwt", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/vc+jwt"
    return component, headers, response.get_data(as_text=True)


def _payload(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def _verify(runner, tmp_path, text: str, *args):
    path = tmp_path / "credential.jwt"
    path.write_text(text)
    return runner.invoke(args=["passports", "verify", str(path), *args])


def test_a_signed_credential_is_vc_jose_cose_with_the_instance_key(app, client, signed):
    component, headers, token = signed
    header = jwt.get_unverified_header(token)
    key = signing_key()
    assert header == {"alg": "EdDSA", "kid": key.kid, "typ": "vc+jwt", "cty": "vc"}
    assert key.kid.startswith("did:web:mpx.test#")
    payload = jwt.PyJWS().decode(token, key.public_key, algorithms=["EdDSA"])
    credential = json.loads(payload)
    assert credential["issuer"]["id"] == "did:web:mpx.test"
    assert (
        credential
        == client.get(f"/api/v1/components/{component.id}/dpp.json", headers=headers).json
    )
    # Accept on the .json path answers the signed form too, and the public tag has one.
    asked = client.get(
        f"/api/v1/components/{component.id}/dpp.json",
        headers={**headers, "Accept": "application/vc+jwt"},
    )
    assert asked.mimetype == "application/vc+jwt"
    assert asked.get_data(as_text=True) == token  # Ed25519 signatures are deterministic
    assert "Accept" in asked.headers["Vary"]
    public = client.get(f"/t/{component.tag}/dpp.jwt")
    assert public.mimetype == "application/vc+jwt"
    assert _payload(public.get_data(as_text=True))["id"].endswith(f"/t/{component.tag}/dpp.json")


def test_the_did_document_publishes_the_key(app, client, signed):
    _component, _headers, token = signed
    response = client.get("/.well-known/did.json")
    assert response.status_code == 200
    document = response.json
    assert document["id"] == "did:web:mpx.test"
    keys = keys_from_did_document(document)
    kid = jwt.get_unverified_header(token)["kid"]
    assert list(keys) == [kid]
    jwt.PyJWS().decode(token, keys[kid], algorithms=["EdDSA"])


def test_verify_accepts_a_good_credential_and_prints_its_summary(runner, tmp_path, signed):
    component, _headers, token = signed
    result = _verify(runner, tmp_path, token)
    assert result.exit_code == 0, result.output
    assert "OK" in result.output
    assert "did:web:mpx.test" in result.output
    assert "DigitalProductPassport" in result.output
    assert component.name in result.output
    assert "validFrom:" in result.output


def test_verify_accepts_the_enveloped_form_and_checks_the_schema(runner, tmp_path, signed):
    _component, _headers, token = signed
    dpp_validator()  # skips when the schema is absent
    result = _verify(runner, tmp_path, json.dumps(enveloped(token)), "--schema", str(DPP_SCHEMA))
    assert result.exit_code == 0, result.output
    assert "and the schema" in result.output


def test_a_changed_byte_fails_the_signature(runner, tmp_path, signed):
    _component, _headers, token = signed
    header, payload, signature = token.split(".")
    data = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data[data.index(b"Brick wall") + 1] ^= 0x01  # "Brick" becomes "Bsick"
    changed = base64.urlsafe_b64encode(bytes(data)).rstrip(b"=").decode()
    result = _verify(runner, tmp_path, f"{header}.{changed}.{signature}")
    assert result.exit_code == 1
    assert "FAILED [signature]" in result.output
    assert "changed" in result.output


def test_another_instances_key_fails(app, runner, tmp_path, signed):
    _component, _headers, token = signed
    credential = _payload(token)
    other = SigningKey(Ed25519PrivateKey.generate(), "did:web:other.example")
    result = _verify(
        runner,
        tmp_path,
        sign(
            {
                **credential,
                "issuer": {"type": ["CredentialIssuer"], "id": other.did, "name": "Other"},
            },
            other,
        ),
    )
    assert result.exit_code == 1
    assert "FAILED [key]" in result.output and "other.example" in result.output
    # Our DID in the header but another key: the signature does not verify with ours.
    forged = SigningKey(Ed25519PrivateKey.generate(), signing_key().did)
    header, payload, signature = sign(credential, forged).split(".")
    ours = token.split(".")[0]
    result = _verify(runner, tmp_path, f"{ours}.{payload}.{signature}")
    assert result.exit_code == 1
    assert "FAILED [signature]" in result.output


def test_an_issuer_that_is_not_the_keys_owner_fails(runner, tmp_path, signed):
    _component, _headers, token = signed
    credential = _payload(token)
    credential["issuer"]["id"] = "did:web:someone.else"
    result = _verify(runner, tmp_path, sign(credential))
    assert result.exit_code == 1
    assert "FAILED [issuer]" in result.output


def test_an_unknown_type_fails(app, runner, tmp_path, signed):
    _component, _headers, token = signed
    credential = _payload(token)
    result = _verify(
        runner,
        tmp_path,
        sign({**credential, "type": ["VerifiableCredential", "InvoiceCredential"]}),
    )
    assert result.exit_code == 1
    assert "FAILED [type]" in result.output and "InvoiceCredential" in result.output
    key = signing_key()
    plain_jwt = jwt.PyJWS().encode(
        json.dumps(credential).encode(),
        key.private_key,
        algorithm="EdDSA",
        headers={"kid": key.kid, "typ": "JWT"},
    )
    result = _verify(runner, tmp_path, plain_jwt)
    assert result.exit_code == 1
    assert "FAILED [type]" in result.output and "typ" in result.output


@pytest.mark.parametrize(
    "text",
    [
        "not a credential",
        "a.b",
        '{"@context": [], "type": ["VerifiableCredential"]}',
        '{"type": "EnvelopedVerifiableCredential", "id": "https://example.org/x"}',
        "eyJub3QiOiJqc29uIn0.e30.AAAA",
        "{not json",
    ],
)
def test_a_malformed_file_fails_as_malformed(runner, tmp_path, text):
    result = _verify(runner, tmp_path, text)
    assert result.exit_code == 1
    assert "FAILED [format]" in result.output or "FAILED [type]" in result.output, result.output


def test_an_expired_credential_fails(runner, tmp_path, signed):
    _component, _headers, token = signed
    credential = {**_payload(token), "validUntil": "2020-01-01T00:00:00Z"}
    result = _verify(runner, tmp_path, sign(credential))
    assert result.exit_code == 1
    assert "FAILED [validity]" in result.output and "2020-01-01" in result.output


def test_a_credential_against_the_schema(runner, tmp_path, signed):
    _component, _headers, token = signed
    validator = dpp_validator()
    credential = _payload(token)
    assert errors(validator, credential) == []
    credential["credentialSubject"]["granularityLevel"] = "lot"
    result = _verify(runner, tmp_path, sign(credential), "--schema", str(DPP_SCHEMA))
    assert result.exit_code == 1
    assert "FAILED [schema]" in result.output and "granularityLevel" in result.output


def test_verify_with_a_published_did_document(client, runner, tmp_path, signed):
    _component, _headers, token = signed
    did = tmp_path / "did.json"
    did.write_bytes(client.get("/.well-known/did.json").get_data())
    assert _verify(runner, tmp_path, token, "--did", str(did)).exit_code == 0
    # Another instance's credential verifies with the document it publishes, and only so.
    other = SigningKey(Ed25519PrivateKey.generate(), "did:web:other.example")
    issuer = {"type": ["CredentialIssuer"], "id": other.did, "name": "Other"}
    theirs = sign({**_payload(token), "issuer": issuer}, other)
    assert "FAILED [key]" in _verify(runner, tmp_path, theirs).output
    did.write_text(json.dumps(did_document(other)))
    result = _verify(runner, tmp_path, theirs, "--did", str(did))
    assert result.exit_code == 0, result.output
    assert "did:web:other.example" in result.output


def test_keygen_writes_a_private_key_once(runner, tmp_path):
    path = tmp_path / "keys" / "signing.pem"
    result = runner.invoke(args=["passports", "keygen", str(path)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = runner.invoke(args=["passports", "keygen", str(path)])
    assert again.exit_code != 0 and "exists" in again.output


def test_an_instance_keeps_its_generated_key_and_production_needs_one(monkeypatch, tmp_path):
    monkeypatch.delenv("CREDENTIAL_SIGNING_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first = create_app("development", instance_path=str(tmp_path / "instance"))
    kept = tmp_path / "instance" / "credential_signing_key.pem"
    assert first.config["CREDENTIAL_SIGNING_KEY"] == str(kept)
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    second = create_app("development", instance_path=str(tmp_path / "instance"))
    assert signing_key(first).kid == signing_key(second).kid

    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/mpx")
    with pytest.raises(RuntimeError, match="CREDENTIAL_SIGNING_KEY"):
        create_app("production")
    key = tmp_path / "production.pem"
    write_key(key)
    monkeypatch.setenv("CREDENTIAL_SIGNING_KEY", str(key))
    production = create_app("production", instance_path=str(tmp_path / "prod"))
    assert production.config["CREDENTIAL_SIGNING_KEY"] == str(key)
    assert signing_key(production).key_id != signing_key(first).key_id
    assert os.path.exists(tmp_path / "prod" / "credential_signing_key.pem") is False

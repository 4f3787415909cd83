"""`flask passports keygen PATH` and `flask passports verify FILE`: the instance's signing key
and checking a credential offline. Messages are in English, as the other commands'."""

import json
import sys
from pathlib import Path

import click

from passports.untp.signing import signing_key
from passports.untp.signing import write_key
from passports.untp.verify import VerificationFailed
from passports.untp.verify import keys_from_did_document
from passports.untp.verify import verify


def keygen(path: str) -> None:
    """Write a new Ed25519 private key (PEM, mode 0600) for CREDENTIAL_SIGNING_KEY."""
    target = Path(path)
    try:
        write_key(target)
    except FileExistsError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Wrote an Ed25519 signing key to {target}; set CREDENTIAL_SIGNING_KEY={target}.")


def _read_json(path: str, what: str) -> dict:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        click.echo(f"FAILED [format]: the {what} {path} cannot be read as JSON: {exc}", err=True)
        sys.exit(1)


def run_verify(path: str, did_path: str | None, schema_path: str | None) -> None:
    """Check a credential against this instance's key and the keys of a DID document."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        click.echo(f"FAILED [format]: {path} cannot be read: {exc}", err=True)
        sys.exit(1)
    key = signing_key()
    keys = {key.kid: key.public_key}
    if did_path:
        keys.update(keys_from_did_document(_read_json(did_path, "DID document")))
    schema = _read_json(schema_path, "schema") if schema_path else None
    try:
        result = verify(text, keys, schema=schema)
    except VerificationFailed as exc:
        click.echo(f"FAILED [{exc.check}]: {exc}", err=True)
        sys.exit(1)
    click.echo(
        "OK: signature, key, type, issuer and validity checked"
        + (", and the schema" if schema is not None else "")
        + "."
    )
    for name, value in result.summary().items():
        if value:
            click.echo(f"  {name + ':':<11} {value}")

"""Checking a passport document against its committed JSON Schema (draft 2020-12).

Errors are reported by JSON path (`$.components[3].quantity`), the way a sender can find them
in the document they sent.
"""

import json
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schema" / "passport.schema.json"
MAX_ERRORS = 100
MAX_MESSAGE = 300


@lru_cache(maxsize=1)
def passport_schema() -> dict:
    """The committed JSON Schema of passport documents."""
    with SCHEMA_PATH.open(encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    return Draft202012Validator(passport_schema())


def _short(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def schema_errors(document) -> dict[str, list[str]]:
    """{json_path: [messages]} for every way `document` breaks the schema (at most 100)."""
    errors: dict[str, list[str]] = {}
    for count, error in enumerate(_validator().iter_errors(document)):
        if count >= MAX_ERRORS:
            errors.setdefault("$", []).append(f"More than {MAX_ERRORS} errors; stopped here.")
            break
        errors.setdefault(error.json_path, []).append(_short(error.message))
    return dict(sorted(errors.items()))

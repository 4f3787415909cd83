"""What the UNTP tests share: UNTP's own JSON Schemas, read from the shared samples (never
copied into the project), and the validators made of them."""

import json
import os
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from jsonschema import FormatChecker

SHARED = Path(os.environ.get("MPX_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared")
UNTP = SHARED / "samples" / "untp"
DPP_SCHEMA = UNTP / "dpp" / "untp-dpp-schema.json"
DTE_SCHEMA = UNTP / "dte" / "untp-dte-schema.json"


def _validator(path: Path) -> Draft202012Validator:
    if not path.exists():
        pytest.skip(f"UNTP schema {path.name} not available (set MPX_SHARED_DIR)")
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FormatChecker())


def dpp_validator() -> Draft202012Validator:
    """UNTP's Digital Product Passport schema (draft 2020-12), formats checked."""
    return _validator(DPP_SCHEMA)


def dte_validator() -> Draft202012Validator:
    """UNTP's Digital Traceability Event schema (draft 2020-12), formats checked."""
    return _validator(DTE_SCHEMA)


def errors(validator: Draft202012Validator, document: dict) -> list[str]:
    """Every schema error as `path: message`, empty when the document is valid."""
    return [
        "/".join(str(p) for p in e.absolute_path) + ": " + e.message
        for e in validator.iter_errors(document)
    ]

"""What the UNTP tests share: UNTP's own JSON Schemas, read from the shared samples (never
copied into the project), and the validators made of them."""

import json
import os
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator
from jsonschema import FormatChecker

SHARED = Path(os.environ.get("MPX_SHARED_DIR") or Path(__file__).resolve().parents[3] / "shared")
UNTP = SHARED / "samples" / "untp"
DPP_SCHEMA = UNTP / "dpp" / "untp-dpp-schema.json"
DTE_SCHEMA = UNTP / "dte" / "untp-dte-schema.json"


# jsonschema checks "uri" and "date-time" only with optional packages; these checks stand in
# for them, so the formats UNTP declares are asserted whatever is installed.
FORMATS = FormatChecker()


@FORMATS.checks("uri")
def _is_uri(value) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme) and (bool(parts.netloc) or parts.scheme in ("did", "urn", "data"))


@FORMATS.checks("date-time", raises=ValueError)
def _is_date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    return datetime.fromisoformat(value.replace("Z", "+00:00")).tzinfo is not None


def _validator(path: Path) -> Draft202012Validator:
    if not path.exists():
        pytest.skip(f"UNTP schema {path.name} not available (set MPX_SHARED_DIR)")
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=FORMATS)


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

"""Checking a passport document against its committed JSON Schema (draft 2020-12).

Two validators read the same schema: `fastjsonschema` compiles it to Python and passes a valid
document of 10,000 components in a fraction of a second; only a document it refuses is walked
again by `jsonschema`, which lists every error by JSON path (`$.components[3].quantity`), the
way a sender can find them in the document they sent. (The schema keeps to what both
understand; a `$` inside a pattern's character class is written `\\$` for fastjsonschema.)
"""

import json
from functools import lru_cache
from pathlib import Path

import fastjsonschema
from flask_babel import gettext as _
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


@lru_cache(maxsize=1)
def _fast_check():
    return fastjsonschema.compile(passport_schema())


def _short(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def schema_errors(document) -> dict[str, list[str]]:
    """{json_path: [messages]} for every way `document` breaks the schema (at most 100)."""
    try:
        _fast_check()(document)
        return {}
    except fastjsonschema.JsonSchemaException:
        pass  # list every error, by path, with the thorough validator
    errors: dict[str, list[str]] = {}
    for count, error in enumerate(_validator().iter_errors(document)):
        if count >= MAX_ERRORS:
            errors.setdefault("$", []).append(
                _("More than %(max)s errors; stopped here.", max=MAX_ERRORS)
            )
            break
        errors.setdefault(error.json_path, []).append(_short(error.message))
    return dict(sorted(errors.items()))


def openapi_schema() -> dict:
    """The passport's JSON Schema in the OpenAPI 3.0 subset the API document speaks: its
    definitions inlined, `type: [x, "null"]` as `nullable`, `const` as a one-value enum and a
    numeric `exclusiveMinimum` as a minimum that excludes itself. It says the same thing."""
    schema = passport_schema()
    return _to_openapi30(schema, schema["$defs"])


def _to_openapi30(node, definitions: dict):
    if isinstance(node, list):
        return [_to_openapi30(item, definitions) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return _to_openapi30(definitions[node["$ref"].rsplit("/", 1)[1]], definitions)
    out = {}
    for key, value in node.items():
        if key in ("$schema", "$id", "$defs"):
            continue
        if key == "properties":
            out[key] = {name: _to_openapi30(sub, definitions) for name, sub in value.items()}
        elif key == "type" and isinstance(value, list):
            types = [t for t in value if t != "null"]
            if len(types) == 1:
                out["type"] = types[0]
            else:
                out["anyOf"] = [{"type": t} for t in types]
            if "null" in value:
                out["nullable"] = True
        elif key == "const":
            out["enum"] = [value]
        elif key == "exclusiveMinimum" and not isinstance(value, bool):
            out["minimum"] = value
            out["exclusiveMinimum"] = True
        else:
            out[key] = _to_openapi30(value, definitions)
    return out

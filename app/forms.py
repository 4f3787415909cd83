"""Turn HTML form posts into the typed data the API schemas load, so both share one validation."""

from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields

from app.messages import localize
from app.schema_fields import read_form_number


def _convert(field: fields.Field, raw: str):
    value = raw.strip()
    if isinstance(field, fields.Integer):
        try:
            return int(value)
        except ValueError:
            return value
    if isinstance(field, fields.Float):
        # In the user's language ("12,5" in Dutch); what is no number there carries its message.
        return read_form_number(value)
    if isinstance(field, fields.Boolean):
        return value.lower() in ("1", "true", "on", "yes")
    return value


def form_data(
    schema: Schema, form, *, keep_empty: bool = False, skip: tuple[str, ...] = ()
) -> dict:
    """Typed values for the schema's scalar fields found in the form.

    Empty inputs are left out on create; on edit (`keep_empty`) they clear nullable fields and
    blank text fields.
    """
    data = {}
    for name, field in schema.fields.items():
        if name in skip or name not in form or isinstance(field, fields.List):
            continue
        raw = form.get(name, "")
        if raw.strip() == "":
            if keep_empty and field.allow_none:
                data[name] = None
            elif keep_empty and isinstance(field, fields.String) and not field.required:
                data[name] = ""
            continue
        data[name] = _convert(field, raw)
    return data


def flatten_errors(messages: dict, prefix: str = "") -> dict[str, list[str]]:
    """Nested marshmallow errors as {"materials-0-fraction": [...]} for form fields, in the
    reader's language (app.messages)."""
    flat: dict[str, list[str]] = {}
    for key, value in messages.items():
        name = f"{prefix}-{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flatten_errors(value, name))
        else:
            texts = value if isinstance(value, list) else [value]
            flat.setdefault(name, []).extend(localize([str(text) for text in texts]))
    return flat


def load_form(schema: Schema, data: dict) -> dict:
    """Validate form data with the API schema; field errors are re-raised flattened."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise ValidationError(flatten_errors(exc.messages)) from exc

"""Validators and field builders shared by the passport schemas."""

from datetime import date

from marshmallow import fields, validate

FRACTION_TOLERANCE = 1e-6
_positive = validate.Range(min=0, min_inclusive=False)
_fraction = validate.Range(min=0, max=1)


def _text(length: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=length), **kwargs)


def _year() -> fields.Integer:
    return fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=1000, max=date.today().year + 10)
    )

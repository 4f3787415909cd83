"""Validators and field builders shared by the passport schemas."""

from datetime import date

from marshmallow import fields
from marshmallow import validate

from app.schema_fields import POSITIVE_AMOUNT

FRACTION_TOLERANCE = 1e-6
_positive = POSITIVE_AMOUNT
# kgCO2e per kg: the library's highest is about 10; a thousand leaves room for any material.
_carbon = validate.Range(min=0, max=1000)
_fraction = validate.Range(min=0, max=1)


def _text(length: int, **kwargs) -> fields.String:
    return fields.String(validate=validate.Length(max=length), **kwargs)


def _year() -> fields.Integer:
    return fields.Integer(
        strict=True, allow_none=True, validate=validate.Range(min=1000, max=date.today().year + 10)
    )

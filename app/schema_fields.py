"""Marshmallow fields and bases the library lacks: floats the database can multiply and a
Float that refuses strings (like Integer(strict=True)), ids that fit an integer column, nested
inputs loaded whole in a PATCH, timestamps that say they are UTC, input schemas that
refuse NUL characters, output schemas that take their fields from the model, and the one
reading of a number typed into an HTML form in the user's language (`read_form_number`)."""

import math
import numbers
import re
from collections.abc import Mapping
from datetime import UTC
from decimal import Decimal
from decimal import InvalidOperation

from babel import Locale
from babel.numbers import NumberFormatError
from babel.numbers import format_decimal
from babel.numbers import parse_decimal
from flask_babel import gettext as _
from marshmallow import Schema
from marshmallow import ValidationError
from marshmallow import fields
from marshmallow import pre_load
from marshmallow import validate
from marshmallow_sqlalchemy import ModelConverter
from marshmallow_sqlalchemy import SQLAlchemyAutoSchema
from sqlalchemy import DateTime

# The largest value of an INTEGER column (PostgreSQL int4): a larger id cannot exist.
MAX_ID = 2**31 - 1
# The largest amount (kg, m³, m², pieces, euros) a component, lot or price may state: sums and
# products of such amounts stay far from overflowing a double.
MAX_AMOUNT = 1e9
AT_MOST_AMOUNT = validate.Range(max=MAX_AMOUNT, error=f"At most {MAX_AMOUNT:,.0f}.")
# An amount that must be there: above 0 and at most MAX_AMOUNT.
POSITIVE_AMOUNT = [validate.Range(min=0, min_inclusive=False), AT_MOST_AMOUNT]
NUL_MESSAGE = "Must not contain NUL characters."
# The document's pattern for a text without NUL; NOT_BLANK also wants one visible character.
NUL_FREE = r"^[^\x00]*$"
NOT_BLANK = r"^[^\x00]*\S[^\x00]*$"


class Unparsed(str):
    """What a person typed into a form's number field that is no number in their language,
    with the message saying why: the schema's number field refuses it with that message."""

    message: str

    def __new__(cls, text: str, message: str):
        self = super().__new__(cls, text)
        self.message = message
        return self


# A number as JSON, Python and an HTML number input write it: a dot for decimals, no grouping.
_DOT_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# A decimal comma and nothing else ("12,5"), read as such where the comma is not a decimal sign.
_COMMA_DECIMAL = re.compile(r"[+-]?\d*,\d+")
# Spaces that group thousands ("1 234,5", with a no-break or thin space too).
_SPACE_GROUPS = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009](?=\d{3}(?!\d))")


def read_number(text: str, locale: Locale | str) -> float:
    """A number typed into a form, read in the user's language; a ValueError with the message
    for the person when it is no number or can be read two ways.

    The language's own writing comes first, checked strictly by Babel (grouping included):
    "12,5" and "1.234,5" in Dutch, Danish and German; "1,234.5" in English, Japanese and
    Chinese. What is not valid there is still read when only one reading is possible: a dot
    for decimals as the app's own fields, browsers and devices send it ("52.09000", "1.5"),
    and a decimal comma where the language groups with commas ("12,5" in English). A text
    valid both ways with different values ("1.234" in Dutch: 1234, or 1.234 as a dot-decimal)
    is refused with both readings, so no number is ever silently taken for another."""
    locale = Locale.parse(locale)
    typed = _SPACE_GROUPS.sub("", text.strip())
    try:
        value = parse_decimal(typed, locale=locale, strict=True)
    except (NumberFormatError, InvalidOperation, ValueError):
        value = None
    dotted = Decimal(typed) if _DOT_DECIMAL.fullmatch(typed) else None
    if value is None:
        if dotted is not None:
            value = dotted
        elif _COMMA_DECIMAL.fullmatch(typed):
            value = Decimal(typed.replace(",", "."))
    elif dotted is not None and dotted != value:
        raise ValueError(
            _(
                "Is “%(text)s” %(first)s or %(second)s? Write the number without a thousands "
                "separator: %(first)s or %(second)s.",
                text=text.strip(),
                first=format_decimal(value, format="0.##########", locale=locale),
                second=format_decimal(dotted, format="0.##########", locale=locale),
            )
        )
    number = float(value) if value is not None and value.is_finite() else math.nan
    if not math.isfinite(number):
        raise ValueError(
            _(
                "Enter a number, for example %(example)s.",
                example=format_decimal(Decimal("1234.5"), format="0.0", locale=locale),
            )
        )
    return number


def read_form_number(text: str) -> float | Unparsed:
    """A number typed into an HTML form, in the request's language (see `read_number`); what
    cannot be read comes back as `Unparsed`, which the schema's number field refuses with the
    message. The JSON API never comes here: its numbers are JSON numbers (StrictFloat)."""
    from app.templating import format_locale

    try:
        return read_number(text, format_locale())
    except ValueError as exc:
        return Unparsed(text, str(exc))


class Number(fields.Float):
    """A float that is never so close to zero (5e-324) that products of it underflow, which
    PostgreSQL refuses as an error where Python quietly gives 0: below `SMALLEST` it is 0. A
    field that must be above 0 therefore starts at `SMALLEST`, and the document says so
    (app.openapi). NaN and infinity are refused (marshmallow's default). A form's number that
    could not be read (`Unparsed`) is refused with the message that says why."""

    SMALLEST = 1e-9

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, Unparsed):
            raise ValidationError(value.message)
        return super()._deserialize(value, attr, data, **kwargs)

    def _validated(self, value):
        value = super()._validated(value)
        if value is not None and 0 < abs(value) < self.SMALLEST:
            # No amount, share, distance or coordinate means anything this small.
            return 0.0
        return value


class StrictFloat(Number):
    """A JSON number only: "12.5" as a string is a type error, not a number."""

    def _validated(self, value):
        if not isinstance(value, numbers.Real) or isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class StrictBoolean(fields.Boolean):
    """A JSON true or false only: "true", "yes" or 1 are type errors, not booleans."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class StrictInteger(fields.Integer):
    """A JSON integer only: "5" as a string is a type error."""

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)


def as_json_values(schema: type[Schema], name: str) -> type[Schema]:
    """The same arguments given as JSON values rather than as query text: numbers as JSON
    numbers, booleans as true or false. Each field keeps its validators, default and
    description, and the schema its rules: one declaration serves the query and the body."""
    strict = {}
    for key, field in schema._declared_fields.items():
        if isinstance(field, fields.Boolean):
            kind = StrictBoolean
        elif isinstance(field, fields.Float):
            kind = StrictFloat
        elif isinstance(field, fields.Integer):
            kind = StrictInteger
        else:
            continue
        strict[key] = kind(
            validate=field.validators,
            metadata=field.metadata,
            required=field.required,
            load_default=field.load_default,
            allow_none=field.allow_none,
        )
    return type(name, (schema,), {"__doc__": schema.__doc__, **strict})


class Id(fields.Integer):
    """The id of a stored object: a positive integer that fits an integer column, so an absurd
    one is a 422, never a database error. Strict (JSON numbers only) unless `strict=False`, as
    query arguments arrive as text."""

    def __init__(self, *, strict: bool = True, **kwargs):
        kwargs["validate"] = [
            validate.Range(min=1, max=MAX_ID),
            *_as_list(kwargs.get("validate")),
        ]
        super().__init__(strict=strict, **kwargs)


def _as_list(validators) -> list:
    if validators is None:
        return []
    return list(validators) if isinstance(validators, list | tuple) else [validators]


class Whole(fields.Nested):
    """A nested input loaded whole even in a partial (PATCH) load of its parent: an edit may
    leave out the list of material shares, but not the fraction of one of them."""

    def _deserialize(self, value, attr, data, partial=None, **kwargs):
        return super()._deserialize(value, attr, data, partial=None, **kwargs)


class UtcDateTime(fields.DateTime):
    """A timestamp stored as naive UTC, shown with its offset as RFC 3339 wants ("…+00:00")."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


def has_nul(value) -> bool:
    """True when a string anywhere in the value (nested dicts and lists too) holds a NUL."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


class InputSchema(Schema):
    """Base of the input schemas: a NUL character anywhere in the input is a 422 for that field.
    PostgreSQL cannot store NUL in text, and no name, address or note needs one."""

    @pre_load
    def _refuse_nul(self, data, **_):
        if isinstance(data, Mapping):
            errors = {key: [NUL_MESSAGE] for key in data if has_nul(key) or has_nul(data[key])}
            if errors:
                raise ValidationError(errors)
        return data


class _Converter(ModelConverter):
    """Columns to fields as marshmallow-sqlalchemy maps them, timestamps marked UTC."""

    SQLA_TYPE_MAPPING = {**ModelConverter.SQLA_TYPE_MAPPING, DateTime: UtcDateTime}


class ModelSchema(SQLAlchemyAutoSchema):
    """Base of the output schemas that show stored objects: each column's type and whether it
    may be null come from the model, where they are declared once. A subclass (with
    `class Meta(ModelSchema.Meta)`) names its model and either the columns the API shows
    (`fields`) or those it keeps private (`exclude`), and declares only what is not a column
    (related names, derived values, nested objects). tests/app/test_api_contract.py pins what
    each one shows, so a new column is never published by accident."""

    class Meta:
        include_fk = True
        load_instance = False
        model_converter = _Converter

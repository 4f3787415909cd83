"""Column values as JSON, losslessly, chosen by column type (the archive's only encoding).

Each table is written as JSON Lines, one JSON array per row in the manifest's column order.
A column's *kind* decides how its values are written:

    int, text, bool   as they are
    float             a JSON number written with `repr`: it reads back as the same double
    decimal           a string ("12.3400"): never through a float
    datetime          ISO 8601 ("2026-11-27T10:50:05.210839"; the offset when it has one)
    date, time        ISO 8601
    interval          whole microseconds
    bytes             base64
    uuid              the canonical string
    json              the document as it is

SQL NULL is `null` everywhere. A JSON column that may be NULL wraps each document in a
one-element array, so that SQL NULL (`null`) and the JSON document null (`[null]`) stay apart;
a NOT NULL JSON column holds its documents as they are.
"""

import base64
import uuid
from collections.abc import Callable
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import Column
from sqlalchemy import null
from sqlalchemy import types as sqltypes

Encoder = Callable[[object], object]


class UnsupportedColumn(Exception):
    """A column whose type the archive has no lossless encoding for."""


def _iso(value) -> str:
    return value.isoformat()


def _microseconds(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * 1_000_000 + value.microseconds


def _b64(value: bytes) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


def _decimal(value) -> Decimal:
    return Decimal(value)


def _interval(value: int) -> timedelta:
    return timedelta(microseconds=value)


def _bytes(value: str) -> bytes:
    return base64.b64decode(value.encode("ascii"), validate=True)


class Kind(NamedTuple):
    """How the values of one kind of column are written and read back (None: as they are)."""

    name: str
    types: type | tuple[type, ...]
    encode: Encoder | None
    decode: Encoder | None


# Most specific first: Boolean before Integer, Float before Numeric, DateTime before Date.
_KINDS = (
    Kind("bool", sqltypes.Boolean, None, None),
    Kind("int", sqltypes.Integer, None, None),
    Kind("float", sqltypes.Float, float, float),
    Kind("decimal", sqltypes.Numeric, str, _decimal),
    Kind("datetime", sqltypes.DateTime, _iso, datetime.fromisoformat),
    Kind("date", sqltypes.Date, _iso, date.fromisoformat),
    Kind("time", sqltypes.Time, _iso, time.fromisoformat),
    Kind("interval", sqltypes.Interval, _microseconds, _interval),
    Kind("bytes", sqltypes._Binary, _b64, _bytes),
    Kind("uuid", sqltypes.Uuid, str, uuid.UUID),
    Kind("json", sqltypes.JSON, None, None),
    Kind("text", sqltypes.String, None, None),
)
_BY_NAME = {kind.name: kind for kind in _KINDS}
KINDS = frozenset(_BY_NAME)


def column_kind(column: Column) -> str:
    """The encoding kind of a (reflected) column, from its SQL type."""
    for kind in _KINDS:
        if isinstance(column.type, kind.types):
            return kind.name
    raise UnsupportedColumn(
        f"{column.table.name}.{column.name} has type {column.type!r}, which a backup cannot "
        "encode without loss."
    )


def row_encoder(kinds: list[str], nullable: list[bool]) -> Callable[[tuple], list]:
    """A function turning a database row into its JSON-ready list (NULL stays None).

    The row holds the columns, then one "IS NULL" flag per nullable JSON column (see
    `wrapped_json`): SQLAlchemy reads SQL NULL and the JSON document null both as None.
    """
    steps = [(i, _BY_NAME[k].encode) for i, k in enumerate(kinds) if _BY_NAME[k].encode]
    wrapped = wrapped_json(kinds, nullable)
    width = len(kinds)

    def encode(row) -> list:
        values = list(row[:width])
        for i, encoder in steps:
            value = values[i]
            if value is not None:
                values[i] = encoder(value)
        for flag, i in enumerate(wrapped, width):
            values[i] = None if row[flag] else [values[i]]
        return values

    return encode


def wrapped_json(kinds: list[str], nullable: list[bool]) -> list[int]:
    """Positions of the JSON columns that may be NULL, whose documents are wrapped."""
    return [i for i, k in enumerate(kinds) if k == "json" and nullable[i]]


def row_decoder(kinds: list[str], nullable: list[bool]) -> Callable[[list], list]:
    """A function turning a decoded JSON line back into the values to insert."""
    steps = [(i, _BY_NAME[k].decode) for i, k in enumerate(kinds) if _BY_NAME[k].decode]
    wrapped = wrapped_json(kinds, nullable)

    def decode(values: list) -> list:
        for i, decoder in steps:
            value = values[i]
            if value is not None:
                values[i] = decoder(value)
        for i in wrapped:
            # SQL NULL must be null(): SQLAlchemy stores None as the JSON document null.
            values[i] = null() if values[i] is None else values[i][0]
        return values

    return decode

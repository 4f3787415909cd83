"""How values are stored in the audit log: JSON-safe, bounded, and never a secret.

Dates and times in ISO 8601, decimals and UUIDs as strings, bytes as their length, enums as
their value, NaN and infinities as text. A string over `MAX_VALUE_CHARS` is cut short, and a
structured value (JSON column) that long is replaced by its size. A column whose name contains
"password", "token_hash" or "secret" is stored as "[redacted]": the log shows that a password
or token changed, never the hash.
"""

import json
import math
import uuid
from collections.abc import Iterable
from datetime import date
from datetime import datetime
from datetime import time
from decimal import Decimal
from enum import Enum

SECRET_MARKERS = ("password", "token_hash", "secret")
REDACTED = "[redacted]"
MAX_VALUE_CHARS = 4000


def is_secret(name: str) -> bool:
    """True for a column whose values must never reach the log."""
    lowered = name.lower()
    return any(marker in lowered for marker in SECRET_MARKERS)


def to_json(value):
    """A value as JSON can hold it (see the module docstring)."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        return to_json(value.value)
    if isinstance(value, bytes | bytearray | memoryview):
        return f"[{len(value)} bytes]"
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json(v) for v in value]
    return str(value)


def field(name: str, value):
    """A column's value as stored in the log: redacted, JSON-safe and bounded."""
    if value is None:
        return None
    if is_secret(name):
        return REDACTED
    value = to_json(value)
    if isinstance(value, str):
        if len(value) > MAX_VALUE_CHARS:
            return f"{value[:MAX_VALUE_CHARS]}… [{len(value)} characters]"
        return value
    if isinstance(value, dict | list):
        size = len(json.dumps(value))
        if size > MAX_VALUE_CHARS:
            return f"[{size} characters of JSON omitted]"
    return value


def fields(values: dict | None) -> dict | None:
    """A row (or part of one) as stored in the log."""
    if values is None:
        return None
    return {str(k): field(str(k), v) for k, v in values.items()}


def id_ranges(ids: Iterable[int]) -> list[list[int]]:
    """Ids as [first, last] runs of consecutive numbers: [1, 2, 3, 7] → [[1, 3], [7, 7]]."""
    runs: list[list[int]] = []
    for number in sorted(set(ids)):
        if runs and number == runs[-1][1] + 1:
            runs[-1][1] = number
        else:
            runs.append([number, number])
    return runs

"""Cell values as people type them: numbers with decimal commas, units, shares and grades.

Each parser returns the typed value or raises `ValueError` with a message meant for the user
("not a number: 'abc'"); the row converter puts it under the row and column it came from.
"""

import math
import re
from datetime import date
from datetime import datetime

from passports.imports.columns import fold
from passports.models import CATEGORIES
from passports.models import CONNECTION_TYPES
from passports.models import HAZARD_KINDS

UNIT_SYNONYMS = {
    "pcs": (
        "pcs",
        "pc",
        "piece",
        "pieces",
        "st",
        "stk",
        "stuk",
        "stuks",
        "stück",
        "stueck",
        "each",
        "ea",
        "nr",
        "no",
        "x",
        "item",
        "items",
        "unit",
        "units",
        "stck",
    ),
    "m": (
        "m",
        "lm",
        "m1",
        "meter",
        "meters",
        "metre",
        "metres",
        "mtr",
        "lfm",
        "rm",
        "running metre",
        "strekkende meter",
        "laufmeter",
    ),
    "m2": (
        "m2",
        "m²",
        "sqm",
        "sq m",
        "sq.m",
        "sq. m",
        "m^2",
        "qm",
        "square metre",
        "square metres",
        "square meter",
        "square meters",
        "vierkante meter",
    ),
    "m3": (
        "m3",
        "m³",
        "cbm",
        "cu m",
        "cu.m",
        "m^3",
        "cubic metre",
        "cubic metres",
        "cubic meter",
        "cubic meters",
        "kubieke meter",
        "kubikmeter",
    ),
    "kg": ("kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramme"),
    "t": ("t", "ton", "tons", "tonne", "tonnes", "metric ton", "metric tons"),
}
_UNITS = {
    re.sub(r"\s+", " ", name.casefold()): unit
    for unit, names in UNIT_SYNONYMS.items()
    for name in names
}
MASS_TO_KG = {"kg": 1.0, "t": 1000.0, "g": 0.001}
CONDITION_WORDS = {
    "as new": 5,
    "new": 5,
    "nieuw": 5,
    "neu": 5,
    "excellent": 5,
    "goed": 4,
    "good": 4,
    "gut": 4,
    "fair": 3,
    "redelijk": 3,
    "matig": 3,
    "befriedigend": 3,
    "poor": 2,
    "slecht": 2,
    "schlecht": 2,
    "unusable": 1,
    "onbruikbaar": 1,
    "unbrauchbar": 1,
}
HAZARD_WORDS = {
    "asbestos": "asbestos",
    "asbest": "asbestos",
    "amiante": "asbestos",
    "pcb": "pcb",
    "pcbs": "pcb",
    "lead": "lead",
    "lood": "lead",
    "blei": "lead",
    "plomb": "lead",
}
_NUMBER = re.compile(r"^\s*([-+]?\s*[0-9][0-9.,'’\s\u00a0\u202f]*(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def unit_of(text: str) -> str | None:
    """The canonical unit for a typed one ('m²' → 'm2', 'stuks' → 'pcs'), or None."""
    key = re.sub(r"\s+", " ", str(text).strip().casefold().rstrip("."))
    return _UNITS.get(key)


def parse_number(value) -> float:
    """A finite number from a cell: 12,5 · 1.234,5 · 1,234.5 · 1 234,5 · 1e3."""
    if isinstance(value, bool):
        raise ValueError(f"not a number: {value!r}")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = re.sub(r"[\s'’\u00a0\u202f]", "", str(value))
        if "," in text and "." in text:
            decimal = "," if text.rfind(",") > text.rfind(".") else "."
            thousands = "." if decimal == "," else ","
            text = text.replace(thousands, "").replace(decimal, ".")
        elif text.count(",") > 1 or text.count(".") > 1:
            text = text.replace(",", "").replace(".", "") if _grouped(text) else "x"
        else:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(f"not a number: {str(value).strip()!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"not a number: {str(value).strip()!r}")
    return number


def _grouped(text: str) -> bool:
    # 1.234.567 or 1,234,567: every group after the first has three digits.
    parts = re.split(r"[.,]", text.lstrip("+-"))
    return all(p.isdigit() for p in parts) and all(len(p) == 3 for p in parts[1:])


def split_quantity(value) -> tuple[float, str | None]:
    """A number and the unit typed after it, if any: '12,5 m²' → (12.5, 'm2')."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return parse_number(value), None
    match = _NUMBER.match(str(value))
    if not match:
        raise ValueError(f"not a number: {str(value).strip()!r}")
    number, rest = match.groups()
    if not rest:
        return parse_number(number), None
    unit = unit_of(rest)
    if unit is None:
        raise ValueError(f"not a number: {str(value).strip()!r}")
    return parse_number(number), unit


def parse_mass(value) -> float:
    """A mass in kg; a unit may follow the number (kg, t, ton, g)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return parse_number(value)
    match = _NUMBER.match(str(value))
    if not match:
        raise ValueError(f"not a number: {str(value).strip()!r}")
    number, rest = match.groups()
    key = rest.casefold().rstrip(".")
    factor = MASS_TO_KG.get(unit_of(rest) or key) if rest else 1.0
    if factor is None:
        raise ValueError(f"unknown mass unit {rest!r} (use kg, t or g)")
    return parse_number(number) * factor


def parse_int(value) -> int:
    """A whole number (Excel's 1972.0 included)."""
    if isinstance(value, datetime | date):
        return value.year
    number = parse_number(value)
    if number != int(number):
        raise ValueError(f"not a whole number: {value!r}")
    return int(number)


def parse_share(value) -> float:
    """A share between 0 and 1: 0.3, 30% or 30 (read as per cent above 1)."""
    text = str(value).strip()
    percent = text.endswith("%")
    number = parse_number(text.rstrip("%").strip()) if not isinstance(value, float) else value
    if percent or number > 1:
        number = number / 100.0
    return number


def parse_condition(value) -> int:
    """A grade 1-5 from '4', '4 - Good' or 'good'."""
    text = str(value).strip()
    match = re.match(r"^(\d+)(?:[.,]0+)?\b", text)
    if match:
        return int(match.group(1))
    grade = CONDITION_WORDS.get(fold(text))
    if grade is None:
        raise ValueError(f"unknown condition {text!r} (use 1 to 5, 5 as new)")
    return grade


def parse_hazards(value) -> list[dict]:
    """Hazardous substances from 'asbestos; lead'; other substances are kept as 'other'."""
    hazards, seen = [], set()
    for part in re.split(r"[;|\n]+", str(value)):
        text = part.strip()
        if not text:
            continue
        kind = HAZARD_WORDS.get(fold(text), fold(text) if fold(text) in HAZARD_KINDS else "other")
        notes = "" if kind != "other" or fold(text) == "other" else text[:2000]
        if (kind, notes) not in seen:
            seen.add((kind, notes))
            hazards.append({"kind": kind, "notes": notes})
    return hazards


def choice(value, choices: tuple[str, ...]) -> str:
    """A vocabulary value from its label in any case ('External wall' → 'external_wall').

    An unknown value is returned as typed, so the schema's own message names the choices.
    """
    key = fold(value).replace(" ", "_")
    return key if key in choices else str(value).strip()


def category(value) -> str:
    """A component category from its name or label."""
    return choice(value, CATEGORIES)


def connection_type(value) -> str:
    """A connection type from its name or label."""
    return choice(value, CONNECTION_TYPES)


_SHARE_AFTER = re.compile(r"^(.*?)\s*(?:[:=]\s*([0-9.,]+)\s*(%?)|\(?\s*([0-9.,]+)\s*%\s*\)?)$")
_SHARE_BEFORE = re.compile(r"^([0-9.,]+)\s*%\s*(.+)$")


def parse_materials(value) -> list[tuple[str, float | None]]:
    """Material names with optional volume shares: 'brick 85%; mortar 15%', 'steel:0.6'."""
    parts = []
    for part in re.split(r"[;|\n]+", str(value)):
        text = part.strip()
        if not text:
            continue
        share = None
        before = _SHARE_BEFORE.match(text)
        after = _SHARE_AFTER.match(text)
        if before:
            share, text = parse_number(before.group(1)) / 100.0, before.group(2).strip()
        elif after and after.group(1):
            if after.group(2) is not None:
                share = parse_number(after.group(2))
                if after.group(3) or share > 1:
                    share /= 100.0
            else:
                share = parse_number(after.group(4)) / 100.0
            text = after.group(1).strip()
        parts.append((text, share))
    return parts


def complete_shares(parts: list[tuple[str, float | None]]) -> tuple[list[float], bool]:
    """Fill missing shares: the rest of 1 split equally over them. True when that was a guess."""
    given = [s for _, s in parts if s is not None]
    missing = len(parts) - len(given)
    if not missing:
        return [s for _, s in parts], False
    rest = max(0.0, 1.0 - sum(given)) / missing
    estimate = missing > 1 or not given
    return [s if s is not None else rest for _, s in parts], estimate and len(parts) > 1


def text(value, limit: int | None = None) -> str:
    """A cell as text; Excel's 12.0 becomes '12'."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = str(value).strip()
    return result[:limit] if limit else result

"""Numbers and units as people type them: decimal commas, thousands separators, unit
synonyms ('stuks', 'm²'), masses in any unit, whole numbers and shares."""

import math
import re
from datetime import date
from datetime import datetime

from flask_babel import gettext as _

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
        "styk",
        "個",
        "本",
        "枚",
        "台",
        "个",
        "件",
        "块",
        "根",
        "套",
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
        "løbende meter",
        "メートル",
        "米",
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
        "kvm",
        "kvadratmeter",
        "㎡",
        "平米",
        "平方メートル",
        "平方米",
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
        "㎥",
        "立米",
        "立方メートル",
        "立方米",
    ),
    "kg": (
        "kg",
        "kgs",
        "kilo",
        "kilos",
        "kilogram",
        "kilograms",
        "kilogramme",
        "キログラム",
        "公斤",
        "千克",
    ),
    "t": ("t", "ton", "tons", "tonne", "tonnes", "metric ton", "metric tons", "トン", "吨"),
}


_UNITS = {
    re.sub(r"\s+", " ", name.casefold()): unit
    for unit, names in UNIT_SYNONYMS.items()
    for name in names
}


MASS_TO_KG = {"kg": 1.0, "t": 1000.0, "g": 0.001}


_NUMBER = re.compile(r"^\s*([-+]?\s*[0-9][0-9.,'’\s\u00a0\u202f]*(?:[eE][-+]?\d+)?)\s*(.*?)\s*$")


def unit_of(text: str) -> str | None:
    """The canonical unit for a typed one ('m²' → 'm2', 'stuks' → 'pcs'), or None."""
    key = re.sub(r"\s+", " ", str(text).strip().casefold().rstrip("."))
    return _UNITS.get(key)


def parse_number(value) -> float:
    """A finite number from a cell: 12,5 · 1.234,5 · 1,234.5 · 1 234,5 · 1e3."""
    if isinstance(value, bool):
        raise ValueError(_not_a_number(value))
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
            raise ValueError(_not_a_number(value)) from None
    if not math.isfinite(number):
        raise ValueError(_not_a_number(value))
    return number


def _not_a_number(value) -> str:
    shown = value if isinstance(value, bool) else str(value).strip()
    return _("not a number: %(value)s", value=repr(shown))


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
        raise ValueError(_not_a_number(value))
    number, rest = match.groups()
    if not rest:
        return parse_number(number), None
    unit = unit_of(rest)
    if unit is None:
        raise ValueError(_not_a_number(value))
    return parse_number(number), unit


def parse_mass(value, unit: str = "kg") -> float:
    """A mass in kg from a cell in `unit` (the header's); a unit may follow the number
    (kg, t, ton, g) and wins."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return parse_number(value) * MASS_TO_KG[unit]
    match = _NUMBER.match(str(value))
    if not match:
        raise ValueError(_not_a_number(value))
    number, rest = match.groups()
    key = rest.casefold().rstrip(".")
    factor = MASS_TO_KG.get(unit_of(rest) or key) if rest else MASS_TO_KG[unit]
    if factor is None:
        raise ValueError(_("unknown mass unit %(unit)s (use kg, t or g)", unit=repr(rest)))
    return parse_number(number) * factor


# Lengths as spreadsheets give them, to millimetres: in a header ("width (cm)", "height_m")
# or after the number in a cell ("83 cm").
LENGTH_TO_MM = {
    "mm": 1.0,
    "millimetre": 1.0,
    "millimeter": 1.0,
    "cm": 10.0,
    "centimetre": 10.0,
    "centimeter": 10.0,
    "dm": 100.0,
    "m": 1000.0,
    "metre": 1000.0,
    "meter": 1000.0,
    "in": 25.4,
    "inch": 25.4,
    "inches": 25.4,
    '"': 25.4,
    "″": 25.4,
    "ft": 304.8,
    "feet": 304.8,
    "foot": 304.8,
    "'": 304.8,
    "′": 304.8,
}


def parse_length(value, unit: str = "mm") -> float:
    """A length in mm from a cell in `unit` (the header's); a unit may follow the number and
    wins: '83 cm' → 830, '2,11' in a column of metres → 2110."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return parse_number(value) * LENGTH_TO_MM[unit]
    match = _NUMBER.match(str(value))
    if not match:
        raise ValueError(_not_a_number(value))
    number, rest = match.groups()
    key = rest.casefold().rstrip(".") if rest else unit
    factor = LENGTH_TO_MM.get(key)
    if factor is None:
        raise ValueError(_("unknown length unit %(unit)s (use mm, cm, m or in)", unit=repr(rest)))
    return parse_number(number) * factor


def parse_int(value) -> int:
    """A whole number (Excel's 1972.0 included)."""
    if isinstance(value, datetime | date):
        return value.year
    number = parse_number(value)
    if number != int(number):
        raise ValueError(_("not a whole number: %(value)s", value=repr(value)))
    return int(number)


def parse_share(value) -> float:
    """A share between 0 and 1: 0.3, 30% or 30 (read as per cent above 1)."""
    text = str(value).strip()
    percent = text.endswith("%")
    number = parse_number(text.rstrip("%").strip()) if not isinstance(value, float) else value
    if percent or number > 1:
        number = number / 100.0
    return number

"""Words as people type them: condition grades, hazardous substances, vocabulary labels,
material lists with shares, and plain text cells."""

import re

from flask_babel import gettext as _

from passports.imports.columns import fold
from passports.imports.values.numbers import parse_number
from passports.models import CATEGORIES
from passports.models import CONNECTION_TYPES
from passports.models import HAZARD_KINDS

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


def parse_condition(value) -> int:
    """A grade 1-5 from '4', '4 - Good' or 'good'."""
    text = str(value).strip()
    match = re.match(r"^(\d+)(?:[.,]0+)?\b", text)
    if match:
        return int(match.group(1))
    grade = CONDITION_WORDS.get(fold(text))
    if grade is None:
        raise ValueError(_("unknown condition %(value)s (use 1 to 5, 5 as new)", value=repr(text)))
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

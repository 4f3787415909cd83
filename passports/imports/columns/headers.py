"""Matching a spreadsheet header to its field: fold case, accents, spaces and punctuation,
and drop a unit hint in brackets ("Volume (m³)" is "volume")."""

import re
import unicodedata

from passports.imports.columns.table import COLUMNS


def fold(text: str) -> str:
    """Case, accent and punctuation folded form: 'Hoeveelheid (m³)' → 'hoeveelheid m3'.
    Letters of other scripts are kept as they are: '数量（個）' → '数量 個'."""
    text = unicodedata.normalize("NFKD", str(text)).casefold()
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


_SYNONYMS: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.field, *_column.synonyms):
        _SYNONYMS.setdefault(fold(_name).replace(" ", ""), _column.field)


def match_header(header: str) -> str | None:
    """The field a header names, or None when it names none."""
    header = unicodedata.normalize("NFKC", str(header))  # full-width brackets too: （m³）
    folded = fold(header)
    candidates = [folded]
    without_brackets = fold(re.sub(r"[(\[{].*?[)\]}]", " ", header))
    candidates.append(without_brackets)
    # "Quantity m3", "Mass kg": a trailing unit word says the unit, not the column.
    candidates.append(re.sub(r" (m|m2|m3|kg|t|pcs|ton|mm|%|pct)$", "", without_brackets))
    for candidate in candidates:
        field = _SYNONYMS.get(candidate.replace(" ", ""))
        if field:
            return field
    return None


def header_unit(header: str, units) -> str | None:
    """The unit a header names among `units`, in brackets or as its last word:
    'Width (cm)' → 'cm', 'height_m' → 'm', 'Breite [in]' → 'in', 'width' → None."""
    header = unicodedata.normalize("NFKC", str(header))
    for inside in re.findall(r"[(\[{]\s*(.*?)\s*[)\]}]", header):
        key = inside.casefold().rstrip(".")
        if key in units:
            return key
        folded = fold(inside)
        if folded in units:
            return folded
    words = fold(header).split()
    if len(words) > 1 and words[-1] in units:
        return words[-1]
    return None

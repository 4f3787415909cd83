"""The CPV 2008 codes the product needs (construction products and works), carried as data,
with their labels in the app's languages where we carry a translation.

`cpv_label` is the English label, which the API, the exports and OCDS keep. Pages show
`local_cpv_label` (or `cpv_caption`, with the code): the label in the reader's language from
cpv_translations.csv, else the English label marked "(EN)", so that nobody mistakes it for a
translation and a screen reader can be told its language (`cpv_label_in`)."""

import csv
from functools import cache
from pathlib import Path

from flask import has_request_context
from flask_babel import get_locale

_DIR = Path(__file__).resolve().parent / "data"
_DATA = _DIR / "cpv_construction.csv"
_TRANSLATIONS = _DIR / "cpv_translations.csv"


@cache
def cpv_codes() -> dict[str, str]:
    """Code → English label, loaded once from the curated subset."""
    with _DATA.open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row["label"] for row in csv.DictReader(fh)}


@cache
def cpv_translations() -> dict[str, dict[str, str]]:
    """Code → {locale: label} for the codes we carry translated (see the file's header)."""
    with _TRANSLATIONS.open(encoding="utf-8", newline="") as fh:
        lines = (line for line in fh if not line.startswith("#"))
        return {
            row.pop("code"): {locale: label for locale, label in row.items() if label}
            for row in csv.DictReader(lines)
        }


# The shape of a code with its check digit; whether it is one of ours is is_valid_cpv's answer.
CPV_CODE = r"[0-9]{8}-[0-9]"
CPV_FORMAT = "A CPV code with its check digit, e.g. 44111100-2."
CPV_CONSTRUCTION = "Not a CPV code for construction products or works."


def is_valid_cpv(code: str) -> bool:
    """True when the code (with its check digit, e.g. 44111100-2) is in the subset."""
    return code in cpv_codes()


def cpv_label(code: str) -> str:
    """The English label of a code, or an empty string."""
    return cpv_codes().get(code, "")


def _page_locale() -> str:
    return str(get_locale() or "en") if has_request_context() else "en"


def cpv_label_in(code: str, locale: str | None = None) -> tuple[str, str]:
    """(label, the label's language) of a code for a reader of `locale` (the page's language
    by default): the translation where we carry one, else the English label and "en"; an
    empty label for a code that is not ours."""
    locale = locale or _page_locale()
    translated = cpv_translations().get(code, {}).get(locale)
    if translated:
        return translated, locale
    return cpv_label(code), "en"


def local_cpv_label(code: str, locale: str | None = None) -> str:
    """The label of a code for a reader of `locale` (the page's language by default): its
    translation, else the English label followed by "(EN)" on a page in another language
    ("Building materials" and "Bakstenen" on a Dutch page: "Sewer mains (EN)" where we carry no
    translation); an empty string for a code that is not ours."""
    locale = locale or _page_locale()
    label, language = cpv_label_in(code, locale)
    if label and language != locale and not locale.startswith("en"):
        return f"{label} (EN)"
    return label


def cpv_caption(code: str, locale: str | None = None) -> str:
    """A code with its label for people: "44111100-2 – Bakstenen", "44163130-0 – Sewer pipes
    (EN)"; the code alone when it is not ours."""
    label = local_cpv_label(code, locale)
    return f"{code} – {label}" if label else code

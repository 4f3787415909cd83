"""GS1 identifiers: GTIN check digits (GS1 General Specifications, section 7.9) and the one
stored form of a GTIN."""

from flask_babel import gettext as _

from passports.tags import format_tag


def gtin_check_digit(body: str) -> int:
    """The mod-10 check digit for the digits of a GTIN without its last digit."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def is_valid_gtin(value: str) -> bool:
    """True for a GTIN-8, -12, -13 or -14 whose check digit is right."""
    # isascii: str.isdigit() also accepts digits int() cannot read, such as "²".
    if not (value.isascii() and value.isdigit()) or len(value) not in (8, 12, 13, 14):
        return False
    return gtin_check_digit(value[:-1]) == int(value[-1])


def normalize_gtin(value: str | None) -> str | None:
    """A GTIN as stored and looked up: 14 digits, zero padded (GTIN-8/12/13 become GTIN-14).

    GS1 defines the shorter GTINs as the same number with leading zeros, so "8712345000011"
    and "08712345000011" name one trade item; storing one form keeps them one key.
    """
    if value is None:
        return None
    value = value.strip()
    return value.zfill(14) if value else None


# A second component with a GTIN and serial that are taken: the tag only when the user may see it.


def gtin_serial_taken_message(gtin: str, serial: str, tag: str | None = None) -> str:
    """Why a GTIN and serial number cannot be registered again (the tag only if it may be seen)."""
    if tag is None:
        return _(
            "GTIN %(gtin)s with serial %(serial)s is already registered.", gtin=gtin, serial=serial
        )
    return _(
        "GTIN %(gtin)s with serial %(serial)s is already registered to component %(tag)s.",
        gtin=gtin,
        serial=serial,
        tag=format_tag(tag),
    )

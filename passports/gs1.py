"""GS1 identifiers: GTIN check digits (GS1 General Specifications, section 7.9) and the one
stored form of a GTIN."""

from urllib.parse import quote

from flask import current_app
from flask_babel import gettext as _

from app.urls import public_path_url
from passports.tags import format_tag

LABEL_LINKS = ("tag", "gs1")


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


def giai(tag: str) -> str:
    """The component's GIAI (AI 8004): our GS1 company prefix followed by its tag."""
    return current_app.config["GS1_COMPANY_PREFIX"] + tag.upper()


def digital_link_path(tag: str, gtin: str | None = None, serial: str | None = None) -> str:
    """The path of the component's GS1 Digital Link URI.

    A trade item with a GTIN and a serial number is named by both (``/01/<GTIN-14>/21/<serial>``,
    the serial percent-encoded as GS1 Digital Link 1.2 section 5.6 asks); every other component,
    reclaimed ones above all, by its GIAI (``/8004/<prefix><TAG>``).
    """
    if gtin and serial:
        return f"/01/{normalize_gtin(gtin)}/21/{quote(serial, safe='')}"
    return f"/8004/{quote(giai(tag), safe='')}"


def digital_link_uri(tag: str, gtin: str | None = None, serial: str | None = None) -> str:
    """The component's GS1 Digital Link URI on PUBLIC_BASE_URL (the resolver is this app)."""
    return public_path_url(digital_link_path(tag, gtin, serial))


def label_url(tag: str, gtin: str | None = None, serial: str | None = None) -> str:
    """What a printed label encodes, as LABEL_LINK chooses: the tag URL or the GS1 URI."""
    if current_app.config.get("LABEL_LINK") == "gs1":
        return digital_link_uri(tag, gtin, serial)
    return public_path_url(f"/t/{tag.upper()}")

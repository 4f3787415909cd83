"""GS1 identifiers: GTIN check digits (GS1 General Specifications, section 7.9)."""


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

"""Component tags: short, unguessable, case-insensitive, with no look-alike characters.

A tag is 12 symbols of Crockford's base32 alphabet (no I, L, O or U), so 60 bits of randomness.
It is printed in groups of four (``7QKD-M2XA-9HCT``); reading accepts any case, spaces or
hyphens, and the look-alikes O→0 and I/L→1 that people type by mistake.
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 12
BITS = LENGTH * 5
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1"})
_VALID = re.compile(rf"^[{ALPHABET}]{{{LENGTH}}}$")


def new_tag() -> str:
    """Return a fresh random tag (60 bits from the OS CSPRNG)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalize_tag(text: str) -> str | None:
    """Canonical form of a typed or scanned tag, or None if it cannot be one."""
    cleaned = re.sub(r"[\s\-_.]", "", (text or "")).upper().translate(_LOOKALIKES)
    return cleaned if _VALID.match(cleaned) else None


def format_tag(tag: str) -> str:
    """The tag in readable groups of four, as printed on labels."""
    return "-".join(tag[i : i + 4] for i in range(0, len(tag), 4))

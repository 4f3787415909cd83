"""Password hashing with argon2id, and the rules a new password must follow."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError
from argon2.exceptions import VerificationError
from flask_babel import gettext as _

_hasher = PasswordHasher()

MIN_PASSWORD_LENGTH = 8
# Longer than anyone types, short enough that hashing it costs nothing unusual.
MAX_PASSWORD_LENGTH = 1000


def password_problems(password: str) -> list[str]:
    """What is wrong with a new password (account creation and password change), or []."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        return [_("Use at least %(num)d characters.", num=MIN_PASSWORD_LENGTH)]
    if len(password) > MAX_PASSWORD_LENGTH:
        return [_("Use at most %(num)d characters.", num=MAX_PASSWORD_LENGTH)]
    return []


def hash_password(password: str) -> str:
    """Return an argon2id hash of the password."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """True when the password matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)

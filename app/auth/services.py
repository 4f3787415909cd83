"""Writes for accounts: organisations, users and tokens. They flush; callers commit."""

import hashlib
import secrets

from marshmallow import ValidationError
from sqlalchemy import func, select

from app.auth import lockout
from app.auth.models import ORG_KINDS, ROLES, ApiToken, Organisation, User
from app.auth.passwords import hash_password, needs_rehash, verify_password
from app.extensions import db
from app.models import stamp_once, utcnow

TOKEN_PREFIX = "mpx_"
MIN_PASSWORD_LENGTH = 8
# Verifying against a real hash keeps the timing of "unknown email" like "wrong password".
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def hash_token(token: str) -> str:
    """SHA-256 of a bearer token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_organisation(name: str, kind: str) -> Organisation:
    """Register an organisation; names are unique."""
    name = name.strip()
    if kind not in ORG_KINDS:
        raise ValidationError({"kind": [f"Must be one of: {', '.join(ORG_KINDS)}."]})
    if not name:
        raise ValidationError({"name": ["Name is required."]})
    if find_organisation(name):
        raise ValidationError({"name": [f"An organisation named {name!r} already exists."]})
    org = Organisation(name=name, kind=kind)
    db.session.add(org)
    db.session.flush()
    return org


def find_organisation(name: str) -> Organisation | None:
    """Look an organisation up by name, ignoring case."""
    return db.session.scalar(
        select(Organisation).where(func.lower(Organisation.name) == name.strip().lower())
    )


def create_user(
    email: str, password: str, role: str, organisation: Organisation, name: str = ""
) -> User:
    """Register a user with an argon2 password hash."""
    email = email.strip().lower()
    errors: dict[str, list[str]] = {}
    if "@" not in email:
        errors["email"] = ["Not a valid email address."]
    elif db.session.scalar(select(User).where(User.email == email)):
        errors["email"] = ["A user with this email already exists."]
    if role not in ROLES:
        errors["role"] = [f"Must be one of: {', '.join(ROLES)}."]
    if len(password) < MIN_PASSWORD_LENGTH:
        errors["password"] = [f"Use at least {MIN_PASSWORD_LENGTH} characters."]
    if errors:
        raise ValidationError(errors)
    user = User(
        email=email,
        name=name,
        role=role,
        organisation=organisation,
        password_hash=hash_password(password),
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user with these credentials, or None; raise AccountLocked after too
    many failures for the account."""
    lockout.check(email)
    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower()))
    if user is None:
        verify_password(_DUMMY_HASH, password or "")
        lockout.record_failure(email)
        return None
    if not user.active or not verify_password(user.password_hash, password or ""):
        lockout.record_failure(email)
        return None
    lockout.clear(email)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def issue_token(user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token and return it with its clear text, which is never stored."""
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name[:100],
        token_hash=hash_token(clear),
        prefix=clear[: len(TOKEN_PREFIX) + 6],
    )
    db.session.add(token)
    db.session.flush()
    return token, clear


def user_for_token(clear: str) -> User | None:
    """The active user behind a bearer token, or None."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(clear)))
    if token is None or not token.active or not token.user.active:
        return None
    return token.user


def revoke_token(token: ApiToken) -> ApiToken:
    """Revoke a token; revoking twice is harmless."""
    return stamp_once(token, "revoked_at")

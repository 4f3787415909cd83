"""Writes for accounts: organisations, users and tokens. They flush; callers commit."""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import func
from sqlalchemy import select

from app.auth import lockout
from app.auth.models import ORG_KINDS
from app.auth.models import ROLES
from app.auth.models import ApiToken
from app.auth.models import Organisation
from app.auth.models import User
from app.auth.passwords import hash_password
from app.auth.passwords import needs_rehash
from app.auth.passwords import password_problems
from app.auth.passwords import verify_password
from app.extensions import db
from app.models import stamp_once
from app.models import utcnow

TOKEN_PREFIX = "mpx_"
# Verifying against a real hash keeps the timing of "unknown email" like "wrong password".
_DUMMY_HASH = hash_password(secrets.token_urlsafe(16))


def hash_token(token: str) -> str:
    """SHA-256 of a bearer token, as stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_organisation(name: str, kind: str) -> Organisation:
    """Register an organisation; names are unique."""
    name = name.strip()
    if kind not in ORG_KINDS:
        raise ValidationError(
            {"kind": [_("Must be one of: %(choices)s.", choices=", ".join(ORG_KINDS))]}
        )
    if not name:
        raise ValidationError({"name": [_("Name is required.")]})
    if find_organisation(name):
        raise ValidationError(
            {"name": [_("An organisation named “%(name)s” already exists.", name=name)]}
        )
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
        errors["email"] = [_("Not a valid email address.")]
    elif db.session.scalar(select(User).where(User.email == email)):
        errors["email"] = [_("A user with this email already exists.")]
    if role not in ROLES:
        errors["role"] = [_("Must be one of: %(choices)s.", choices=", ".join(ROLES))]
    if problems := password_problems(password):
        errors["password"] = problems
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
    user = _check_credentials(email, password)
    if user is not None:
        user.last_login_at = utcnow()
    return user


def _check_credentials(email: str, password: str) -> User | None:
    """The active user with these credentials, or None, counted by the lockout."""
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
    return user


def end_sessions(user: User) -> None:
    """Make every session and remember-me cookie issued to the user so far stop working."""
    user.session_generation = (user.session_generation or 0) + 1
    db.session.flush()


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Set a new password after re-checking the current one (counted by the lockout like a
    login); every login of the account ends. API tokens keep working."""
    errors: dict[str, list[str]] = {}
    checked = _check_credentials(user.email, current_password or "")
    if checked is None or checked.id != user.id:
        errors["current_password"] = [_("The current password is not correct.")]
    if problems := password_problems(new_password):
        errors["new_password"] = problems
    if errors:
        raise ValidationError(errors)
    user.password_hash = hash_password(new_password)
    end_sessions(user)


def log_out_everywhere(user: User) -> int:
    """End every login of the account and revoke all its API tokens; return how many tokens
    were revoked."""
    end_sessions(user)
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        revoke_token(token)
    return len(tokens)


def issue_token(
    user: User, name: str = "", expires_in_days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token, lasting `expires_in_days` if given, and return it with its clear text,
    which is never stored."""
    clear = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name[:100],
        token_hash=hash_token(clear),
        prefix=clear[: len(TOKEN_PREFIX) + 6],
        expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    db.session.add(token)
    db.session.flush()
    return token, clear


def user_for_token(clear: str) -> User | None:
    """The active user behind an active (neither revoked nor expired) bearer token, or None."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(clear)))
    if token is None or not token.active or not token.user.active:
        return None
    return token.user


def revoke_token(token: ApiToken) -> ApiToken:
    """Revoke a token; revoking twice is harmless."""
    return stamp_once(token, "revoked_at")

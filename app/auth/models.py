"""Organisations, users with one role each, and hashed API tokens."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import CheckConstraint
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.extensions import db
from app.i18n import words
from app.models import CreatedMixin
from app.models import TimestampMixin
from app.models import utcnow

ROLES = ("admin", "owner", "contractor", "buyer")
ORG_KINDS = ("municipality", "company", "contractor", "dealer")
# The roles and kinds of organisation as people read them (the `label` filter). "contractor"
# is both, and one word serves.
words(
    {
        "admin": _l("Administrator"),
        "owner": _l("Owner"),
        "contractor": _l("Contractor"),
        "buyer": _l("Buyer"),
        "municipality": _l("Municipality"),
        "company": _l("Company"),
        "dealer": _l("Dealer"),
    }
)


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Organisation(TimestampMixin, db.Model):
    """A municipality, company, contractor or dealer that users belong to."""

    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint(_in("kind", ORG_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20))

    users: Mapped[list["User"]] = relationship(back_populates="organisation")

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r} ({self.kind})>"


class User(UserMixin, TimestampMixin, db.Model):
    """A person who logs in; the role decides what they may do."""

    __tablename__ = "users"
    __table_args__ = (CheckConstraint(_in("role", ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Part of every session and remember-me cookie: logout, a password change and "log out
    # everywhere" increase it, so every cookie issued before stops working.
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The language and time zone the user chose (app/i18n.py); None follows the browser and
    # the instance's default.
    locale: Mapped[str | None] = mapped_column(String(10))
    timezone: Mapped[str | None] = mapped_column(String(64))

    organisation: Mapped[Organisation] = relationship(back_populates="users")
    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user")

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses inactive users."""
        return self.active

    @property
    def is_admin(self) -> bool:
        """Admins may do everything."""
        return self.role == "admin"

    def get_id(self) -> str:
        """Flask-Login's id for the cookies: the user and the session generation, so that
        raising the generation makes every cookie issued before it stop working."""
        return f"{self.id}:{self.session_generation or 0}"

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class ApiToken(CreatedMixin, db.Model):
    """A bearer token; only its SHA-256 is stored, the clear text is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # A token may be given an end; None means it lasts until revoked.
    expires_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    @property
    def expired(self) -> bool:
        """True once the token's end, if it has one, has passed."""
        return self.expires_at is not None and self.expires_at <= utcnow()

    @property
    def active(self) -> bool:
        """A token works until it is revoked or expires."""
        return self.revoked_at is None and not self.expired

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} {self.prefix}… user={self.user_id}>"

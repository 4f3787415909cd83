"""Column helpers shared by every package's models."""

from datetime import UTC
from datetime import datetime
from typing import TypeVar

from sqlalchemy import DateTime
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db

T = TypeVar("T")


def utcnow() -> datetime:
    """Naive UTC now: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


def stamp_once(obj: T, column: str) -> T:
    """Set a moment column (archived_at, revoked_at, read_at) to now and flush; a second call
    keeps the first moment, so archiving or revoking twice is harmless."""
    if getattr(obj, column) is None:
        setattr(obj, column, utcnow())
    db.session.flush()
    return obj


class CreatedMixin:
    """created_at, set when the row is inserted."""

    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, nullable=False)


class TimestampMixin(CreatedMixin):
    """created_at and updated_at, maintained by SQLAlchemy."""

    updated_at: Mapped[datetime] = mapped_column(
        DateTime, default=utcnow, onupdate=utcnow, nullable=False
    )


class StoredFileMixin(CreatedMixin):
    """A file kept in the upload folder under a generated name (see `app.storage`)."""

    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(20))

"""Column helpers shared by every package's models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column


def utcnow() -> datetime:
    """Naive UTC now: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


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

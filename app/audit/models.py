"""One row per write: the audit log. Rows are only ever inserted, below the ORM, in the
transaction of the write they describe (see `app.audit.services`)."""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import BigInteger
from sqlalchemy import CheckConstraint
from sqlalchemy import DateTime
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models import utcnow

ACTIONS = ("create", "update", "delete")
# JSONB on PostgreSQL (compact, indexable), JSON text elsewhere.
JsonValue = JSON().with_variant(JSONB(), "postgresql")


class AuditEntry(db.Model):
    """A create, update or delete of one row (or a summary of a bulk write), with its actor.

    The actor is copied, never referenced: deleting a user or an organisation keeps its
    history readable, and no foreign key ties the log to the tables it describes.
    """

    __tablename__ = "audit_log"
    __repr_attrs__ = ("id", "action", "entity", "entity_id", "actor_email", "source")
    __table_args__ = (
        CheckConstraint("action IN ('create', 'update', 'delete')", name="action"),
        Index("ix_audit_log_entity_entity_id", "entity", "entity_id"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)  # naive UTC
    actor_user_id: Mapped[int | None] = mapped_column(Integer)
    actor_email: Mapped[str | None] = mapped_column(String(254))
    actor_org_id: Mapped[int | None] = mapped_column(Integer)
    # "web", "api", "cli:<command>", "job:<name>" or "system".
    source: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(6))
    entity: Mapped[str] = mapped_column(String(64))  # a table name, or a bulk write's name
    entity_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict | None] = mapped_column(JsonValue)
    after: Mapped[dict | None] = mapped_column(JsonValue)
    changed: Mapped[list | None] = mapped_column(JsonValue)
    request_id: Mapped[str | None] = mapped_column(String(128))
    method: Mapped[str | None] = mapped_column(String(10))
    path: Mapped[str | None] = mapped_column(String(300))
    remote_addr: Mapped[str | None] = mapped_column(String(64))

"""The chain of custody: append-only component events and their photos."""

from datetime import datetime

from sqlalchemy import Boolean
from sqlalchemy import CheckConstraint
from sqlalchemy import DateTime
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import UniqueConstraint
from sqlalchemy import event
from sqlalchemy import false
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import Organisation
from app.auth.models import User
from app.auth.models import _in
from app.extensions import db
from app.models import StoredFileMixin
from app.models import utcnow
from passports.models.buildings import Building
from passports.models.components import Component
from passports.models.vocab import ALL_EVENT_KINDS
from passports.models.vocab import COMPONENT_STATUSES
from passports.models.vocab import DISPOSAL_ROUTES

# What an event records besides its kind and the status it moved the component between: a
# request may give these, the API shows them, and a passport document carries them.
EVENT_FIELDS = (
    "occurred_at",
    "condition",
    "location",
    "from_location",
    "to_location",
    "distance_km",
    "building_id",
    "disposal_route",
    "latitude",
    "longitude",
    "notes",
)


class ComponentEvent(db.Model):
    """Something that happened to a component: who, when, what, where. Never changed."""

    __tablename__ = "component_events"
    __repr_attrs__ = ("id", "component_id", "kind")
    __table_args__ = (
        CheckConstraint(_in("kind", ALL_EVENT_KINDS), name="kind"),
        CheckConstraint(_in("status_after", COMPONENT_STATUSES), name="status_after"),
        CheckConstraint("condition IS NULL OR (condition BETWEEN 1 AND 5)", name="condition"),
        CheckConstraint("distance_km IS NULL OR distance_km >= 0", name="distance"),
        CheckConstraint(
            "disposal_route IS NULL OR " + _in("disposal_route", DISPOSAL_ROUTES), name="route"
        ),
        UniqueConstraint("user_id", "idempotency_key", name="user_idempotency_key"),
        Index("ix_component_events_component_occurred", "component_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id"))
    kind: Mapped[str] = mapped_column(String(20))
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    status_before: Mapped[str] = mapped_column(String(16))
    status_after: Mapped[str] = mapped_column(String(16))
    condition: Mapped[int | None] = mapped_column(Integer)
    location: Mapped[str] = mapped_column(String(300), default="")
    from_location: Mapped[str] = mapped_column(String(300), default="")
    to_location: Mapped[str] = mapped_column(String(300), default="")
    distance_km: Mapped[float | None] = mapped_column(Float)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    disposal_route: Mapped[str | None] = mapped_column(String(12))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str] = mapped_column(Text, default="")
    idempotency_key: Mapped[str | None] = mapped_column(String(100))
    request_hash: Mapped[str | None] = mapped_column(String(64))
    # Copied from another instance's passport: kept as history, never this instance's own act.
    imported: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    component: Mapped[Component] = relationship()
    user: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    building: Mapped[Building | None] = relationship()
    photos: Mapped[list["EventPhoto"]] = relationship(
        back_populates="event", order_by="EventPhoto.id"
    )


class EventPhoto(StoredFileMixin, db.Model):
    """A photo attached to an event, re-encoded and stored under a generated name."""

    __tablename__ = "event_photos"
    __repr_attrs__ = ("id", "stored_name")

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("component_events.id"), index=True)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))

    event: Mapped[ComponentEvent] = relationship(back_populates="photos")


@event.listens_for(ComponentEvent, "before_update")
@event.listens_for(ComponentEvent, "before_delete")
@event.listens_for(EventPhoto, "before_update")
@event.listens_for(EventPhoto, "before_delete")
def _append_only(_mapper, _connection, target) -> None:
    raise RuntimeError(f"{target!r} is part of the chain of custody and cannot change")

"""Buildings and the access their owners grant to other organisations."""

from datetime import date
from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import Date
from sqlalchemy import DateTime
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import Organisation
from app.auth.models import User
from app.auth.models import _in
from app.extensions import db
from app.models import CreatedMixin
from app.models import TimestampMixin
from passports.models.vocab import BUILDING_STATUSES

# What a passport records about its building: the passport document carries these, and the
# generator writes them.
BUILDING_FIELDS = (
    "name",
    "address",
    "city",
    "country",
    "latitude",
    "longitude",
    "year_built",
    "gross_floor_area_m2",
    "use_type",
    "status",
    "planned_date",
)


class Building(TimestampMixin, db.Model):
    """A building with a passport, owned by one organisation."""

    __tablename__ = "buildings"
    __repr_attrs__ = ("id", "name", "city")
    __table_args__ = (
        CheckConstraint(_in("status", BUILDING_STATUSES), name="status"),
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="lat"),
        CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="lon"
        ),
        # Buildings due for demolition near a wanted request (migration 0014).
        Index("ix_buildings_status_lat_lon", "status", "latitude", "longitude"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="", index=True)
    country: Mapped[str] = mapped_column(String(2), default="")
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    year_built: Mapped[int | None] = mapped_column(Integer)
    gross_floor_area_m2: Mapped[float | None] = mapped_column(Float)
    use_type: Mapped[str] = mapped_column(String(20), default="other")
    status: Mapped[str] = mapped_column(String(24), default="in_use")
    planned_date: Mapped[date | None] = mapped_column(Date)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
    #: The building's identifier in its city's building register, when known: the register
    #: entry with the same id (mine.models.RegisterBuilding) is this building's estimate.
    register_id: Mapped[str | None] = mapped_column(String(64), index=True)

    organisation: Mapped[Organisation] = relationship()
    grants: Mapped[list["BuildingAccess"]] = relationship(
        back_populates="building", cascade="all, delete-orphan"
    )


class BuildingAccess(CreatedMixin, db.Model):
    """An owner's grant of read access to another organisation, usually a contractor."""

    __tablename__ = "building_access"
    __repr_attrs__ = ("building_id", "organisation_id")
    __table_args__ = (UniqueConstraint("building_id", "organisation_id", name="building_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_on: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    building: Mapped[Building] = relationship(back_populates="grants")
    organisation: Mapped[Organisation] = relationship()
    granted_by: Mapped[User | None] = relationship()

    def is_active_on(self, day: date) -> bool:
        """A grant counts until it is revoked or its expiry day has passed."""
        return self.revoked_at is None and (self.expires_on is None or self.expires_on >= day)

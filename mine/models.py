"""The building register: every building of a city, surveyed or not, as the city's own register
lists it. Register buildings are not passports; they are the estimate layer of the urban mine and
belong to the organisation that imported them (the city). A passport building links to its
register entry when one matches (`building_id`)."""

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
from app.extensions import db
from app.models import TimestampMixin
from passports.models import Building


class RegisterBuilding(TimestampMixin, db.Model):
    """One building of a city's register: where it stands, what it is used for, when it was
    built, its floor area, and when it is due to be demolished, if planned.

    `intensity_key` is the material intensity cell asked for ("use|structure|period|region",
    the keys of mine.intensity); the estimate follows from it and the floor area, so the city
    dashboard adds floor areas per cell instead of reading every building. `estimated_mass_kg`
    (all families, median) shades the map."""

    __tablename__ = "register_buildings"
    __repr_attrs__ = ("id", "register_id", "city")
    __table_args__ = (
        UniqueConstraint("organisation_id", "register_id"),
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="lat"),
        CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="lon"
        ),
        CheckConstraint("floor_area_m2 IS NULL OR floor_area_m2 >= 0", name="floor_area"),
        Index("ix_register_buildings_org_key", "organisation_id", "intensity_key"),
        Index("ix_register_buildings_lat_lon", "latitude", "longitude"),
        Index("ix_register_buildings_demolition", "organisation_id", "planned_demolition"),
        # The register's latest write, an index lookup: the urban mine's cached figures
        # (mine.queries) are good while it stays the same.
        Index("ix_register_buildings_updated", "updated_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: The register's own identifier; re-importing updates the building with the same id.
    register_id: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="", index=True)
    country: Mapped[str] = mapped_column(String(2), default="")
    #: WGS 84; the centroid of the footprint when the register gives a polygon.
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    use_type: Mapped[str] = mapped_column(String(20), default="other")
    #: Main structure as the intensity table knows it (mine.data STRUCTURES), or "" if unknown.
    structure: Mapped[str] = mapped_column(String(20), default="")
    year_built: Mapped[int | None] = mapped_column(Integer)
    gross_floor_area_m2: Mapped[float | None] = mapped_column(Float)
    footprint_m2: Mapped[float | None] = mapped_column(Float)
    storeys: Mapped[float | None] = mapped_column(Float)
    #: The floor area the estimate uses (mine.estimate.floor_area of the three above).
    floor_area_m2: Mapped[float | None] = mapped_column(Float)
    planned_demolition: Mapped[date | None] = mapped_column(Date)
    intensity_key: Mapped[str] = mapped_column(String(80), default="any|any|any|any")
    estimated_mass_kg: Mapped[float | None] = mapped_column(Float)
    estimated_carbon_kg: Mapped[float | None] = mapped_column(Float)
    #: The passport building that surveys this one, when one matches.
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"), index=True)
    imported_at: Mapped[datetime | None] = mapped_column(DateTime)

    organisation: Mapped[Organisation] = relationship()
    building: Mapped[Building | None] = relationship()

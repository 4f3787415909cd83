"""The register's buildings aggregated per map cell and zoom, per organisation: what the map's
clusters read at low zoom instead of the register's rows (see dashboard.map.grid)."""

from datetime import datetime

from sqlalchemy import JSON
from sqlalchemy import Boolean
from sqlalchemy import DateTime
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models import utcnow
from mine.models import RegisterBuilding

# What tells the map that a register changed: its latest write (migration 0018).
Index(
    "ix_register_buildings_org_updated",
    RegisterBuilding.organisation_id,
    RegisterBuilding.updated_at,
)


class MapCell(db.Model):
    """The register buildings of one organisation in one cell of one zoom, by planned
    demolition and surveyed (a passport building links to it): how many, the sums of their
    coordinates (centroid = sum / count) and their estimated mass, in all and by family."""

    __tablename__ = "map_cells"
    __repr_attrs__ = ("organisation_id", "zoom", "cx", "cy", "building_count")

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    zoom: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    cx: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    cy: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    demolition: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    surveyed: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    building_count: Mapped[int] = mapped_column(Integer, default=0)
    sum_latitude: Mapped[float] = mapped_column(Float, default=0.0)
    sum_longitude: Mapped[float] = mapped_column(Float, default=0.0)
    mass_kg: Mapped[float] = mapped_column(Float, default=0.0)
    #: By material family: {family: [buildings whose estimate has it, its estimated mass]}.
    families: Mapped[dict] = mapped_column(JSON, default=dict)


class MapGridState(db.Model):
    """Which state of an organisation's register its cells were made from: the latest
    `updated_at` of its register buildings (and their count) when the cells were refreshed."""

    __tablename__ = "map_grid_states"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    refreshed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

"""Per-building aggregates behind the dashboards, refreshed whenever a building's passport is
written (see `dashboard.services`), so an organisation or a city sums a few rows per building
instead of scanning every component.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy import DateTime
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.extensions import db
from app.models import utcnow


class BuildingMetrics(db.Model):
    """The circularity totals of one building's live (not archived) components."""

    __tablename__ = "building_metrics"
    __repr_attrs__ = ("building_id", "component_count")

    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), primary_key=True)
    component_count: Mapped[int] = mapped_column(Integer, default=0)
    mass_kg: Mapped[float] = mapped_column(Float, default=0.0)
    components_without_mass: Mapped[int] = mapped_column(Integer, default=0)
    carbon_a1a3_kg: Mapped[float] = mapped_column(Float, default=0.0)
    # Σ score × mass and the mass it was taken over, so that any group of buildings averages
    # by mass exactly: Σ(Σ mci·M) / Σ(Σ M).
    mci_mass: Mapped[float] = mapped_column(Float, default=0.0)
    mci_basis_kg: Mapped[float] = mapped_column(Float, default=0.0)
    disassembly_mass: Mapped[float] = mapped_column(Float, default=0.0)
    disassembly_basis_kg: Mapped[float] = mapped_column(Float, default=0.0)
    full_kg: Mapped[float] = mapped_column(Float, default=0.0)
    defaults_kg: Mapped[float] = mapped_column(Float, default=0.0)
    none_kg: Mapped[float] = mapped_column(Float, default=0.0)
    unscored_count: Mapped[int] = mapped_column(Integer, default=0)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class BuildingMetricPart(db.Model):
    """A building's mass (and carbon) by material family or by lifecycle status."""

    __tablename__ = "building_metric_parts"
    __repr_attrs__ = ("building_id", "dimension", "key")
    __table_args__ = (CheckConstraint("dimension IN ('family', 'status')", name="dimension"),)

    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(8), primary_key=True)
    key: Mapped[str] = mapped_column(String(20), primary_key=True)
    component_count: Mapped[int] = mapped_column(Integer, default=0)
    mass_kg: Mapped[float] = mapped_column(Float, default=0.0)
    carbon_a1a3_kg: Mapped[float] = mapped_column(Float, default=0.0)


class BuildingActivity(db.Model):
    """How many events the passports of a building's components recorded in a month."""

    __tablename__ = "building_activity"
    __repr_attrs__ = ("building_id", "month", "kind", "event_count")

    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "2026-11"
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_count: Mapped[int] = mapped_column(Integer, default=0)

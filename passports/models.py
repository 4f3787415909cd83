"""The passport nouns: materials, buildings, access grants, components and their parts."""

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Organisation, User, _in
from app.extensions import db
from app.models import TimestampMixin, utcnow

MATERIAL_FAMILIES = (
    "masonry",
    "concrete",
    "steel",
    "aluminium",
    "copper",
    "metals_other",
    "timber",
    "glass",
    "insulation",
    "gypsum",
    "ceramics",
    "stone",
    "plastics",
    "bitumen",
    "mortar",
    "other",
)
BUILDING_STATUSES = ("in_use", "renovation_planned", "demolition_planned", "demolished")
USE_TYPES = (
    "civic",
    "office",
    "education",
    "healthcare",
    "residential",
    "industrial",
    "retail",
    "sports",
    "culture",
    "mixed",
    "other",
)
UNITS = ("pcs", "m", "m2", "m3", "kg", "t")
CATEGORIES = (
    "foundation",
    "structure",
    "external_wall",
    "internal_wall",
    "facade",
    "floor",
    "roof",
    "stair",
    "window",
    "door",
    "ceiling",
    "finish",
    "installation",
    "fixture",
    "other",
)
CONNECTION_TYPES = (
    "dry",
    "click",
    "bolted",
    "screwed",
    "nailed",
    "lime_mortar",
    "cement_mortar",
    "glued",
    "welded",
    "cast",
)
HAZARD_KINDS = ("asbestos", "pcb", "lead", "other")
COMPONENT_STATUSES = (
    "installed",
    "to_harvest",
    "harvested",
    "in_storage",
    "listed",
    "reserved",
    "transferred",
    "reinstalled",
    "disposed",
)
# The harvest chain; "disposed" is reachable from every state but itself.
STATUS_CHAIN = COMPONENT_STATUSES[:-1]
CONDITION_GRADES = {
    5: "As new: no visible wear, reusable as it is",
    4: "Good: light wear, reusable after cleaning",
    3: "Fair: reusable after minor repair",
    2: "Poor: reusable only after substantial refurbishment",
    1: "Unusable for reuse: recycle or recover",
}


class Material(TimestampMixin, db.Model):
    """An entry of the material library with density, embodied carbon and a CPV code."""

    __tablename__ = "materials"
    __table_args__ = (
        CheckConstraint(_in("family", MATERIAL_FAMILIES), name="family"),
        CheckConstraint("density_kg_m3 > 0", name="density_positive"),
        CheckConstraint("carbon_a1a3 >= 0", name="carbon_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    family: Mapped[str] = mapped_column(String(20), index=True)
    density_kg_m3: Mapped[float] = mapped_column(Float)
    carbon_a1a3: Mapped[float] = mapped_column(Float, doc="kgCO2e per kg, cradle to gate")
    carbon_source: Mapped[str] = mapped_column(Text)
    cpv_code: Mapped[str] = mapped_column(String(10))
    reference_service_life_years: Mapped[int | None] = mapped_column(Integer)
    reprocessing_kgco2e_per_kg: Mapped[float] = mapped_column(Float, default=0.0)
    reprocessing_source: Mapped[str] = mapped_column(Text, default="")
    aliases: Mapped[str] = mapped_column(Text, default="")

    def __repr__(self) -> str:
        return f"<Material {self.id} {self.slug}>"


class Building(TimestampMixin, db.Model):
    """A building with a passport, owned by one organisation."""

    __tablename__ = "buildings"
    __table_args__ = (
        CheckConstraint(_in("status", BUILDING_STATUSES), name="status"),
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="lat"),
        CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="lon"
        ),
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

    organisation: Mapped[Organisation] = relationship()
    grants: Mapped[list["BuildingAccess"]] = relationship(
        back_populates="building", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Building {self.id} {self.name!r} {self.city}>"


class BuildingAccess(db.Model):
    """An owner's grant of read access to another organisation, usually a contractor."""

    __tablename__ = "building_access"
    __table_args__ = (UniqueConstraint("building_id", "organisation_id", name="building_org"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    expires_on: Mapped[date | None] = mapped_column(Date)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    building: Mapped[Building] = relationship(back_populates="grants")
    organisation: Mapped[Organisation] = relationship()
    granted_by: Mapped[User | None] = relationship()

    def is_active_on(self, day: date) -> bool:
        """A grant counts until it is revoked or its expiry day has passed."""
        return self.revoked_at is None and (self.expires_on is None or self.expires_on >= day)

    def __repr__(self) -> str:
        return f"<BuildingAccess building={self.building_id} org={self.organisation_id}>"


class Component(TimestampMixin, db.Model):
    """A building element, or a lot of identical elements, with its public tag."""

    __tablename__ = "components"
    __table_args__ = (
        CheckConstraint(_in("status", COMPONENT_STATUSES), name="status"),
        CheckConstraint(_in("unit", UNITS), name="unit"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("mass_kg IS NULL OR mass_kg >= 0", name="mass_not_negative"),
        CheckConstraint("condition IS NULL OR (condition BETWEEN 1 AND 5)", name="condition"),
        CheckConstraint("recycled_content >= 0 AND recycled_content <= 1", name="recycled"),
        CheckConstraint("reused_content >= 0 AND reused_content <= 1", name="reused"),
        CheckConstraint("recycled_content + reused_content <= 1.000001", name="feedstock"),
        Index("ix_components_building_status", "building_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    tag: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(24), default="other")
    storey: Mapped[str] = mapped_column(String(100), default="")
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(4))
    volume_m3: Mapped[float | None] = mapped_column(Float)
    mass_kg: Mapped[float | None] = mapped_column(Float)
    mass_source: Mapped[str] = mapped_column(String(10), default="unknown")
    mass_derivation: Mapped[str] = mapped_column(String(500), default="")
    condition: Mapped[int | None] = mapped_column(Integer)
    connection_type: Mapped[str | None] = mapped_column(String(20))
    install_year: Mapped[int | None] = mapped_column(Integer)
    service_life_years: Mapped[int | None] = mapped_column(Integer)
    recycled_content: Mapped[float] = mapped_column(Float, default=0.0)
    reused_content: Mapped[float] = mapped_column(Float, default=0.0)
    manufacturer: Mapped[str] = mapped_column(String(200), default="")
    gtin: Mapped[str | None] = mapped_column(String(14), index=True)
    serial_number: Mapped[str | None] = mapped_column(String(40))
    ifc_guid: Mapped[str | None] = mapped_column(String(22), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="installed")
    reuse_cycles: Mapped[int] = mapped_column(Integer, default=0)
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)

    building: Mapped[Building] = relationship()
    materials: Mapped[list["ComponentMaterial"]] = relationship(
        back_populates="component",
        cascade="all, delete-orphan",
        order_by="ComponentMaterial.position",
    )
    hazards: Mapped[list["ComponentHazard"]] = relationship(
        back_populates="component", cascade="all, delete-orphan", order_by="ComponentHazard.id"
    )

    def __repr__(self) -> str:
        return f"<Component {self.id} {self.tag} {self.name!r}>"


class ComponentMaterial(db.Model):
    """One material of a component: its share by volume and the mass that follows from it."""

    __tablename__ = "component_materials"
    __table_args__ = (
        CheckConstraint("fraction > 0 AND fraction <= 1", name="fraction"),
        UniqueConstraint("component_id", "material_id", name="component_material"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), index=True
    )
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    fraction: Mapped[float] = mapped_column(Float)
    mass_kg: Mapped[float | None] = mapped_column(Float)

    component: Mapped[Component] = relationship(back_populates="materials")
    material: Mapped[Material] = relationship()

    def __repr__(self) -> str:
        return f"<ComponentMaterial c={self.component_id} m={self.material_id} {self.fraction}>"


class ComponentHazard(db.Model):
    """A hazardous substance found in a component."""

    __tablename__ = "component_hazards"
    __table_args__ = (CheckConstraint(_in("kind", HAZARD_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))
    notes: Mapped[str] = mapped_column(Text, default="")

    component: Mapped[Component] = relationship(back_populates="hazards")

    def __repr__(self) -> str:
        return f"<ComponentHazard c={self.component_id} {self.kind}>"

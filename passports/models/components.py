"""Components, their material shares and their hazardous substances."""

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
from sqlalchemy import true
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import _in
from app.extensions import db
from app.models import TimestampMixin
from passports.models.buildings import Building
from passports.models.library import Material
from passports.models.vocab import ACCESSIBILITY
from passports.models.vocab import COMPONENT_STATUSES
from passports.models.vocab import EDGE_ENCLOSURES
from passports.models.vocab import HAZARD_KINDS
from passports.models.vocab import INTERSECTIONS
from passports.models.vocab import METRICS_QUALITIES
from passports.models.vocab import UNITS

# Measures are positive where given (a zero width is no measure).
DIMENSION_FIELDS = ("width_mm", "height_mm", "depth_mm", "length_mm")
# The measures with one element's mass: what a lot of one kind shares (within a tolerance).
MEASURE_FIELDS = (*DIMENSION_FIELDS, "unit_mass_kg")
DIMENSIONS_POSITIVE = " AND ".join(f"({name} IS NULL OR {name} > 0)" for name in MEASURE_FIELDS)

# The passport fields of a component: what its passport records, in the order the passport
# document lists them. The document exports them, an import copies them back, the create and
# update services take the recorded ones, a part split off a lot takes them over and the
# synthetic generator leaves the ones it does not vary at the column's default. A new column
# that belongs to the passport is added here (and to passports/schema/passport.schema.json).
PASSPORT_FIELDS = (
    "name",
    "category",
    "storey",
    "quantity",
    "unit",
    "volume_m3",
    "width_mm",
    "height_mm",
    "depth_mm",
    "length_mm",
    "mass_kg",
    "unit_mass_kg",
    "mass_source",
    "mass_derivation",
    "condition",
    "connection_type",
    "accessibility",
    "intersections",
    "edge_enclosure",
    "eol_reuse_fraction",
    "eol_recycle_fraction",
    "install_year",
    "service_life_years",
    "recycled_content",
    "reused_content",
    "manufacturer",
    "gtin",
    "serial_number",
    "ifc_guid",
    "ifc_class",
    "external_id",
    "import_source",
    "data_complete",
    "description",
    "status",
    "reuse_cycles",
)
# Worked out by the services, never taken as given: the mass from quantities and densities
# (a given mass goes in as its input), the status along the lifecycle, the cycles by transfers.
# unit_mass_kg is recorded when given, and otherwise worked out with the mass (passports.mass).
DERIVED_FIELDS = ("mass_kg", "mass_source", "mass_derivation", "status", "reuse_cycles")
# What a person or an import records; the services accept these (import_source and
# data_complete come from bulk imports only: the create and update schemas refuse them).
RECORDED_FIELDS = tuple(name for name in PASSPORT_FIELDS if name not in DERIVED_FIELDS)
# They name one physical item, so a part split off a lot does not carry them.
IDENTITY_FIELDS = ("serial_number", "external_id")
# How much there is: a part split off a lot takes its share of each.
AMOUNT_FIELDS = ("quantity", "volume_m3", "mass_kg")


class Component(TimestampMixin, db.Model):
    """A building element, or a lot of identical elements, with its public tag."""

    __tablename__ = "components"
    __repr_attrs__ = ("id", "tag", "name")
    __table_args__ = (
        CheckConstraint(_in("status", COMPONENT_STATUSES), name="status"),
        CheckConstraint(_in("unit", UNITS), name="unit"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("mass_kg IS NULL OR mass_kg >= 0", name="mass_not_negative"),
        CheckConstraint("condition IS NULL OR (condition BETWEEN 1 AND 5)", name="condition"),
        CheckConstraint(DIMENSIONS_POSITIVE, name="dimensions"),
        CheckConstraint("recycled_content >= 0 AND recycled_content <= 1", name="recycled"),
        CheckConstraint("reused_content >= 0 AND reused_content <= 1", name="reused"),
        CheckConstraint("recycled_content + reused_content <= 1.000001", name="feedstock"),
        CheckConstraint(
            "(eol_reuse_fraction IS NULL OR (eol_reuse_fraction BETWEEN 0 AND 1)) AND "
            "(eol_recycle_fraction IS NULL OR (eol_recycle_fraction BETWEEN 0 AND 1)) AND "
            "(COALESCE(eol_reuse_fraction, 0) + COALESCE(eol_recycle_fraction, 0) <= 1.000001)",
            name="end_of_life",
        ),
        CheckConstraint(
            "accessibility IS NULL OR " + _in("accessibility", tuple(ACCESSIBILITY)),
            name="accessibility",
        ),
        CheckConstraint(
            "intersections IS NULL OR " + _in("intersections", tuple(INTERSECTIONS)),
            name="intersections",
        ),
        CheckConstraint(
            "edge_enclosure IS NULL OR " + _in("edge_enclosure", tuple(EDGE_ENCLOSURES)),
            name="edge_enclosure",
        ),
        CheckConstraint(
            "metrics_quality IS NULL OR " + _in("metrics_quality", METRICS_QUALITIES),
            name="metrics_quality",
        ),
        Index("ix_components_building_status", "building_id", "status"),
        # The exchange's matching of future stock (migration 0014): a building's installed
        # components of a unit, their measures and condition read from the index alone.
        Index(
            "ix_components_matching",
            "building_id",
            "status",
            "unit",
            "archived_at",
            "width_mm",
            "height_mm",
            "length_mm",
            "depth_mm",
            "condition",
        ),
        # A re-import finds its rows again by their external id, unique within a building.
        UniqueConstraint("building_id", "external_id", name="uq_components_building_external_id"),
        # A printed GS1 Digital Link (/01/<gtin>/21/<serial>) names one component on the
        # instance; GTINs are stored as 14 digits so paddings cannot name another.
        UniqueConstraint("gtin", "serial_number", name="uq_components_gtin_serial_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by ix_components_building_status, whose first column it is.
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"))
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
    ifc_class: Mapped[str | None] = mapped_column(String(64))
    external_id: Mapped[str | None] = mapped_column(String(100))
    # Where the row came from (csv | xlsx | ifc), and False when it lacked quantities.
    import_source: Mapped[str | None] = mapped_column(String(10))
    data_complete: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="installed")
    reuse_cycles: Mapped[int] = mapped_column(Integer, default=0)
    # The measures a buyer specifies by, of one element of the lot, in millimetres: width,
    # height and depth, or the length of a linear element (a beam, a pipe); and one element's
    # mass. From IFC base quantities, an import's columns or the form (migration 0013).
    width_mm: Mapped[float | None] = mapped_column(Float)
    height_mm: Mapped[float | None] = mapped_column(Float)
    depth_mm: Mapped[float | None] = mapped_column(Float)
    length_mm: Mapped[float | None] = mapped_column(Float)
    unit_mass_kg: Mapped[float | None] = mapped_column(Float)
    # Part of a lot split off when only some of it was collected: its history begins there.
    split_from_id: Mapped[int | None] = mapped_column(ForeignKey("components.id"))
    archived_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Circularity inputs; None means "not recorded": the metrics then use documented defaults.
    # End-of-life fractions for reuse (C_U) and recycling (C_R) of the EMF MCI.
    eol_reuse_fraction: Mapped[float | None] = mapped_column(Float)
    eol_recycle_fraction: Mapped[float | None] = mapped_column(Float)
    # Disassembly factors (DGBC detachability index levels).
    accessibility: Mapped[str | None] = mapped_column(String(20))
    intersections: Mapped[str | None] = mapped_column(String(12))
    edge_enclosure: Mapped[str | None] = mapped_column(String(12))
    # The tag URL this component had on the instance its passport was imported from.
    origin_tag_url: Mapped[str | None] = mapped_column(String(300))
    # Results stored at write time by passports.metrics.stored, so buildings and dashboards
    # aggregate them in SQL.
    mci: Mapped[float | None] = mapped_column(Float)
    disassembly_score: Mapped[float | None] = mapped_column(Float)
    carbon_a1a3_kg: Mapped[float | None] = mapped_column(Float)
    metrics_quality: Mapped[str | None] = mapped_column(String(8))

    building: Mapped[Building] = relationship()
    materials: Mapped[list["ComponentMaterial"]] = relationship(
        back_populates="component",
        cascade="all, delete-orphan",
        order_by="ComponentMaterial.position",
    )
    hazards: Mapped[list["ComponentHazard"]] = relationship(
        back_populates="component", cascade="all, delete-orphan", order_by="ComponentHazard.id"
    )


class ComponentMaterial(db.Model):
    """One material of a component: its share by volume and the mass that follows from it."""

    __tablename__ = "component_materials"
    __repr_attrs__ = ("component_id", "material_id", "fraction")
    __table_args__ = (
        CheckConstraint("fraction > 0 AND fraction <= 1", name="fraction"),
        UniqueConstraint("component_id", "material_id", name="component_material"),
        # Covers the overview's mass-by-family join, so it never reads the table itself.
        Index("ix_component_materials_cover", "component_id", "material_id", "mass_kg"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(ForeignKey("components.id", ondelete="CASCADE"))
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    fraction: Mapped[float] = mapped_column(Float)
    mass_kg: Mapped[float | None] = mapped_column(Float)

    component: Mapped[Component] = relationship(back_populates="materials")
    material: Mapped[Material] = relationship()


class ComponentHazard(db.Model):
    """A hazardous substance found in a component."""

    __tablename__ = "component_hazards"
    __repr_attrs__ = ("component_id", "kind")
    __table_args__ = (CheckConstraint(_in("kind", HAZARD_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    component_id: Mapped[int] = mapped_column(
        ForeignKey("components.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(12))
    notes: Mapped[str] = mapped_column(Text, default="")
    # A clearance record: the substance was removed or found safe, by whom and on what evidence.
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime)
    cleared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    clearance_note: Mapped[str] = mapped_column(Text, default="")

    component: Mapped[Component] = relationship(back_populates="hazards")

    @property
    def cleared(self) -> bool:
        """True once a clearance has been recorded."""
        return self.cleared_at is not None

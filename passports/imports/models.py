"""Tables of the import feature: remembered material mappings and the record of past imports."""

from sqlalchemy import JSON
from sqlalchemy import CheckConstraint
from sqlalchemy import ForeignKey
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
from passports.models import Building
from passports.models import Material

IMPORT_KINDS = ("csv", "xlsx", "ifc")


class MaterialMapping(TimestampMixin, db.Model):
    """An organisation's answer to "which library material is this name?", reused next time."""

    __tablename__ = "material_mappings"
    __repr_attrs__ = ("organisation_id", "source_name", "material_id")
    __table_args__ = (UniqueConstraint("organisation_id", "source_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Leading column of the unique constraint, which also serves lookups by organisation.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    source_key: Mapped[str] = mapped_column(String(200))
    source_name: Mapped[str] = mapped_column(String(200))
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    organisation: Mapped[Organisation] = relationship()
    material: Mapped[Material] = relationship()
    created_by: Mapped[User | None] = relationship()


class ImportRun(CreatedMixin, db.Model):
    """A committed import: who brought which file into which building, and its report."""

    __tablename__ = "import_runs"
    __repr_attrs__ = ("id", "building_id", "kind", "filename")
    __table_args__ = (CheckConstraint(_in("kind", IMPORT_KINDS), name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    filename: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64))
    created_count: Mapped[int] = mapped_column(Integer, default=0)
    updated_count: Mapped[int] = mapped_column(Integer, default=0)
    unchanged_count: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict] = mapped_column(JSON, default=dict)
    # The kept IFC model, relative to the upload folder (passports.ifc_export.store); None for
    # spreadsheets and for IFC imports made before models were kept (migration 0016).
    model_file: Mapped[str | None] = mapped_column(String(100))

    building: Mapped[Building] = relationship()
    user: Mapped[User | None] = relationship()

"""Frozen versions of a building's passport ("as built", "before demolition", ...)."""

from sqlalchemy import JSON
from sqlalchemy import Float
from sqlalchemy import ForeignKey
from sqlalchemy import Index
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy import event
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from app.auth.models import User
from app.extensions import db
from app.models import CreatedMixin
from passports.models import Building


class PassportSnapshot(CreatedMixin, db.Model):
    """The passport document of a building as it stood when an owner froze it. Never changed."""

    __tablename__ = "passport_snapshots"
    __repr_attrs__ = ("id", "building_id", "label")
    __table_args__ = (Index("ix_passport_snapshots_building_created", "building_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    building_id: Mapped[int] = mapped_column(ForeignKey("buildings.id"))
    label: Mapped[str] = mapped_column(String(120))
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    schema_version: Mapped[str] = mapped_column(String(10))
    # Headline figures, so lists need not open the document.
    component_count: Mapped[int] = mapped_column(Integer)
    total_mass_kg: Mapped[float] = mapped_column(Float)
    mci: Mapped[float | None] = mapped_column(Float)
    document: Mapped[dict] = mapped_column(JSON, deferred=True)

    building: Mapped[Building] = relationship()
    created_by: Mapped[User | None] = relationship()


@event.listens_for(PassportSnapshot, "before_update")
def _frozen(_mapper, _connection, target) -> None:
    raise RuntimeError(f"{target!r} is a frozen passport and cannot change")

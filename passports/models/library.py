"""The material library: each material with its name in every shipped language and the
words people use for it (aliases), by which imports and the exchange's search find it."""

from flask import has_request_context
from flask_babel import get_locale
from sqlalchemy import JSON
from sqlalchemy import CheckConstraint
from sqlalchemy import Float
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Text
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from app.auth.models import _in
from app.extensions import db
from app.models import TimestampMixin
from passports.models.vocab import MATERIAL_FAMILIES


class Material(TimestampMixin, db.Model):
    """An entry of the material library with density, embodied carbon and a CPV code."""

    __tablename__ = "materials"
    __repr_attrs__ = ("id", "slug")
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
    # The name in each shipped language but English ({"nl": "Baksteen", "ja": "レンガ"});
    # `name` is the English one, and the one the API and stored texts use.
    names: Mapped[dict] = mapped_column(JSON, default=dict)

    @property
    def local_name(self) -> str:
        """The name in the page's language where the library has it, else the English name."""
        locale = str(get_locale() or "en") if has_request_context() else "en"
        return (self.names or {}).get(locale) or self.name

    def terms(self) -> list[str]:
        """Every word the material is known by: its names in every language, its slug and its
        aliases (imports and the exchange's search match these)."""
        names = [self.name, *(self.names or {}).values(), self.slug]
        return [*names, *(a for a in (self.aliases or "").split(";") if a.strip())]

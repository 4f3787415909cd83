"""The building's part of the document: its identity, its summary figures (rounded, so they
do not differ in their last bits between runs), and metrics for components never scored."""

from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from passports.metrics.component import MaterialFacts
from passports.metrics.component import PartFacts
from passports.metrics.component import evaluate
from passports.metrics.component import facts_of
from passports.metrics.queries import building_figures
from passports.metrics.queries import status_masses
from passports.models import Building
from passports.models import Component
from passports.models import ComponentHazard
from passports.models import Material
from passports.models.buildings import BUILDING_FIELDS


def building_identity(building: Building) -> dict:
    """The building's descriptive fields as the document holds them."""
    out = {name: getattr(building, name) for name in BUILDING_FIELDS}
    out["planned_date"] = building.planned_date.isoformat() if building.planned_date else None
    return out


def passport_summary(building_id: int) -> dict:
    """The document's summary block: the building's figures and counts by status."""
    figures = building_figures(building_id)
    hazardous = db.session.scalar(
        select(func.count(func.distinct(ComponentHazard.component_id)))
        .join(Component, Component.id == ComponentHazard.component_id)
        .where(Component.building_id == building_id, Component.archived_at.is_(None))
    )
    return _rounded(
        {
            "component_count": figures["component_count"],
            "total_mass_kg": figures["mass_kg"],
            "components_without_mass": figures["components_without_mass"],
            "mci": figures["mci"],
            "disassembly_score": figures["disassembly_score"],
            "carbon_a1a3_kg": figures["carbon_a1a3_kg"],
            "completeness": figures["completeness"],
            "mass_by_family": figures["mass_by_family"],
            "by_status": status_masses(building_id),
            "hazardous_components": int(hazardous or 0),
        }
    )


def _rounded(value, digits: int = 6):
    """Aggregates rounded to a micro-unit: SQL sums of floats may differ in their last bits
    from one run to the next (PostgreSQL adds in parallel), and a document must not."""
    if isinstance(value, float):
        return round(value, digits)
    if isinstance(value, dict):
        return {k: _rounded(v, digits) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v, digits) for v in value]
    return value


def unscored_to_defaults(components: list[dict]) -> None:
    """Rows written below the ORM and never scored get their metrics computed here, so the
    document is always complete (a refresh stores them: `flask dashboard refresh`)."""
    missing = [c for c in components if c["metrics"]["quality"] is None]
    if not missing:
        return
    library = {
        m.slug: MaterialFacts(m.family, m.carbon_a1a3, m.reference_service_life_years)
        for m in db.session.scalars(select(Material))
    }
    for c in missing:
        parts = (
            PartFacts(library[m["slug"]], m["fraction"], m["mass_kg"])
            for m in c["materials"]
            if m["slug"] in library
        )
        hazardous = any(h["cleared_at"] is None for h in c["hazards"])
        result = evaluate(facts_of(c, parts, hazardous=hazardous))
        c["metrics"] = {
            "mci": result.mci,
            "disassembly_score": result.disassembly_score,
            "carbon_a1a3_kg": result.carbon_a1a3_kg,
            "quality": result.quality,
        }

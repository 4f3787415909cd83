"""A building's circularity figures, aggregated in SQL from the results stored on its
components (see `passports.metrics.stored`). The one home of these figures: the passport
reads them for one building, the dashboards for a group of buildings, by adding up the same
sums (kept per building in `dashboard.models.BuildingMetrics`).

- MCI and disassembly score: mass-weighted means, Σ(score·M)/ΣM, over components with a mass;
- embodied carbon A1-A3: Σ of the components' carbon, and by material family Σ Mᵢ·cᵢ over
  their material shares;
- completeness: the mass whose metrics rest on full data, on defaults, or lack a material
  ("none"), their shares of the mass, and the components without a mass, which cannot be
  weighted and are counted instead.
Archived components are left out, as everywhere in the passport.
"""

from collections.abc import Iterable

from sqlalchemy import case
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from passports.models import Component
from passports.models import ComponentMaterial
from passports.models import Material

# The sums a building's figures are made from. Any group of buildings adds them up, so its
# means are weighted by mass exactly as one building's are.
SUMS = (
    "component_count",
    "mass_kg",
    "components_without_mass",
    "carbon_a1a3_kg",
    "mci_mass",
    "mci_basis_kg",
    "disassembly_mass",
    "disassembly_basis_kg",
    "full_kg",
    "defaults_kg",
    "none_kg",
    "unscored_count",
)
# The sums of a building without live components; its carbon is unknown, not zero.
EMPTY_SUMS = {**dict.fromkeys(SUMS, 0), "carbon_a1a3_kg": None}


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


def _sum_columns() -> tuple:
    """The SQL of `SUMS`, in order, over components."""
    c = Component

    def mass_where(condition):
        return func.coalesce(func.sum(case((condition, c.mass_kg), else_=0.0)), 0.0)

    def count_where(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    return (
        func.count(c.id),
        func.coalesce(func.sum(c.mass_kg), 0.0),
        count_where(c.mass_kg.is_(None)),
        func.sum(c.carbon_a1a3_kg),  # NULL when no component carries a carbon figure
        func.coalesce(func.sum(c.mci * c.mass_kg), 0.0),
        mass_where(c.mci.is_not(None)),
        func.coalesce(func.sum(c.disassembly_score * c.mass_kg), 0.0),
        mass_where(c.disassembly_score.is_not(None)),
        mass_where(c.metrics_quality == "full"),
        mass_where(c.metrics_quality == "defaults"),
        mass_where(c.metrics_quality == "none"),
        count_where(c.metrics_quality.is_(None)),
    )


def building_sums(building_ids: Iterable[int], *, session=None) -> dict[int, dict]:
    """The sums (`SUMS`) of each building's live components, by building id; buildings
    without live components are left out."""
    session = session or db.session
    rows = session.execute(
        select(Component.building_id, *_sum_columns())
        .where(Component.building_id.in_(list(building_ids)), Component.archived_at.is_(None))
        .group_by(Component.building_id)
    ).all()
    return {row[0]: dict(zip(SUMS, row[1:], strict=True)) for row in rows}


def figures(sums: dict) -> dict:
    """The figures of a building, or of a group of buildings, from its sums.

    MCI and disassembly score are Σ(score·M)/ΣM over the mass that has a score (None
    without one); the completeness shares are of the whole mass.
    """
    mass = float(sums["mass_kg"] or 0.0)
    full, dflt, none = (float(sums[k] or 0.0) for k in ("full_kg", "defaults_kg", "none_kg"))
    no_mass = int(sums["components_without_mass"] or 0)
    carbon = sums["carbon_a1a3_kg"]
    return {
        "component_count": int(sums["component_count"] or 0),
        "mass_kg": mass,
        "components_without_mass": no_mass,
        "carbon_a1a3_kg": float(carbon) if carbon is not None else None,
        "mci": _ratio(sums["mci_mass"], sums["mci_basis_kg"]),
        "disassembly_score": _ratio(sums["disassembly_mass"], sums["disassembly_basis_kg"]),
        "completeness": {
            "full_kg": full,
            "defaults_kg": dflt,
            "none_kg": none,
            "full_share": _share(full, mass),
            "defaults_share": _share(dflt, mass),
            "none_share": _share(none, mass),
            "components_without_mass": no_mass,
        },
        "unscored_components": int(sums["unscored_count"] or 0),
    }


def _ratio(weighted, basis) -> float | None:
    return float(weighted) / float(basis) if basis else None


def building_figures(building_id: int) -> dict:
    """MCI, disassembly score, embodied carbon, data completeness and the mass by material
    family of one building."""
    out = figures(building_sums([building_id]).get(building_id, EMPTY_SUMS))
    families = db.session.execute(
        select(
            Material.family,
            func.sum(ComponentMaterial.mass_kg),
            func.sum(ComponentMaterial.mass_kg * Material.carbon_a1a3),
        )
        .join(ComponentMaterial.material)
        .join(ComponentMaterial.component)
        .where(
            Component.building_id == building_id,
            Component.archived_at.is_(None),
            ComponentMaterial.mass_kg.is_not(None),
        )
        .group_by(Material.family)
        .order_by(func.sum(ComponentMaterial.mass_kg).desc(), Material.family)
    ).all()
    out["mass_by_family"] = [
        {"family": f, "mass_kg": float(m or 0.0), "carbon_a1a3_kg": float(c or 0.0)}
        for f, m, c in families
    ]
    return out


def status_masses(building_id: int) -> list[dict]:
    """Count and mass of the building's components in each lifecycle status."""
    rows = db.session.execute(
        select(
            Component.status,
            func.count(Component.id),
            func.coalesce(func.sum(Component.mass_kg), 0.0),
        )
        .where(Component.building_id == building_id, Component.archived_at.is_(None))
        .group_by(Component.status)
        .order_by(Component.status)
    ).all()
    return [{"status": s, "count": n, "mass_kg": float(m)} for s, n, m in rows]

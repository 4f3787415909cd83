"""A building's circularity figures, aggregated in SQL from the results stored on its
components (see `passports.metrics.stored`).

- MCI and disassembly score: mass-weighted means, Σ(score·M)/ΣM, over components with a mass;
- embodied carbon A1-A3: Σ of the components' carbon, and by material family Σ Mᵢ·cᵢ over
  their material shares;
- completeness: the mass whose metrics rest on full data, on defaults, or lack a material
  ("none"), their shares of the mass, and the components without a mass, which cannot be
  weighted and are counted instead.
Archived components are left out, as everywhere in the passport.
"""

from sqlalchemy import case, func, select

from app.extensions import db
from passports.models import Component, ComponentMaterial, Material


def _share(part: float, whole: float) -> float | None:
    return part / whole if whole > 0 else None


def building_figures(building_id: int) -> dict:
    """MCI, disassembly score, embodied carbon and data completeness of one building."""
    live = (Component.building_id == building_id, Component.archived_at.is_(None))
    has_mass = Component.mass_kg.is_not(None)

    def mass_where(condition):
        return func.coalesce(func.sum(case((condition, Component.mass_kg), else_=0.0)), 0.0)

    row = db.session.execute(
        select(
            func.count(Component.id),
            func.coalesce(func.sum(Component.mass_kg), 0.0),
            func.sum(case((has_mass, 0), else_=1)),
            func.sum(Component.carbon_a1a3_kg),
            func.sum(Component.mci * Component.mass_kg),
            func.sum(case((Component.mci.is_not(None), Component.mass_kg))),
            func.sum(Component.disassembly_score * Component.mass_kg),
            func.sum(case((Component.disassembly_score.is_not(None), Component.mass_kg))),
            mass_where(Component.metrics_quality == "full"),
            mass_where(Component.metrics_quality == "defaults"),
            mass_where(Component.metrics_quality == "none"),
            func.sum(case((Component.metrics_quality.is_(None), 1), else_=0)),
        ).where(*live)
    ).one()
    (count, mass, no_mass, carbon, mci_m, mci_base, ds_m, ds_base, full, dflt, none, unscored) = row
    mass = float(mass or 0.0)
    families = db.session.execute(
        select(
            Material.family,
            func.sum(ComponentMaterial.mass_kg),
            func.sum(ComponentMaterial.mass_kg * Material.carbon_a1a3),
        )
        .join(ComponentMaterial.material)
        .join(ComponentMaterial.component)
        .where(*live, ComponentMaterial.mass_kg.is_not(None))
        .group_by(Material.family)
        .order_by(func.sum(ComponentMaterial.mass_kg).desc(), Material.family)
    ).all()
    return {
        "component_count": int(count or 0),
        "total_mass_kg": mass,
        "components_without_mass": int(no_mass or 0),
        "mci": float(mci_m) / float(mci_base) if mci_base else None,
        "disassembly_score": float(ds_m) / float(ds_base) if ds_base else None,
        "carbon_a1a3_kg": float(carbon) if carbon is not None else None,
        "completeness": {
            "full_kg": float(full),
            "defaults_kg": float(dflt),
            "none_kg": float(none),
            "full_share": _share(float(full), mass),
            "defaults_share": _share(float(dflt), mass),
            "none_share": _share(float(none), mass),
            "components_without_mass": int(no_mass or 0),
        },
        "unscored_components": int(unscored or 0),
        "mass_by_family": [
            {"family": f, "mass_kg": float(m or 0.0), "carbon_a1a3_kg": float(c or 0.0)}
            for f, m, c in families
        ],
    }


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

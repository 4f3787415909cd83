"""Read aggregates of the building register: the estimated urban mine of an organisation's or a
city's register, planned demolitions per year, and the estimate's error where a passport surveys
the same building.

Aggregates never read every building: register buildings are grouped by their intensity cell
(`intensity_key`), their floor areas summed in SQL, and each group's sum multiplied by the
cell's intensities (mine.intensity, through the table's fallback chain), which is exactly the
sum of the per-building estimates (mine.estimate.estimate_building), since every building of a
cell takes the same kg/m²:

    Σ_b I_cell(b)ᶠ × A_b  =  Σ_cells I_cellᶠ × Σ_{b in cell} A_b

Which register buildings: a `condition` on RegisterBuilding (register_condition). A register
building is estimated when it has no passport (building_id IS NULL) and a floor area; one with
no floor area is counted as not estimated.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from sqlalchemy import ColumnElement
from sqlalchemy import and_
from sqlalchemy import extract
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import true

from app.extensions import db
from mine.estimate import embodied_carbon
from mine.estimate import family_carbon_factors
from mine.estimate import mape_with_counts
from mine.intensity import Intensity
from mine.intensity import cell_chain
from mine.intensity import load_table
from mine.models import RegisterBuilding
from passports.models.vocab import MATERIAL_FAMILIES

#: Years of planned demolitions shown by default (this year and the next nine).
SUPPLY_YEARS = 10


def register_condition(
    *,
    organisation_id: int | None = None,
    cities: Iterable[str] | None = None,
) -> ColumnElement[bool]:
    """SQL condition on RegisterBuilding: an organisation's register, a city's buildings (its
    spellings as stored, see city_spellings), or both."""
    parts = []
    if organisation_id is not None:
        parts.append(RegisterBuilding.organisation_id == organisation_id)
    if cities is not None:
        parts.append(RegisterBuilding.city.in_(tuple(cities)))
    return and_(*parts) if parts else true()


def city_spellings(name: str, organisation_id: int | None = None) -> tuple[str, ...]:
    """The spellings of a city in the register, matched without regard to case (as the city
    dashboard matches cities: "københavn" finds "København")."""
    wanted = name.strip().casefold()
    stmt = select(RegisterBuilding.city).distinct().where(RegisterBuilding.city != "")
    if organisation_id is not None:
        stmt = stmt.where(RegisterBuilding.organisation_id == organisation_id)
    return tuple(c for c in db.session.scalars(stmt) if c.casefold() == wanted)


def register_cities(organisation_id: int | None = None) -> list[tuple[str, int]]:
    """(city as stored, register buildings) of every register (one organisation's, or all)."""
    stmt = select(RegisterBuilding.city, RegisterBuilding.organisation_id).where(
        RegisterBuilding.city != ""
    )
    if organisation_id is not None:
        stmt = stmt.where(RegisterBuilding.organisation_id == organisation_id)
    stmt = stmt.distinct()
    return [(city, org) for city, org in db.session.execute(stmt)]


@lru_cache(maxsize=4096)
def cell_intensities(key: str) -> dict[str, Intensity]:
    """kg/m² by family of an intensity key ("use|structure|period|region", the keys of
    mine.intensity), from the most specific cell the table holds (its fallback chain)."""
    parts = (key or "").split("|")
    if len(parts) != 4:
        parts = ["any"] * 4
    table = load_table()
    for cell in cell_chain(*parts):
        figures = table.get(cell)
        if figures:
            return {f: figures[f] for f in MATERIAL_FAMILIES if f in figures}
    return {}


def estimate_for_key(key: str, floor_area_m2: float) -> dict[str, tuple[float, float, float]]:
    """{family: (mass, low, high)} in kg for `floor_area_m2` m² of the cell `key` (one
    building, or the summed floor area of many of the same cell)."""
    return {
        family: (i.median * floor_area_m2, i.q1 * floor_area_m2, i.q3 * floor_area_m2)
        for family, i in cell_intensities(key).items()
    }


def _add(total: dict, part: dict) -> None:
    for family, (m, lo, hi) in part.items():
        t = total.setdefault(family, [0.0, 0.0, 0.0])
        t[0] += m
        t[1] += lo
        t[2] += hi


def _family_rows(mass: dict) -> list[dict]:
    """[{family, mass_kg, low_kg, high_kg, carbon_*}] heaviest first."""
    carbon = embodied_carbon({f: tuple(v) for f, v in mass.items()}) if mass else {}
    rows = [
        {
            "family": family,
            "mass_kg": m,
            "low_kg": lo,
            "high_kg": hi,
            "carbon_a1a3_kg": carbon[family][0],
            "carbon_low_kg": carbon[family][1],
            "carbon_high_kg": carbon[family][2],
        }
        for family, (m, lo, hi) in mass.items()
    ]
    return sorted(rows, key=lambda r: (-r["mass_kg"], r["family"]))


def estimated_mine(condition: ColumnElement[bool]) -> dict:
    """The estimated mine of the register buildings matching `condition`: by family (median
    mass with its interquartile range, and the embodied carbon of each), totals, and counts."""
    r = RegisterBuilding
    rows = db.session.execute(
        select(
            r.intensity_key,
            func.count(r.id),
            func.count(r.floor_area_m2),
            func.coalesce(func.sum(r.floor_area_m2), 0.0),
        )
        .where(condition, r.building_id.is_(None))
        .group_by(r.intensity_key)
    ).all()
    linked = db.session.scalar(
        select(func.count(r.id)).where(condition, r.building_id.is_not(None))
    )
    mass: dict[str, list[float]] = {}
    without_passport = estimated = 0
    floor_area = 0.0
    for key, count, with_area, area in rows:
        without_passport += count
        estimated += with_area
        floor_area += float(area)
        if with_area:
            _add(mass, estimate_for_key(key, float(area)))
    families = _family_rows(mass)
    total = {
        name: sum(f[name] for f in families)
        for name in (
            "mass_kg",
            "low_kg",
            "high_kg",
            "carbon_a1a3_kg",
            "carbon_low_kg",
            "carbon_high_kg",
        )
    }
    return {
        "buildings": {
            "register": int(without_passport + (linked or 0)),
            "with_passport": int(linked or 0),
            "without_passport": int(without_passport),
            "estimated": int(estimated),
            "not_estimated": int(without_passport - estimated),
        },
        "floor_area_m2": floor_area,
        "families": families,
        "total": total,
    }


def linked_estimates(condition: ColumnElement[bool]) -> dict[int, dict]:
    """{passport building id: its register estimate by family} for the register buildings
    matching `condition` that a passport surveys (and that have a floor area)."""
    r = RegisterBuilding
    rows = db.session.execute(
        select(r.building_id, r.intensity_key, r.floor_area_m2).where(
            condition, r.building_id.is_not(None), r.floor_area_m2.is_not(None)
        )
    ).all()
    out: dict[int, dict] = {}
    for building_id, key, area in rows:
        out.setdefault(building_id, {})
        _add(out[building_id], estimate_for_key(key, float(area)))
    return {b: {f: tuple(v) for f, v in fam.items()} for b, fam in out.items()}


def mape_table(estimates: dict[int, dict], surveys: dict[int, dict]) -> list[dict]:
    """[{family, mape_percent, buildings}] in family order (mine.estimate.mape_with_counts)."""
    return [
        {"family": family, "mape_percent": value, "buildings": n}
        for family, (value, n) in mape_with_counts(estimates, surveys).items()
    ]


def demolitions_by_year(
    condition: ColumnElement[bool], first_year: int, years: int = SUPPLY_YEARS
) -> dict[int, dict[str, tuple[float, float, float]]]:
    """{year: {family: (mass, low, high)}} of the register buildings without a passport whose
    demolition is planned in [first_year, first_year + years); earlier dates count in
    first_year (due already)."""
    r = RegisterBuilding
    year = extract("year", r.planned_demolition)
    rows = db.session.execute(
        select(year, r.intensity_key, func.sum(r.floor_area_m2))
        .where(
            condition,
            r.building_id.is_(None),
            r.planned_demolition.is_not(None),
            r.floor_area_m2.is_not(None),
            year < first_year + years,
        )
        .group_by(year, r.intensity_key)
    ).all()
    out: dict[int, dict] = {}
    for y, key, area in rows:
        y = max(int(y), first_year)
        _add(out.setdefault(y, {}), estimate_for_key(key, float(area or 0.0)))
    return {y: {f: tuple(v) for f, v in fam.items()} for y, fam in sorted(out.items())}


def carbon_factors() -> dict[str, tuple[float, str, str]]:
    """The family carbon factors the estimate uses (for the method annex)."""
    return family_carbon_factors()

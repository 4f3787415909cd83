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

import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from flask import g
from flask import has_app_context
from sqlalchemy import ColumnElement
from sqlalchemy import and_
from sqlalchemy import event
from sqlalchemy import extract
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy.orm import Session

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


@dataclass(frozen=True)
class Selection:
    """Which register buildings an aggregate covers: an organisation's register, a city's
    buildings (its spellings as stored, see city_spellings), or both."""

    organisation_id: int | None = None
    cities: tuple[str, ...] | None = None

    def condition(self) -> ColumnElement[bool]:
        """SQL condition on RegisterBuilding. Written so that the database scans the table
        rather than walking an index row by row: a city's aggregates read most of the table,
        and a scan is many times faster than 100,000 index lookups (SQLite)."""
        parts = []
        if self.organisation_id is not None:
            parts.append(RegisterBuilding.organisation_id + 0 == self.organisation_id)
        if self.cities is not None:
            parts.append(RegisterBuilding.city.op("||")("").in_(self.cities))
        return and_(*parts) if parts else true()


def register_condition(
    *,
    organisation_id: int | None = None,
    cities: Iterable[str] | None = None,
) -> Selection:
    """The register buildings of an organisation, of a city (its stored spellings), or both."""
    return Selection(organisation_id, tuple(cities) if cities is not None else None)


def city_spellings(name: str, organisation_id: int | None = None) -> tuple[str, ...]:
    """The spellings of a city in the register, matched without regard to case (as the city
    dashboard matches cities: "københavn" finds "København"). `organisation_id` is accepted
    for symmetry; the selection filters by organisation itself."""
    wanted = name.strip().casefold()
    return tuple(sorted({c for c, _org in register_cities() if c.casefold() == wanted}))


_CACHE: dict[tuple, tuple] = {}
_CACHE_SIZE = 64
#: Seconds a cached aggregate is used without looking at the register again.
CACHE_SECONDS = 60.0
_LOCK = threading.Lock()


def forget() -> None:
    """Drop the cached aggregates (a register import calls it after writing in bulk; writes
    through the ORM drop them on commit)."""
    with _LOCK:
        _CACHE.clear()


def _stamp() -> tuple:
    """The register's last id and latest write (two index lookups), read once per request:
    rows added, updated in place (a re-import, in any process) or the last one removed show
    at once."""
    if has_app_context() and "mine_register_stamp" in g:
        return g.mine_register_stamp
    stamp = tuple(
        db.session.execute(
            select(func.max(RegisterBuilding.id), func.max(RegisterBuilding.updated_at))
        ).one()
    )
    if has_app_context():
        g.mine_register_stamp = stamp
    return stamp


def _cached(key: tuple, compute):
    """compute(), or its result for `key` if computed less than CACHE_SECONDS ago while the
    register had the same stamp."""
    key = (str(db.engine.url), *key)
    now = time.monotonic()
    stamp = _stamp()
    with _LOCK:
        hit = _CACHE.get(key)
    if hit is not None and hit[0] == stamp and now - hit[1] < CACHE_SECONDS:
        return hit[2]
    value = compute()
    with _LOCK:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = (stamp, now, value)
    return value


def _written(session, _flush_context) -> None:
    if any(
        isinstance(o, RegisterBuilding) for o in (*session.new, *session.dirty, *session.deleted)
    ):
        session.info["register_written"] = True


def _committed(session) -> None:
    if session.info.pop("register_written", False):
        forget()


event.listen(Session, "after_flush", _written)
event.listen(Session, "after_commit", _committed)


def register_cities(organisation_id: int | None = None) -> list[tuple[str, int]]:
    """(city as stored, organisation) of every register (one organisation's, or all); cached
    as register_summary is."""
    r = RegisterBuilding

    def compute():
        stmt = select(r.city, r.organisation_id).where(r.city != "").distinct()
        return [(city, org) for city, org in db.session.execute(stmt)]

    rows = _cached(("cities",), compute)
    if organisation_id is not None:
        rows = [(c, o) for c, o in rows if o == organisation_id]
    return rows


def register_summary(selection: Selection) -> dict[tuple, tuple[int, int, float]]:
    """{(intensity key, surveyed by a passport, year of planned demolition or None):
    (buildings, buildings with a floor area, Σ floor area m²)} of the selected register buildings.

    One grouped scan of the register, kept in the process for CACHE_SECONDS at most while the
    register keeps its stamp (its last id and latest write): any import, in any process,
    shows at once."""
    r = RegisterBuilding
    condition = selection.condition()

    def compute():
        year = extract("year", r.planned_demolition)
        linked = r.building_id.is_not(None)
        rows = db.session.execute(
            select(
                r.intensity_key,
                linked,
                year,
                func.count(r.id),
                func.count(r.floor_area_m2),
                func.coalesce(func.sum(r.floor_area_m2), 0.0),
            )
            .where(condition)
            .group_by(r.intensity_key, linked, year)
        ).all()
        return {
            (key, bool(is_linked), int(y) if y is not None else None): (
                int(n),
                int(with_area),
                float(area),
            )
            for key, is_linked, y, n, with_area, area in rows
        }

    return _cached(("summary", selection), compute)


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


def estimated_mine(selection: Selection) -> dict:
    """The estimated mine of the selected register buildings: by family (median mass with its
    interquartile range, and the embodied carbon of each), totals, and counts (cached as
    register_summary is; read it, don't change it)."""
    return _cached(("mine", selection), lambda: _estimated_mine(selection))


def _estimated_mine(selection: Selection) -> dict:
    by_key: dict[str, list] = {}
    linked = 0
    for (key, is_linked, _year), (n, with_area, area) in register_summary(selection).items():
        if is_linked:
            linked += n
            continue
        k = by_key.setdefault(key, [0, 0, 0.0])
        k[0] += n
        k[1] += with_area
        k[2] += area
    mass: dict[str, list[float]] = {}
    without_passport = estimated = 0
    floor_area = 0.0
    for key, (count, with_area, area) in by_key.items():
        without_passport += count
        estimated += with_area
        floor_area += area
        if with_area:
            _add(mass, estimate_for_key(key, area))
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
            "register": without_passport + linked,
            "with_passport": linked,
            "without_passport": without_passport,
            "estimated": estimated,
            "not_estimated": without_passport - estimated,
        },
        "floor_area_m2": floor_area,
        "families": families,
        "total": total,
    }


def linked_estimates(selection: Selection) -> dict[int, dict]:
    """{passport building id: its register estimate by family} for the selected register
    buildings that a passport surveys (and that have a floor area)."""
    r = RegisterBuilding
    rows = db.session.execute(
        select(r.building_id, r.intensity_key, r.floor_area_m2).where(
            # "> 0" rather than "IS NOT NULL": the index on building_id serves a range.
            selection.condition(),
            r.building_id > 0,
            r.floor_area_m2.is_not(None),
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
    selection: Selection, first_year: int, years: int = SUPPLY_YEARS
) -> dict[int, dict[str, tuple[float, float, float]]]:
    """{year: {family: (mass, low, high)}} of the selected register buildings without a passport
    whose demolition is planned in [first_year, first_year + years); earlier dates count in
    first_year (due already). Cached as register_summary is."""
    return _cached(
        ("demolitions", selection, first_year, years),
        lambda: _demolitions_by_year(selection, first_year, years),
    )


def _demolitions_by_year(
    selection: Selection, first_year: int, years: int
) -> dict[int, dict[str, tuple[float, float, float]]]:
    areas: dict[tuple[int, str], float] = {}
    for (key, is_linked, year), (_n, with_area, area) in register_summary(selection).items():
        if is_linked or year is None or not with_area or year >= first_year + years:
            continue
        slot = (max(year, first_year), key)
        areas[slot] = areas.get(slot, 0.0) + area
    out: dict[int, dict] = {}
    for (year, key), area in areas.items():
        _add(out.setdefault(year, {}), estimate_for_key(key, area))
    return {y: {f: tuple(v) for f, v in fam.items()} for y, fam in sorted(out.items())}


def carbon_factors() -> dict[str, tuple[float, str, str]]:
    """The family carbon factors the estimate uses (for the method annex)."""
    return family_carbon_factors()

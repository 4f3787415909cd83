"""The map's cells, and the register aggregated by cell.

A cluster is a cell of a grid in degrees: at zoom z a tile spans 360 / 2^z degrees of longitude
and the grid splits it in CELLS_PER_TILE cells each way (64 screen pixels at 256-pixel tiles),
with cells as tall (in degrees) as they are wide, counted from (-180, -90). Cells halve from one
zoom to the next, so a cell of zoom z is the cell of GRID_MAX_ZOOM shifted right by the
difference: the aggregate and the live queries agree on every cell.

The register of a city is 100,000 buildings; grouping them per request takes longer than the
map may (80 ms on SQLite), so `refresh` stores each organisation's buildings per cell for zooms
0 to GRID_MAX_ZOOM in `map_cells`, and `ensure_fresh` redoes it when the register's latest write
(`updated_at`, read from its index) is not the one the cells were made from. Whatever writes the
register in bulk without touching `updated_at`, or deletes from it, calls `refresh` itself.
"""

import math

from sqlalchemy import delete
from sqlalchemy import func
from sqlalchemy import insert
from sqlalchemy import select

from app.auth.models import Organisation
from app.extensions import db
from app.models import utcnow
from dashboard.map.models import MapCell
from dashboard.map.models import MapGridState
from mine.models import RegisterBuilding

CELLS_PER_TILE = 4
GRID_MAX_ZOOM = 14
MAX_ZOOM = 19


def cell_size(zoom: int) -> float:
    """A cell's width (and height) in degrees at a zoom."""
    return 360.0 / (2**zoom) / CELLS_PER_TILE


def cell_of(latitude: float, longitude: float, zoom: int) -> tuple[int, int]:
    """The cell (cx, cy) of a point at a zoom."""
    size = cell_size(zoom)
    return math.floor((longitude + 180.0) / size), math.floor((latitude + 90.0) / size)


def cell_range(west: float, south: float, east: float, north: float, zoom: int) -> tuple:
    """The first and last cells (cx0, cy0, cx1, cy1) a bounding box touches at a zoom."""
    cx0, cy0 = cell_of(south, west, zoom)
    cx1, cy1 = cell_of(north, east, zoom)
    return cx0, cy0, cx1, cy1


def mercator_y(latitude: float) -> float:
    """Web Mercator y of a latitude, 0 at the top of the world and 1 at the bottom."""
    lat = max(min(latitude, 85.0511), -85.0511)
    rad = math.radians(lat)
    return (1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2


def tiles_spanned(west: float, south: float, east: float, north: float, zoom: int) -> float:
    """How many 256-pixel tiles of a zoom a bounding box covers (fractions counted)."""
    scale = 2**zoom
    width = (east - west) / 360.0 * scale
    height = (mercator_y(south) - mercator_y(north)) * scale
    return max(width, 1 / 256) * max(height, 1 / 256)


def fingerprints(organisation_ids: list[int] | None = None) -> dict[int, str]:
    """Each organisation's register state (its latest write; "" when it has none), read from
    the (organisation, updated_at) index: one seek per organisation. All organisations when
    `organisation_ids` is None."""
    latest = (
        select(func.max(RegisterBuilding.updated_at))
        .where(RegisterBuilding.organisation_id == Organisation.id)
        .correlate(Organisation)
        .scalar_subquery()
    )
    stmt = select(Organisation.id, latest)
    if organisation_ids is not None:
        stmt = stmt.where(Organisation.id.in_(organisation_ids))
    return {
        org: (value.isoformat() if hasattr(value, "isoformat") else str(value or ""))
        for org, value in db.session.execute(stmt)
    }


def family_masses(intensity_key: str) -> dict[str, float]:
    """kg/m² by family (medians) of an intensity cell, families without any left out."""
    from dashboard.map.queries import family_intensity
    from passports.models.vocab import MATERIAL_FAMILIES

    masses = {family: family_intensity(intensity_key, family) for family in MATERIAL_FAMILIES}
    return {family: value for family, value in masses.items() if value > 0}


def refresh(organisation_id: int, fingerprint: str | None = None) -> int:
    """Rebuild an organisation's cells from its register; flushes, the caller commits.
    Returns how many cells were written.

    Buildings are gathered in the cells of GRID_MAX_ZOOM with their floor area per intensity
    cell, which gives each cell's mass by family; each lower zoom sums four cells of the one
    above."""
    rows = db.session.execute(
        select(
            RegisterBuilding.latitude,
            RegisterBuilding.longitude,
            RegisterBuilding.estimated_mass_kg,
            RegisterBuilding.planned_demolition.is_not(None),
            RegisterBuilding.building_id.is_not(None),
            RegisterBuilding.intensity_key,
            RegisterBuilding.floor_area_m2,
        ).where(
            RegisterBuilding.organisation_id == organisation_id,
            RegisterBuilding.latitude.is_not(None),
            RegisterBuilding.longitude.is_not(None),
        )
    )
    size = cell_size(GRID_MAX_ZOOM)
    finest: dict[tuple, list] = {}
    for lat, lon, mass, demolition, surveyed, key, area in rows:
        cell_key = (
            math.floor((lon + 180.0) / size),
            math.floor((lat + 90.0) / size),
            bool(demolition),
            bool(surveyed),
        )
        cell = finest.get(cell_key)
        if cell is None:
            cell = finest[cell_key] = [0, 0.0, 0.0, 0.0, {}]
        cell[0] += 1
        cell[1] += lat
        cell[2] += lon
        cell[3] += mass or 0.0
        by_key = cell[4].setdefault(key, [0, 0.0])
        by_key[0] += 1
        by_key[1] += area or 0.0
    cells: dict[tuple, list] = {}
    masses_of: dict[str, dict[str, float]] = {}
    for (fx, fy, demolition, surveyed), (count, sum_lat, sum_lon, mass, keys) in finest.items():
        families: dict[str, list] = {}
        for key, (n, area) in keys.items():
            per_m2 = masses_of.get(key)
            if per_m2 is None:
                per_m2 = masses_of[key] = family_masses(key)
            for family, kg_per_m2 in per_m2.items():
                entry = families.setdefault(family, [0, 0.0])
                entry[0] += n
                entry[1] += area * kg_per_m2
        for zoom in range(GRID_MAX_ZOOM + 1):
            shift = GRID_MAX_ZOOM - zoom
            key = (zoom, fx >> shift, fy >> shift, demolition, surveyed)
            cell = cells.get(key)
            if cell is None:
                cells[key] = [
                    count,
                    sum_lat,
                    sum_lon,
                    mass,
                    {f: list(v) for f, v in families.items()},
                ]
                continue
            cell[0] += count
            cell[1] += sum_lat
            cell[2] += sum_lon
            cell[3] += mass
            for family, (n, kg) in families.items():
                entry = cell[4].setdefault(family, [0, 0.0])
                entry[0] += n
                entry[1] += kg
    db.session.execute(delete(MapCell).where(MapCell.organisation_id == organisation_id))
    values = [
        {
            "organisation_id": organisation_id,
            "zoom": zoom,
            "cx": cx,
            "cy": cy,
            "demolition": demolition,
            "surveyed": surveyed,
            "building_count": count,
            "sum_latitude": sum_lat,
            "sum_longitude": sum_lon,
            "mass_kg": mass,
            "families": families,
        }
        for (zoom, cx, cy, demolition, surveyed), (count, sum_lat, sum_lon, mass, families) in (
            cells.items()
        )
    ]
    for start in range(0, len(values), 5000):
        db.session.execute(insert(MapCell), values[start : start + 5000])
    state = db.session.get(MapGridState, organisation_id)
    if state is None:
        state = MapGridState(organisation_id=organisation_id)
        db.session.add(state)
    if fingerprint is None:
        fingerprint = fingerprints([organisation_id]).get(organisation_id, "")
    state.fingerprint = fingerprint
    state.refreshed_at = utcnow()
    db.session.flush()
    return len(values)


def fresh_organisations(organisation_ids: list[int] | None = None) -> list[int]:
    """The organisations (of those given; all when None) that have a register, their cells
    refreshed first where the register changed since (committed). One statement when nothing
    changed: each organisation's latest register write next to the one its cells remember."""
    latest = (
        select(func.max(RegisterBuilding.updated_at))
        .where(RegisterBuilding.organisation_id == Organisation.id)
        .correlate(Organisation)
        .scalar_subquery()
    )
    stmt = select(Organisation.id, latest, MapGridState.fingerprint).outerjoin(
        MapGridState, MapGridState.organisation_id == Organisation.id
    )
    if organisation_ids is not None:
        stmt = stmt.where(Organisation.id.in_(organisation_ids))
    current = {}
    changed = False
    for organisation_id, value, stored in db.session.execute(stmt):
        state = value.isoformat() if hasattr(value, "isoformat") else str(value or "")
        current[organisation_id] = state
        if (stored or "") != state:
            refresh(organisation_id, state)
            changed = True
    if changed:
        db.session.commit()
    return sorted(org for org, state in current.items() if state)


def ensure_fresh(organisation_ids: list[int]) -> None:
    """Refresh the cells of the organisations whose register changed since (and commit)."""
    fresh_organisations(organisation_ids)

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


def fingerprint(organisation_id: int) -> str:
    """The register's state as the cells remember it: its latest write, or "" when empty."""
    latest = db.session.scalar(
        select(func.max(RegisterBuilding.updated_at)).where(
            RegisterBuilding.organisation_id == organisation_id
        )
    )
    return latest.isoformat() if latest is not None else ""


def refresh(organisation_id: int) -> int:
    """Rebuild an organisation's cells from its register; flushes, the caller commits.
    Returns how many cells were written."""
    rows = db.session.execute(
        select(
            RegisterBuilding.latitude,
            RegisterBuilding.longitude,
            RegisterBuilding.estimated_mass_kg,
            RegisterBuilding.planned_demolition.is_not(None),
            RegisterBuilding.building_id.is_not(None),
        ).where(
            RegisterBuilding.organisation_id == organisation_id,
            RegisterBuilding.latitude.is_not(None),
            RegisterBuilding.longitude.is_not(None),
        )
    )
    size = cell_size(GRID_MAX_ZOOM)
    cells: dict[tuple, list] = {}
    for lat, lon, mass, demolition, surveyed in rows:
        fx = math.floor((lon + 180.0) / size)
        fy = math.floor((lat + 90.0) / size)
        mass = mass or 0.0
        for zoom in range(GRID_MAX_ZOOM + 1):
            shift = GRID_MAX_ZOOM - zoom
            key = (zoom, fx >> shift, fy >> shift, bool(demolition), bool(surveyed))
            cell = cells.get(key)
            if cell is None:
                cells[key] = [1, lat, lon, mass]
            else:
                cell[0] += 1
                cell[1] += lat
                cell[2] += lon
                cell[3] += mass
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
        }
        for (zoom, cx, cy, demolition, surveyed), (count, sum_lat, sum_lon, mass) in cells.items()
    ]
    for start in range(0, len(values), 5000):
        db.session.execute(insert(MapCell), values[start : start + 5000])
    state = db.session.get(MapGridState, organisation_id)
    if state is None:
        state = MapGridState(organisation_id=organisation_id)
        db.session.add(state)
    state.fingerprint = fingerprint(organisation_id)
    state.refreshed_at = utcnow()
    db.session.flush()
    return len(values)


def ensure_fresh(organisation_ids: list[int]) -> None:
    """Refresh the cells of the organisations whose register changed since (and commit)."""
    stored = dict(
        db.session.execute(
            select(MapGridState.organisation_id, MapGridState.fingerprint).where(
                MapGridState.organisation_id.in_(organisation_ids)
            )
        ).all()
    )
    changed = False
    for organisation_id in organisation_ids:
        current = fingerprint(organisation_id)
        if stored.get(organisation_id, "" if current == "" else None) != current:
            refresh(organisation_id)
            changed = True
    if changed:
        db.session.commit()


def register_organisations() -> list[int]:
    """The organisations that have a register, or cells from one (an admin's map shows all)."""
    has_register = (
        select(RegisterBuilding.id)
        .where(RegisterBuilding.organisation_id == Organisation.id)
        .exists()
    )
    has_cells = select(MapGridState.organisation_id).where(
        MapGridState.organisation_id == Organisation.id
    )
    return list(
        db.session.scalars(
            select(Organisation.id).where(has_register | has_cells.exists()).order_by(Organisation.id)
        )
    )

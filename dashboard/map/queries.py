"""What the map shows in a bounding box: clusters at low zoom, single features at high zoom.

Who sees which layer (the rules of the packages that own the data, not new ones):
- `register`: a register is its organisation's (the city's estimate layer): members of that
  organisation see it, admins see every organisation's; visitors see none.
- `buildings`: passport buildings the user may read (passports.permissions.readable_buildings),
  not archived, with coordinates.
- `listings`: lots on offer now (status published), as the exchange's search shows them to
  anyone, visitors too, at their pickup point.
- `wanted`: open wanted requests, which anyone may read (marketplace.permissions.visible_wanted),
  at their location.

Filters: `family` (a material family) keeps register buildings whose estimate has that family
(their mass is then that family's), passport buildings with components of it (mass of it),
listings and wanted requests of it. `status` (a building lifecycle status) keeps register
buildings by their planned demolition (demolition_planned when planned, in_use otherwise),
passport buildings by their status and listings by the status of the building they come from;
wanted requests are not tied to a building and are left out when a status is asked for.
"""

from functools import lru_cache

from sqlalchemy import Float
from sqlalchemy import Integer
from sqlalchemy import and_
from sqlalchemy import bindparam
from sqlalchemy import case
from sqlalchemy import cast
from sqlalchemy import false
from sqlalchemy import func
from sqlalchemy import literal
from sqlalchemy import select
from sqlalchemy import true
from sqlalchemy import union_all

from app.extensions import db
from dashboard.map import grid
from dashboard.map.models import MapCell
from dashboard.models import BuildingMetricPart
from dashboard.models import BuildingMetrics
from marketplace.models import Listing
from marketplace.models import WantedRequest
from mine.intensity import cell_chain
from mine.intensity import load_table
from mine.models import RegisterBuilding
from passports.models import Building
from passports.permissions import readable_buildings

LAYERS = ("register", "buildings", "listings", "wanted")
# From this zoom on, single features when there are at most FEATURE_LIMIT in the box.
FEATURE_ZOOM = 15
FEATURE_LIMIT = 1000
# The register's two states on the map: planned for demolition, or not.
REGISTER_STATUSES = ("in_use", "demolition_planned")


# ------------------------------------------------------------------ who sees what
def register_organisations(user) -> list[int]:
    """The organisations whose register the user sees and that have one (their map cells
    brought up to date)."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.role == "admin":
        return grid.fresh_organisations(None)
    return grid.fresh_organisations([user.organisation_id])


def register_visible(user):
    """SQL condition on RegisterBuilding: the user's organisation's register (admins: all)."""
    if not getattr(user, "is_authenticated", False):
        return false()
    if user.role == "admin":
        return true()
    return RegisterBuilding.organisation_id == user.organisation_id


def building_visible(user):
    """SQL condition on Building: a passport the user may read, not archived."""
    return and_(readable_buildings(user), Building.archived_at.is_(None))


def listing_visible():
    """SQL condition on Listing: on offer now."""
    return Listing.status == "published"


def wanted_visible():
    """SQL condition on WantedRequest: open (readable by anyone)."""
    return WantedRequest.status == "open"


# ------------------------------------------------------------------ estimates by family
@lru_cache(maxsize=4096)
def family_intensity(intensity_key: str, family: str) -> float:
    """kg/m² of a family (median) for a register building's intensity cell; 0 when none."""
    table = load_table()
    parts = (intensity_key or "any|any|any|any").split("|")
    if len(parts) != 4:
        return 0.0
    for cell in cell_chain(*parts):
        figures = table.get(cell)
        if figures:
            found = figures.get(family)
            return found.median if found is not None else 0.0
    return 0.0


# ------------------------------------------------------------------ the query
def _cell_exprs(latitude, longitude, zoom: int):
    """SQL expressions of a point's cell at a zoom (floor of positive numbers)."""
    size = grid.cell_size(zoom)
    x = (longitude + 180.0) / size
    y = (latitude + 90.0) / size
    if db.engine.dialect.name == "postgresql":
        return cast(func.floor(x), Integer), cast(func.floor(y), Integer)
    return cast(x, Integer), cast(y, Integer)  # SQLite truncates: the floor of a positive


def _in_box(latitude, longitude, box):
    west, south, east, north = box
    return and_(latitude.between(south, north), longitude.between(west, east))


class _Clusters:
    """Clusters gathered by cell, across layers."""

    def __init__(self, zoom: int):
        self.zoom = zoom
        self.cells: dict[tuple[int, int], dict] = {}

    def add(self, cx, cy, layer, count, sum_lat, sum_lon, mass=0.0, surveyed=0):
        if not count:
            return
        cell = self.cells.get((cx, cy))
        if cell is None:
            cell = self.cells[(cx, cy)] = {
                "count": 0,
                "sum_lat": 0.0,
                "sum_lon": 0.0,
                "mass_kg": 0.0,
                "surveyed_mass_kg": 0.0,
                "layers": {name: 0 for name in LAYERS},
                "surveyed": 0,
            }
        cell["count"] += count
        cell["sum_lat"] += sum_lat
        cell["sum_lon"] += sum_lon
        cell["layers"][layer] += count
        if layer == "register":
            cell["mass_kg"] += mass or 0.0
            cell["surveyed"] += surveyed or 0
        elif layer == "buildings":
            cell["surveyed_mass_kg"] += mass or 0.0

    def result(self) -> list[dict]:
        size = grid.cell_size(self.zoom)
        out = []
        for (cx, cy), cell in sorted(self.cells.items()):
            out.append(
                {
                    "latitude": cell["sum_lat"] / cell["count"],
                    "longitude": cell["sum_lon"] / cell["count"],
                    "count": cell["count"],
                    "mass_kg": cell["mass_kg"],
                    "surveyed_mass_kg": cell["surveyed_mass_kg"],
                    "layers": {**cell["layers"], "surveyed": cell["surveyed"]},
                    "bbox": [
                        cx * size - 180.0,
                        cy * size - 90.0,
                        (cx + 1) * size - 180.0,
                        (cy + 1) * size - 90.0,
                    ],
                }
            )
        return out


def _register_clusters(clusters: _Clusters, user, box, family, status) -> None:
    organisations = register_organisations(user)
    if not organisations or (status and status not in REGISTER_STATUSES):
        return
    zoom = clusters.zoom
    cx0, cy0, cx1, cy1 = grid.cell_range(*box, zoom)
    params = {
        "organisations": organisations,
        "zoom": zoom,
        "cx0": cx0,
        "cx1": cx1,
        "cy0": cy0,
        "cy1": cy1,
        "demolition": status == "demolition_planned",
    }
    if family is None:
        stmt = _register_cells(bool(status))
        for cx, cy, count, sum_lat, sum_lon, mass, surveyed in db.session.execute(stmt, params):
            clusters.add(cx, cy, "register", count, sum_lat, sum_lon, mass, surveyed)
        return
    where = _register_cell_conditions(bool(status))
    # By family: the buildings whose estimate has it, and its mass; the centroid is the
    # cell's (the family's buildings are not located apart).
    stmt = select(
        MapCell.cx,
        MapCell.cy,
        MapCell.building_count,
        MapCell.sum_latitude,
        MapCell.sum_longitude,
        MapCell.surveyed,
        MapCell.families,
    ).where(*where)
    for cx, cy, count, sum_lat, sum_lon, surveyed, families in db.session.execute(stmt, params):
        n, kg = (families or {}).get(family, (0, 0.0))
        if n:
            share = n / count
            clusters.add(
                cx, cy, "register", n, sum_lat * share, sum_lon * share, kg, n if surveyed else 0
            )


def _register_cell_conditions(status: bool) -> list:
    conditions = [
        MapCell.organisation_id.in_(bindparam("organisations", expanding=True)),
        MapCell.zoom == bindparam("zoom"),
        MapCell.cx.between(bindparam("cx0"), bindparam("cx1")),
        MapCell.cy.between(bindparam("cy0"), bindparam("cy1")),
    ]
    if status:
        conditions.append(MapCell.demolition == bindparam("demolition"))
    return conditions


@lru_cache(maxsize=4)
def _register_cells(status: bool):
    """The register's clusters from its stored cells (built once, values bound per request)."""
    return (
        select(
            MapCell.cx,
            MapCell.cy,
            func.sum(MapCell.building_count),
            func.sum(MapCell.sum_latitude),
            func.sum(MapCell.sum_longitude),
            func.sum(MapCell.mass_kg),
            func.sum(case((MapCell.surveyed, MapCell.building_count), else_=0)),
        )
        .where(*_register_cell_conditions(status))
        .group_by(MapCell.cx, MapCell.cy)
    )


def _register_status(status) -> list:
    if status == "demolition_planned":
        return [RegisterBuilding.planned_demolition.is_not(None)]
    if status == "in_use":
        return [RegisterBuilding.planned_demolition.is_(None)]
    return []


def _building_source(user, box, family, status):
    """(FROM/WHERE-ready select parts) for passport buildings: mass column and conditions."""
    conditions = [
        building_visible(user),
        Building.latitude.is_not(None),
        Building.longitude.is_not(None),
        _in_box(Building.latitude, Building.longitude, box),
    ]
    if status:
        conditions.append(Building.status == status)
    if family:
        part = BuildingMetricPart
        joined = (
            Building,
            part,
            and_(
                part.building_id == Building.id,
                part.dimension == "family",
                part.key == family,
                part.mass_kg > 0,
            ),
            False,
        )
        return part.mass_kg, joined, conditions
    return (
        BuildingMetrics.mass_kg,
        (Building, BuildingMetrics, BuildingMetrics.building_id == Building.id, True),
        conditions,
    )


def _join(stmt, joined):
    base, other, on, outer = joined
    return stmt.select_from(base).join(other, on, isouter=outer)


def _listing_conditions(box, family, status) -> list:
    conditions = [
        listing_visible(),
        _in_box(Listing.pickup_latitude, Listing.pickup_longitude, box),
    ]
    if family:
        conditions.append(Listing.material_family == family)
    if status:
        conditions.append(
            Listing.building_id.in_(select(Building.id).where(Building.status == status))
        )
    return conditions


def _wanted_conditions(box, family) -> list:
    conditions = [wanted_visible(), _in_box(WantedRequest.latitude, WantedRequest.longitude, box)]
    if family:
        conditions.append(WantedRequest.material_family == family)
    return conditions


def _live_clusters(clusters: _Clusters, user, layers, box, family, status) -> None:
    zoom = clusters.zoom
    if "buildings" in layers:
        mass, joined, conditions = _building_source(user, box, family, status)
        cx, cy = _cell_exprs(Building.latitude, Building.longitude, zoom)
        stmt = _join(
            select(
                cx,
                cy,
                func.count(),
                func.sum(Building.latitude),
                func.sum(Building.longitude),
                func.sum(mass),
            ),
            joined,
        ).where(*conditions)
        for row in db.session.execute(stmt.group_by(cx, cy)):
            clusters.add(row[0], row[1], "buildings", *row[2:])
    kinds = tuple(k for k in ("listings", "wanted") if k in layers)
    if status:
        kinds = tuple(k for k in kinds if k != "wanted")
    if kinds:
        stmt = _point_layers(kinds, db.engine.dialect.name, bool(family), bool(status))
        for row in db.session.execute(stmt, _box_params(box, zoom, family, status)):
            clusters.add(row[1], row[2], row[0], *row[3:])


def _box_params(box, zoom: int, family, status) -> dict:
    """The bound values of the cached statements below."""
    west, south, east, north = box
    return {
        "west": west,
        "south": south,
        "east": east,
        "north": north,
        "cell_size": grid.cell_size(zoom),
        "family": family,
        "status": status,
    }


@lru_cache(maxsize=32)
def _point_layer(kind: str, dialect: str, family: bool, status: bool):
    """Clusters of listings or wanted requests: built once per variant, values bound at each
    request (SQLAlchemy then reuses its compiled form)."""
    if kind == "listings":
        lat, lon = Listing.pickup_latitude, Listing.pickup_longitude
        conditions = [listing_visible()]
        if family:
            conditions.append(Listing.material_family == bindparam("family"))
        if status:
            conditions.append(
                Listing.building_id.in_(
                    select(Building.id).where(Building.status == bindparam("status"))
                )
            )
    else:
        lat, lon = WantedRequest.latitude, WantedRequest.longitude
        conditions = [wanted_visible()]
        if family:
            conditions.append(WantedRequest.material_family == bindparam("family"))
    size = bindparam("cell_size", type_=Float)
    x, y = (lon + 180.0) / size, (lat + 90.0) / size
    if dialect == "postgresql":
        cx, cy = cast(func.floor(x), Integer), cast(func.floor(y), Integer)
    else:
        cx, cy = cast(x, Integer), cast(y, Integer)
    box = and_(
        lat.between(bindparam("south", type_=Float), bindparam("north", type_=Float)),
        lon.between(bindparam("west", type_=Float), bindparam("east", type_=Float)),
    )
    return (
        select(literal(kind).label("layer"), cx, cy, func.count(), func.sum(lat), func.sum(lon))
        .where(box, *conditions)
        .group_by(cx, cy)
    )


@lru_cache(maxsize=32)
def _point_layers(kinds: tuple, dialect: str, family: bool, status: bool):
    """The clusters of listings and wanted requests in one statement."""
    parts = [_point_layer(kind, dialect, family, status) for kind in kinds]
    return parts[0] if len(parts) == 1 else union_all(*parts)


def _features(user, layers, box, family, status) -> list[dict] | None:
    """Every feature in the box, or None when there are more than FEATURE_LIMIT."""
    out: list[dict] = []
    room = FEATURE_LIMIT + 1

    def take(stmt, kind, make):
        rows = db.session.execute(stmt.limit(room - len(out))).all()
        out.extend(make(row) for row in rows)
        return len(out) <= FEATURE_LIMIT

    if "register" in layers and (not status or status in REGISTER_STATUSES):
        r = RegisterBuilding
        stmt = select(
            r.id,
            r.latitude,
            r.longitude,
            r.estimated_mass_kg,
            r.building_id,
            r.intensity_key,
            r.floor_area_m2,
        ).where(
            register_visible(user), _in_box(r.latitude, r.longitude, box), *_register_status(status)
        )

        def register_feature(row):
            mass = row[3]
            if family:
                mass = (row[6] or 0.0) * family_intensity(row[5], family)
            return _feature("register", row[0], row[1], row[2], mass, surveyed=row[4] is not None)

        rows = db.session.execute(stmt.limit(room)).all()
        if len(rows) > FEATURE_LIMIT:
            return None
        features = [register_feature(row) for row in rows]
        out.extend(f for f in features if not family or f["mass_kg"] > 0)
    if "buildings" in layers:
        mass, joined, conditions = _building_source(user, box, family, status)
        stmt = _join(
            select(Building.id, Building.latitude, Building.longitude, mass), joined
        ).where(*conditions)
        if not take(stmt, "buildings", lambda row: _feature("buildings", *row, surveyed=True)):
            return None
    if "listings" in layers:
        stmt = select(
            Listing.id, Listing.pickup_latitude, Listing.pickup_longitude, Listing.mass_kg
        ).where(*_listing_conditions(box, family, status))
        if not take(stmt, "listings", lambda row: _feature("listings", *row)):
            return None
    if "wanted" in layers and not status:
        stmt = select(WantedRequest.id, WantedRequest.latitude, WantedRequest.longitude).where(
            *_wanted_conditions(box, family)
        )
        if not take(stmt, "wanted", lambda row: _feature("wanted", *row, None)):
            return None
    return out


def _feature(kind, id_, latitude, longitude, mass, *, surveyed=False) -> dict:
    return {
        "kind": kind,
        "id": id_,
        "latitude": latitude,
        "longitude": longitude,
        "mass_kg": mass,
        "surveyed": surveyed,
    }


def map_data(user, args: dict) -> dict:
    """Clusters (or features, from FEATURE_ZOOM on, when few enough) in the box of `args`:
    bbox (west, south, east, north), zoom, layers, family, status."""
    box, zoom = args["bbox"], args["zoom"]
    layers = args.get("layers") or LAYERS
    family, status = args.get("family"), args.get("status")
    if zoom >= FEATURE_ZOOM:
        features = _features(user, layers, box, family, status)
        if features is not None:
            return {"zoom": zoom, "mode": "features", "clusters": [], "features": features}
    cluster_zoom = min(zoom, grid.GRID_MAX_ZOOM)
    clusters = _Clusters(cluster_zoom)
    if "register" in layers:
        _register_clusters(clusters, user, box, family, status)
    _live_clusters(clusters, user, layers, box, family, status)
    return {
        "zoom": zoom,
        "mode": "clusters",
        "cell_zoom": cluster_zoom,
        "clusters": clusters.result(),
        "features": [],
    }

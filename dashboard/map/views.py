"""The map page (`/map`), its popups, and the map embedded in other packages' pages.

The page and the popups are open to visitors, like the exchange: what a visitor may see is what
the exchange shows anyone (published listings, open wanted requests); a logged-in user sees
also the passport buildings they may read, and their organisation's register
(dashboard.map.queries says who sees what). The exchange's search page shows the map through
the page-section hook (app.hooks), so marketplace never imports dashboard.
"""

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import render_template
from flask import request
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import func
from sqlalchemy import select

from app.extensions import db
from dashboard.map import queries
from dashboard.map.models import MapCell
from dashboard.models import BuildingMetrics
from marketplace.models import Listing
from marketplace.models import WantedRequest
from mine.models import RegisterBuilding
from passports.models import Building
from passports.models.vocab import BUILDING_STATUSES
from passports.models.vocab import MATERIAL_FAMILIES
from passports.permissions import can_read_building

bp = Blueprint("map", __name__, template_folder="../templates")

# Where a map opens when nothing nearer is known: Europe.
DEFAULT_VIEW = {"latitude": 50.0, "longitude": 10.0, "zoom": 4}
CITY_ZOOM = 12


def view_near(latitude: float | None, longitude: float | None, zoom: int = CITY_ZOOM) -> dict:
    """A map view centred on a point, or the default view when there is none."""
    if latitude is None or longitude is None:
        return dict(DEFAULT_VIEW)
    return {"latitude": latitude, "longitude": longitude, "zoom": zoom}


def home_view(user) -> dict:
    """Where the user's map opens: their organisation's register, else their readable
    buildings, else Europe."""
    if getattr(user, "is_authenticated", False):
        organisations = queries.register_organisations(user)
        if organisations:
            count, lat, lon = db.session.execute(
                select(
                    func.sum(MapCell.building_count),
                    func.sum(MapCell.sum_latitude),
                    func.sum(MapCell.sum_longitude),
                ).where(MapCell.organisation_id == organisations[0], MapCell.zoom == 0)
            ).one()
            if count:
                return view_near(lat / count, lon / count)
        lat, lon = db.session.execute(
            select(func.avg(Building.latitude), func.avg(Building.longitude)).where(
                queries.building_visible(user), Building.latitude.is_not(None)
            )
        ).one()
        return view_near(lat, lon)
    return dict(DEFAULT_VIEW)


def city_view(city: str) -> dict:
    """A city's map view: around its passport buildings and register buildings."""
    lat, lon = db.session.execute(
        select(func.avg(Building.latitude), func.avg(Building.longitude)).where(
            Building.city == city, Building.latitude.is_not(None)
        )
    ).one()
    if lat is None:
        lat, lon = db.session.execute(
            select(func.avg(RegisterBuilding.latitude), func.avg(RegisterBuilding.longitude)).where(
                RegisterBuilding.city == city, RegisterBuilding.latitude.is_not(None)
            )
        ).one()
    return view_near(lat, lon)


def map_context(view: dict, *, title: str | None = None, name: str = "map") -> dict:
    """What the map partial (dashboard/_map.html) needs."""
    config = current_app.config
    return {
        "map_name": name,
        "map_title": title,
        "map_view": view,
        "map_layers": queries.LAYERS,
        "map_families": MATERIAL_FAMILIES,
        "map_statuses": BUILDING_STATUSES,
        "map_tile_url": config.get("MAP_TILE_URL") or "",
        "map_tile_attribution": config.get("MAP_TILE_ATTRIBUTION") or "",
    }


@bp.route("/map")
def page():
    """The urban mine and the exchange on one map."""
    return render_template("dashboard/map.html", **map_context(home_view(current_user)))


@bp.route("/map/popup/<kind>/<int:item_id>")
def popup(kind: str, item_id: int):
    """What a feature's popup says, as an HTML fragment (404 for what the user may not see)."""
    item, extra = None, {}
    if kind == "register":
        item = db.session.scalar(
            select(RegisterBuilding).where(
                RegisterBuilding.id == item_id, queries.register_visible(current_user)
            )
        )
        if item is not None and item.building is not None:
            extra["passport"] = (
                item.building if can_read_building(current_user, item.building) else None
            )
    elif kind == "buildings":
        item = db.session.scalar(
            select(Building).where(Building.id == item_id, queries.building_visible(current_user))
        )
        if item is not None:
            extra["metrics"] = db.session.get(BuildingMetrics, item.id)
    elif kind == "listings":
        item = db.session.scalar(
            select(Listing).where(Listing.id == item_id, queries.listing_visible())
        )
    elif kind == "wanted":
        item = db.session.scalar(
            select(WantedRequest).where(WantedRequest.id == item_id, queries.wanted_visible())
        )
    if item is None:
        abort(404)
    return render_template("dashboard/map_popup.html", kind=kind, item=item, **extra)


def exchange_section() -> Markup:
    """The map on the exchange's search page: listings and wanted requests near the search's
    point, or the user's home view."""
    lat, lon = request.args.get("lat", type=float), request.args.get("lon", type=float)
    if lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180:
        view = view_near(lat, lon)
    else:
        view = home_view(current_user)
    context = map_context(view, name="exchange-map")
    context["map_layers_on"] = ("listings", "wanted")
    return Markup(render_template("dashboard/_map.html", **context))


@bp.record_once
def _install(state) -> None:
    from app.hooks import on_page_section

    on_page_section(state.app, "exchange_search", exchange_section)


@bp.app_template_global("city_map")
def city_map(city: str) -> Markup:
    """The map on a city's dashboard, around the city."""
    context = map_context(city_view(city), name="city-map")
    return Markup(render_template("dashboard/_map.html", **context))

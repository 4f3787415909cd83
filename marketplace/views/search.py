"""The exchange's search page: full text, filters, facet counts, sorts, distance from the
searcher, provenance and CO2 avoided for each result.

The page reads the same arguments as `GET /api/v1/listings` and checks them with the same
schema; bad input re-renders the form with field messages and status 422.
"""

from datetime import date
from functools import cache

from flask import render_template
from flask import request
from flask import url_for
from flask_babel import format_date
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import select

from app.extensions import db
from app.forms import flatten_errors
from app.i18n import word
from app.templating import number
from marketplace import queries
from marketplace.schemas import SORTS
from marketplace.schemas import ListingQueryArgs
from marketplace.schemas.search import DEFAULT_TOLERANCE_MM
from marketplace.views import bp
from passports.cpv import cpv_codes
from passports.cpv import cpv_label
from passports.models import CONDITION_GRADES
from passports.models import MATERIAL_FAMILIES
from passports.models import Building

PER_PAGE = 20
SEARCH_FIELDS = tuple(ListingQueryArgs().fields)
SORT_LABELS = {
    "relevance": _l("Relevance"),
    "distance": _l("Distance"),
    "available_from": _l("Available"),
    "co2_avoided": _l("CO₂ avoided"),
    "newest": _l("Newest"),
}
FACET_PARAMS = {
    "cpv_division": "cpv",
    "material_family": "material_family",
    "condition": "condition_min",
    "city": "city",
}
FACET_TITLES = {
    "cpv_division": _l("CPV division"),
    "material_family": _l("Material"),
    "condition": _l("Condition"),
    "city": _l("City"),
}
# CPV levels offered by name: divisions, groups, classes and categories (2 to 5 digits).
_CPV_OFFERED_DIGITS = 5


def cpv_options() -> list[tuple[str, str]]:
    """(code without check digit, "code – label") for the CPV choices of the search form, with
    the labels of the page's language where they are carried."""
    return _cpv_options(str(get_locale() or "en"))


@cache
def _cpv_options(_locale: str) -> list[tuple[str, str]]:
    offered = []
    for code in cpv_codes():
        digits = code.split("-", 1)[0]
        if len(digits.rstrip("0")) <= _CPV_OFFERED_DIGITS:
            offered.append((digits, f"{digits} – {cpv_label(code)}"))
    return offered


def cpv_name(prefix: str) -> str:
    """The label of the CPV code a prefix stands for (4411 → 44110000 Construction
    materials), or an empty string."""
    significant = queries.cpv_prefix(prefix)
    padded = significant.ljust(8, "0")
    for code in cpv_codes():
        if code.startswith(padded):
            return cpv_label(code)
    return ""


def raw_search_args() -> dict[str, str]:
    """The non-empty search arguments of the request, as typed."""
    raw = {}
    for name in SEARCH_FIELDS:
        value = request.args.get(name, "").strip()
        if value:
            raw[name] = value
    return raw


def home_building(user) -> Building | None:
    """The first building of the user's organisation with coordinates: where distances are
    measured from until the user gives another point."""
    return db.session.scalar(
        select(Building)
        .where(
            Building.organisation_id == user.organisation_id,
            Building.archived_at.is_(None),
            Building.latitude.is_not(None),
            Building.longitude.is_not(None),
        )
        .order_by(Building.id)
        .limit(1)
    )


def summary(params: dict) -> list[str]:
    """A search's arguments as short phrases for people (saved searches, the page head), in
    the page's language."""
    parts = []
    if params.get("q"):
        parts.append(_("“%(words)s”", words=params["q"]))
    if params.get("cpv"):
        name = cpv_name(str(params["cpv"]))
        parts.append(f"CPV {params['cpv']}" + (f" {name}" if name else ""))
    if params.get("material_family"):
        parts.append(word(params["material_family"]))
    if params.get("condition_min"):
        parts.append(_("condition %(grade)s or better", grade=params["condition_min"]))
    if params.get("min_quantity"):
        parts.append(_("at least %(quantity)s available", quantity=_num(params["min_quantity"])))
    if params.get("available_by"):
        parts.append(_("available by %(date)s", date=_date(params["available_by"])))
    if params.get("radius_km"):
        parts.append(
            _(
                "within %(radius)s km of %(lat)s, %(lon)s",
                radius=_num(params["radius_km"]),
                lat=_num(params.get("lat"), 6),
                lon=_num(params.get("lon"), 6),
            )
        )
    if params.get("max_price") not in (None, ""):
        parts.append(_("at most € %(price)s per unit", price=_num(params["max_price"])))
    parts += _measure_phrases(params)
    if params.get("free") in (True, "true", "on", "1", "yes"):
        parts.append(_("free only"))
    if params.get("city"):
        parts.append(_("in %(city)s", city=params["city"]))
    return parts or [_("everything on the exchange")]


def _measure_phrases(params: dict) -> list[str]:
    """The measures a search asks for, and their tolerance, as phrases."""
    phrases = {
        "width_mm": lambda mm: _("%(mm)s mm wide", mm=mm),
        "height_mm": lambda mm: _("%(mm)s mm high", mm=mm),
        "depth_mm": lambda mm: _("%(mm)s mm deep", mm=mm),
        "length_mm": lambda mm: _("%(mm)s mm long", mm=mm),
    }
    parts = [
        phrase(_num(params[name], 1))
        for name, phrase in phrases.items()
        if params.get(name) not in (None, "")
    ]
    if parts:
        tolerance = params.get("tolerance_mm")
        if tolerance in (None, ""):
            tolerance = DEFAULT_TOLERANCE_MM
        parts.append(_("± %(mm)s mm", mm=_num(tolerance, 1)))
    return parts


def _num(value, digits: int = 2) -> str:
    """A number as typed, written for the reader (52.090000 → 52.09); what is not a number
    is shown as typed."""
    try:
        return number(float(value), digits)
    except (TypeError, ValueError):
        return str(value or "?")


def _date(value) -> str:
    """A date as typed (ISO), written for the reader; what is not a date is shown as typed."""
    try:
        return format_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _page_number() -> int:
    page = request.args.get("page", 1, type=int) or 1
    return min(max(page, 1), 10_000)


@bp.route("/exchange")
def search():
    """Search the exchange: text, CPV, material, condition, quantity, date, distance, price.
    Open to visitors: what is on offer is public (reserving needs an account)."""
    raw = raw_search_args()
    home = home_building(current_user) if current_user.is_authenticated else None
    if home is not None and "lat" not in request.args and "lon" not in request.args:
        # Distances from the buyer's own building until they give another point.
        raw["lat"], raw["lon"] = f"{home.latitude:.5f}", f"{home.longitude:.5f}"
    errors, result = {}, None
    try:
        args = ListingQueryArgs().load(raw)
    except ValidationError as exc:
        errors = flatten_errors(exc.messages)
    else:
        result = queries.search_listings(args, _page_number(), PER_PAGE)
    pages = max(1, -(-result["total"] // PER_PAGE)) if result else 1
    return render_template(
        "marketplace/search.html",
        raw=raw,
        errors=errors,
        result=result,
        pages=pages,
        home=home,
        sorts=[(s, str(SORT_LABELS[s])) for s in SORTS],
        families=MATERIAL_FAMILIES,
        conditions=CONDITION_GRADES,
        cpv_options=cpv_options(),
        cpv_name=cpv_name(raw["cpv"]) if raw.get("cpv") and "cpv" not in errors else "",
        facets=_facet_links(raw, result["facets"]) if result else [],
        summary=summary(raw),
        search_url=lambda **changes: _search_url(raw, **changes),
        cpv_label=cpv_label,
    ), 422 if errors else 200


def _facet_links(raw: dict, facets: dict) -> list[tuple[str, list[dict]]]:
    """Each facet's values as links that set its filter, or remove it where it is set."""
    out = []
    for name, items in facets.items():
        param, links = FACET_PARAMS[name], []
        current = raw.get(param, "")
        for item in items:
            value = str(item["value"])
            if name == "cpv_division":
                active = bool(current) and current.startswith(value)
                text = f"{value} {item['label']}"
            elif name == "city":
                active = current.lower() == value.lower()
                text = item["label"]
            else:
                active = current == value
                text = item["label"]
            links.append(
                {
                    "text": text,
                    "count": item["count"],
                    "active": active,
                    "href": _search_url(raw, **{param: None if active else value}),
                }
            )
        if links:
            out.append((str(FACET_TITLES[name]), links))
    return out


def _search_url(raw: dict, **changes) -> str:
    """This search with some arguments changed (None removes one); back to page 1 unless a
    page is given."""
    params = dict(raw)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return url_for("exchange.search", **params)

"""Reads of the exchange: the search with its filters, facets and sorts, and listing lookups."""

from datetime import date

from flask import current_app
from sqlalchemy import ColumnElement, and_, func, literal, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from marketplace import search
from marketplace.models import Listing, ListingComponent, Reservation
from passports.cpv import cpv_codes
from passports.metrics import EARTH_RADIUS_KM, bounding_box, transport_kg
from passports.models import Component

FACETS = ("cpv_division", "material_family", "condition", "city")
FACET_LIMIT = 20


def division_label(division: str) -> str:
    """The label of a CPV division (its first two digits), e.g. 44 → Construction structures…"""
    for code, label in cpv_codes().items():
        if code.startswith(division + "000000"):
            return label
    return division


def distance_km(lat: float, lon: float) -> ColumnElement[float]:
    """SQL haversine distance from a point to each listing's pickup location, in km."""
    dlat = func.radians(Listing.pickup_latitude - lat) / 2
    dlon = func.radians(Listing.pickup_longitude - lon) / 2
    a = func.sin(dlat) * func.sin(dlat) + (
        func.cos(func.radians(literal(lat))) * func.cos(func.radians(Listing.pickup_latitude))
        * func.sin(dlon) * func.sin(dlon))
    return 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(a))


def _conditions(args: dict, today: date) -> dict[str, list[ColumnElement[bool]]]:
    """Filter conditions grouped by the facet they belong to ('' for the others)."""
    groups: dict[str, list] = {"": [
        Listing.status == "published",
        or_(Listing.available_until.is_(None), Listing.available_until >= today),
    ], "cpv_division": [], "material_family": [], "condition": [], "city": []}
    common = groups[""]
    if args.get("cpv"):
        groups["cpv_division"].append(Listing.cpv_code.like(args["cpv"] + "%"))
    if args.get("material_family"):
        groups["material_family"].append(Listing.material_family == args["material_family"])
    if args.get("condition_min"):
        groups["condition"].append(Listing.condition >= args["condition_min"])
    if args.get("city"):
        groups["city"].append(func.lower(Listing.city) == args["city"].strip().lower())
    if args.get("min_quantity"):
        common.append(Listing.quantity_available >= args["min_quantity"])
    if args.get("available_by"):
        common.append(or_(Listing.available_from.is_(None),
                          Listing.available_from <= args["available_by"]))
    if args.get("free"):
        common.append(Listing.price_basis == "free")
    if args.get("max_price") is not None:
        common.append(or_(Listing.price_basis == "free", and_(
            Listing.price_basis == "fixed", Listing.price_eur <= args["max_price"])))
    if args.get("radius_km") is not None:
        lat, lon, radius = args["lat"], args["lon"], args["radius_km"]
        min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
        common += [Listing.pickup_latitude.between(min_lat, max_lat),
                   Listing.pickup_longitude.between(min_lon, max_lon),
                   distance_km(lat, lon) <= radius]
    return groups


def _facet_column(name: str):
    return {"cpv_division": func.substr(Listing.cpv_code, 1, 2),
            "material_family": Listing.material_family, "condition": Listing.condition,
            "city": Listing.city}[name]


def _facet(name: str, groups: dict, query: str) -> list[dict]:
    column = _facet_column(name)
    conditions = [c for key, conds in groups.items() if key != name for c in conds]
    stmt = select(column.label("value"), func.count(Listing.id).label("n")).where(*conditions)
    stmt, _rank = search.apply_match(stmt, query)
    stmt = stmt.group_by(column).order_by(func.count(Listing.id).desc()).limit(FACET_LIMIT)
    rows = db.session.execute(stmt).all()
    labels = {"cpv_division": division_label, "condition": lambda v: f"{v} or better"}
    return [{"value": value, "count": n,
             "label": labels.get(name, lambda v: str(v).replace("_", " "))(value)}
            for value, n in rows if value not in (None, "")]


def search_listings(args: dict, page: int = 1, per_page: int = 20) -> dict:
    """Published listings matching the filters, sorted and paginated, with facet counts."""
    today = date.today()
    groups = _conditions(args, today)
    conditions = [c for conds in groups.values() for c in conds]
    query = args.get("q") or ""
    has_point = args.get("lat") is not None
    distance = distance_km(args["lat"], args["lon"]) if has_point else literal(None)
    stmt = select(Listing, distance.label("distance_km")).where(*conditions)
    stmt, rank = search.apply_match(stmt, query)
    stmt = stmt.add_columns(rank.label("relevance"))
    order = {
        "relevance": [rank.desc(), Listing.published_at.desc()],
        "distance": [distance.asc()],
        "available_from": [Listing.available_from.asc().nulls_first()],
        "co2_avoided": [Listing.co2_avoided_kg.desc().nulls_last()],
        "newest": [Listing.published_at.desc()],
    }[args.get("sort", "relevance")]
    count_stmt = select(func.count()).select_from(
        search.apply_match(select(Listing.id).where(*conditions), query)[0].subquery())
    total = db.session.scalar(count_stmt)
    rows = db.session.execute(
        stmt.order_by(*order, Listing.id.desc()).limit(per_page).offset((page - 1) * per_page)
        .options(joinedload(Listing.building), joinedload(Listing.organisation))
    ).all()
    _load_components([row[0] for row in rows])
    factor = current_app.config["TRANSPORT_KGCO2E_PER_TKM"]
    items = []
    for listing, dist, relevance in rows:
        here = listing.co2_avoided_kg
        if here is not None and dist is not None and listing.mass_kg:
            here -= transport_kg(listing.mass_kg, dist, factor)
        listing.distance_km, listing.relevance = dist, float(relevance or 0.0)
        listing.co2_avoided_here_kg = here
        listing.provenance = provenance(listing)
        items.append(listing)
    facets = {name: _facet(name, groups, query) for name in FACETS}
    return {"total": total, "page": page, "per_page": per_page, "items": items,
            "facets": facets}


def _load_components(listings: list[Listing]) -> None:
    if listings:
        db.session.scalars(select(Listing).where(Listing.id.in_([li.id for li in listings]))
                           .options(selectinload(Listing.items)
                                    .joinedload(ListingComponent.component))).all()


def provenance(listing: Listing) -> dict:
    """The origin building and the passports of the components in the lot."""
    from passports.qr import tag_url

    b = listing.building
    return {
        "building_id": b.id, "building": b.name, "city": b.city, "country": b.country,
        "year_built": b.year_built, "owner": listing.organisation.name,
        "components": [{"id": i.component.id, "tag": i.component.tag, "name": i.component.name,
                        "tag_url": tag_url(i.component.tag)} for i in listing.items],
    }


def visible_listing(user, listing_id: int) -> Listing | None:
    """A listing the user may see: on the exchange, or their own organisation's."""
    listing = db.session.get(Listing, listing_id)
    if listing is None:
        return None
    if listing.status in ("published", "sold_out", "expired"):
        return listing
    own = user.is_authenticated and (user.role == "admin"
                                     or user.organisation_id == listing.organisation_id)
    return listing if own else None


def reservations_for(user):
    """Reservations the user is party to, as buyer or as seller, newest first."""
    stmt = select(Reservation).join(Reservation.listing).order_by(Reservation.id.desc())
    if user.role != "admin":
        stmt = stmt.where(or_(Reservation.buyer_organisation_id == user.organisation_id,
                              Listing.organisation_id == user.organisation_id))
    return stmt


def components_of(listing: Listing) -> list[Component]:
    """The components still in a listing."""
    return [item.component for item in listing.items]

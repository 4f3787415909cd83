"""The exchange search's filters and facets as SQL: CPV divisions and prefixes, distance from a
point, the conditions each filter adds (grouped by facet, so a facet's counts leave out its own
filter), and the facet columns."""

import math
from datetime import date
from functools import cache

from sqlalchemy import ColumnElement
from sqlalchemy import and_
from sqlalchemy import func
from sqlalchemy import or_

from marketplace.models import Listing
from marketplace.schemas.search import DEFAULT_TOLERANCE_MM
from marketplace.schemas.search import MEASURE_ARGS
from passports.cpv import cpv_codes
from passports.cpv import cpv_label
from passports.metrics import EARTH_RADIUS_KM
from passports.metrics import bounding_box

FACETS = ("cpv_division", "material_family", "condition", "city")
FACET_LIMIT = 20


@cache
def _division_codes() -> dict[str, str]:
    codes: dict[str, str] = {}
    # Codes sorted, so the shortest code of a division comes first: its own code where the
    # subset has it (44000000), else its broadest code there (03410000 Wood).
    for code in sorted(cpv_codes()):
        codes.setdefault(code[:2], code)
    return codes


def division_label(division: str) -> str:
    """The label of a CPV division (its first two digits), e.g. 44 → Construction structures…,
    in the request's language where the label is carried."""
    code = _division_codes().get(division)
    return (cpv_label(code) or division) if code else division


def cpv_prefix(code: str) -> str:
    """The significant digits of a CPV code or prefix: 44111000-1 → 44111, 4411 → 4411.

    Trailing zeros of an 8-digit code only fill it up: 44111000 (Building materials) is the
    category 44111, whose codes (44111100 Bricks…) it must match. At least the division stays.
    """
    digits = code.split("-", 1)[0]
    return digits.rstrip("0").ljust(2, "0") if len(digits) == 8 else digits


def distance_km(lat: float, lon: float) -> ColumnElement[float]:
    """SQL haversine distance from a point to each listing's pickup location, in km."""
    # The searcher's cosine is worked out here: a smaller expression to compile and to run.
    sin_dlat = func.sin(func.radians(Listing.pickup_latitude - lat) / 2)
    sin_dlon = func.sin(func.radians(Listing.pickup_longitude - lon) / 2)
    a = sin_dlat * sin_dlat + (
        math.cos(math.radians(lat))
        * func.cos(func.radians(Listing.pickup_latitude))
        * sin_dlon
        * sin_dlon
    )
    return 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(a))


def within(column, value: float | None, tolerance: float) -> list[ColumnElement[bool]]:
    """A measure within ± tolerance of the asked value (nothing when none is asked)."""
    if value is None:
        return []
    return [column.between(value - tolerance, value + tolerance)]


def within_radius(lat: float, lon: float, radius: float) -> list[ColumnElement[bool]]:
    """Listings picked up within `radius` km of a point: the box is what an index can find;
    the haversine then trims its corners."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
    return [
        Listing.pickup_latitude.between(min_lat, max_lat),
        Listing.pickup_longitude.between(min_lon, max_lon),
        distance_km(lat, lon) <= radius,
    ]


def price_within(max_price: float) -> ColumnElement[bool]:
    """Listings free of charge or at a fixed price per unit of at most `max_price`."""
    return or_(
        Listing.price_basis == "free",
        and_(Listing.price_basis == "fixed", Listing.price_eur <= max_price),
    )


def search_conditions(args: dict, today: date) -> dict[str, list[ColumnElement[bool]]]:
    """Filter conditions grouped by the facet they belong to ('' for the others)."""
    groups: dict[str, list] = {
        "": [
            Listing.status == "published",
            or_(Listing.available_until.is_(None), Listing.available_until >= today),
        ],
        "cpv_division": [],
        "material_family": [],
        "condition": [],
        "city": [],
    }
    common = groups[""]
    if args.get("cpv"):
        groups["cpv_division"].append(Listing.cpv_code.like(cpv_prefix(args["cpv"]) + "%"))
    if args.get("material_family"):
        groups["material_family"].append(Listing.material_family == args["material_family"])
    if args.get("condition_min"):
        groups["condition"].append(Listing.condition >= args["condition_min"])
    if args.get("city"):
        groups["city"].append(func.lower(Listing.city) == args["city"].strip().lower())
    if args.get("min_quantity"):
        common.append(Listing.quantity_available >= args["min_quantity"])
    if args.get("available_by"):
        common.append(
            or_(Listing.available_from.is_(None), Listing.available_from <= args["available_by"])
        )
    if args.get("free"):
        common.append(Listing.price_basis == "free")
    if args.get("max_price") is not None:
        common.append(price_within(args["max_price"]))
    common += measure_conditions(args)
    if args.get("radius_km") is not None:
        common += within_radius(args["lat"], args["lon"], args["radius_km"])
    return groups


def measure_conditions(args: dict) -> list[ColumnElement[bool]]:
    """A lot's measures within ± tolerance_mm (10 when left out) of those asked; a lot that
    does not record an asked measure does not match."""
    tolerance = args.get("tolerance_mm")
    if tolerance is None:
        tolerance = DEFAULT_TOLERANCE_MM
    conditions: list[ColumnElement[bool]] = []
    for name in MEASURE_ARGS:
        conditions += within(getattr(Listing, name), args.get(name), tolerance)
    return conditions


def facet_columns() -> dict[str, ColumnElement]:
    """The column each facet counts by, as SQL."""
    return {
        "cpv_division": func.substr(Listing.cpv_code, 1, 2),
        "material_family": Listing.material_family,
        "condition": Listing.condition,
        "city": Listing.city,
    }

"""The exported columns, defined once for CSV and XLSX, and the rows they are filled from.

Headers and meanings are said in the export's language (see `sheets`). Columns meant for
programs keep codes in every language: the CPV code, the unit and its UN/CEFACT code, the
country, coordinates, dates, the condition grade, the price basis, numbers, tags and URLs.
Columns in words (the condition, the CPV label, future stock's yes or no, and in the
components sheet the category and status) follow the language."""

from collections.abc import Iterator
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.i18n import word
from app.urls import external_url
from marketplace import queries
from marketplace.models import Listing
from passports.cpv import cpv_label
from passports.metrics import DEFAULT_TRANSPORT_KGCO2E_PER_TKM
from passports.models import CONDITION_GRADES
from passports.models import Component
from passports.models import ComponentMaterial

EXPORT_CAP = 10_000
BATCH = 500
# UN/CEFACT Recommendation 20 codes for the passport units, with their common names.
UNCEFACT = {
    "pcs": ("C62", "piece"),
    "m": ("MTR", "metre"),
    "m2": ("MTK", "square metre"),
    "m3": ("MTQ", "cubic metre"),
    "kg": ("KGM", "kilogram"),
    "t": ("TNE", "tonne"),
}


@dataclass(frozen=True)
class Column:
    """One exported column: its header, width in characters, number format and meaning."""

    key: str
    header: object  # a lazy string: said in the language of the export
    width: int
    about: object
    number_format: str | None = None
    digits: int | None = None


COLUMNS: tuple[Column, ...] = (
    Column("id", _l("Listing ID"), 10, _l("The listing's number on the exchange.")),
    Column("title", _l("Title"), 36, _l("The seller's title for the lot.")),
    Column(
        "cpv_code",
        _l("CPV code"),
        12,
        _l("Common Procurement Vocabulary (CPV 2008) code, with its check digit."),
    ),
    Column(
        "cpv_label",
        _l("CPV label"),
        36,
        _l("The CPV code in words (in English where no translation is carried)."),
    ),
    Column("description", _l("Description"), 48, _l("The seller's description of the lot.")),
    Column(
        "quantity_available",
        _l("Quantity available"),
        12,
        _l("What can still be reserved."),
        "#,##0.###",
        3,
    ),
    Column(
        "quantity", _l("Lot quantity"), 12, _l("The whole lot, reserved or not."), "#,##0.###", 3
    ),
    Column("unit", _l("Unit"), 7, _l("Unit of the quantities: pcs, m, m2, m3, kg or t.")),
    Column(
        "unit_code",
        _l("UN/CEFACT unit"),
        9,
        _l("The unit as a UN/CEFACT Rec. 20 code (C62 piece, MTR, MTK, MTQ, KGM, TNE)."),
    ),
    Column(
        "mass_kg",
        _l("Mass (kg)"),
        12,
        _l("Mass of the whole lot in kg, from the passports."),
        "#,##0",
        1,
    ),
    Column("materials", _l("Materials"), 30, _l("Materials of the components.")),
    Column("pickup_address", _l("Pickup address"), 34, _l("Where the lot is collected.")),
    Column("city", _l("City"), 14, _l("City of the origin building (the search's city filter).")),
    Column("country", _l("Country"), 8, _l("ISO 3166 country code of the origin building.")),
    Column(
        "latitude", _l("Latitude"), 10, _l("Pickup location, WGS 84 decimal degrees."), "0.00000", 6
    ),
    Column(
        "longitude",
        _l("Longitude"),
        10,
        _l("Pickup location, WGS 84 decimal degrees."),
        "0.00000",
        6,
    ),
    Column(
        "available_from",
        _l("Available from"),
        12,
        _l("First day of collection (empty: now)."),
        "yyyy-mm-dd",
    ),
    Column(
        "available_until",
        _l("Available until"),
        12,
        _l("Last day of collection (empty: open)."),
        "yyyy-mm-dd",
    ),
    Column(
        "future_stock",
        _l("Future stock"),
        8,
        _l(
            "yes: still in a building due for demolition or renovation, to be harvested by the "
            "available-from date; reservable ahead."
        ),
    ),
    Column(
        "condition",
        _l("Condition (1-5)"),
        9,
        _l(
            "5 as new, 4 good, 3 fair, 2 poor, 1 unusable "
            "for reuse: the worst grade of the components unless the seller set one."
        ),
    ),
    Column("condition_text", _l("Condition"), 30, _l("The condition grade in words.")),
    Column(
        "price_basis",
        _l("Price basis"),
        11,
        _l("A code: fixed (a price per unit), free, or on request."),
    ),
    Column(
        "price_eur",
        _l("Price per unit (EUR)"),
        12,
        _l("Price per unit in euros, excluding VAT; empty unless the price basis is fixed."),
        "#,##0.00",
        2,
    ),
    Column("seller", _l("Seller"), 24, _l("The organisation that owns the lot.")),
    Column(
        "origin_building",
        _l("Origin building"),
        28,
        _l("Provenance: the building the components come from."),
    ),
    Column("year_built", _l("Year built"), 8, _l("Year the origin building was built.")),
    Column(
        "passports",
        _l("Component passports"),
        48,
        _l(
            "Provenance: the tag and passport URL of "
            "each component in the lot; the passport holds its materials, condition and history."
        ),
    ),
    Column(
        "co2_avoided_kg",
        _l("CO2e avoided (kg)"),
        12,
        _l(
            "Estimated kg CO2e avoided by reusing the "
            "whole lot instead of buying new, before transport (see the CO2 method below)."
        ),
        "#,##0",
        0,
    ),
    Column(
        "distance_km",
        _l("Distance (km)"),
        10,
        _l(
            "Great-circle distance from the point searched "
            "from to the pickup location (search exports with lat and lon only)."
        ),
        "#,##0.0",
        1,
    ),
    Column(
        "co2_avoided_here_kg",
        _l("CO2e avoided after transport (kg)"),
        14,
        _l("CO2e avoided less the transport of the whole lot over that distance."),
        "#,##0",
        0,
    ),
    Column("url", _l("Listing URL"), 40, _l("The listing on the exchange.")),
)
COMPONENT_COLUMNS: tuple[Column, ...] = (
    Column("tag", _l("Tag"), 16, _l("The component's permanent tag (its QR code).")),
    Column("name", _l("Component"), 36, _l("Name in the passport.")),
    Column("category", _l("Category"), 14, _l("Building element category.")),
    Column("storey", _l("Storey"), 16, _l("Where it is (or was) in the origin building.")),
    Column("quantity", _l("Quantity"), 10, _l("Quantity of this component."), "#,##0.###", 3),
    Column("unit", _l("Unit"), 7, _l("Unit of the quantity.")),
    Column("mass_kg", _l("Mass (kg)"), 12, _l("Mass in kg."), "#,##0", 1),
    Column("condition", _l("Condition (1-5)"), 9, _l("Condition grade in the passport.")),
    Column("status", _l("Status"), 12, _l("Lifecycle status.")),
    Column("passport_url", _l("Passport URL"), 44, _l("The tag URL: the component's passport.")),
)
CO2_METHOD = _l(
    "CO2e avoided = M x c(A1-A3) - M x c(reprocessing) - (M / 1000) x d x f(A4). "
    "M is the mass in kg from the component passports; c(A1-A3) the cradle-to-gate embodied "
    "carbon of making the material new (kg CO2e/kg, ICE v2 or the source cited in the material "
    "library); c(reprocessing) the carbon of preparing the reclaimed material for reuse (e.g. "
    "cleaning bricks); d the transport distance in km and f(A4) the freight factor, "
    "%(factor)s kg CO2e per tonne-km by default (DESNZ 2023, average laden HGV; EN 15978 "
    "module A4). 'CO2e avoided' is before transport; 'after transport' subtracts the A4 term "
    "for the distance from the point searched from. Estimates for comparing lots, not a "
    "verified life cycle assessment.",
    factor=DEFAULT_TRANSPORT_KGCO2E_PER_TKM,
)


def listing_record(listing: Listing) -> dict:
    """One listing as the export row: plain values keyed like COLUMNS."""
    provenance = getattr(listing, "provenance", None) or queries.provenance(listing)
    unit_code = UNCEFACT.get(listing.unit, ("", ""))[0]
    passports = "; ".join(
        f"{c['tag']} {c['name']} {c['tag_url']}" for c in provenance["components"]
    )
    origin = ", ".join(p for p in (provenance["building"], provenance["city"]) if p)
    return {
        "id": listing.id,
        "title": listing.title,
        "cpv_code": listing.cpv_code,
        "cpv_label": cpv_label(listing.cpv_code),
        "description": listing.description,
        "quantity_available": listing.quantity_available,
        "quantity": listing.quantity,
        "unit": listing.unit,
        "unit_code": unit_code,
        "mass_kg": listing.mass_kg,
        "materials": "; ".join(
            dict.fromkeys(
                cm.material.name for item in listing.items for cm in item.component.materials
            )
        ),
        "pickup_address": listing.pickup_address,
        "city": listing.city,
        "country": provenance["country"],
        "latitude": listing.pickup_latitude,
        "longitude": listing.pickup_longitude,
        "available_from": listing.available_from,
        "available_until": listing.available_until,
        "future_stock": listing.future_stock,
        "condition": listing.condition,
        "condition_text": str(CONDITION_GRADES.get(listing.condition, "")),
        "price_basis": listing.price_basis.replace("_", " "),
        "price_eur": listing.price_eur if listing.price_basis == "fixed" else None,
        "seller": listing.organisation.name,
        "origin_building": origin,
        "year_built": provenance["year_built"],
        "passports": passports,
        "co2_avoided_kg": listing.co2_avoided_kg,
        "distance_km": getattr(listing, "distance_km", None),
        "co2_avoided_here_kg": getattr(listing, "co2_avoided_here_kg", None),
        "url": external_url("exchange.listing_detail", listing_id=listing.id),
    }


def component_records(listing: Listing) -> list[dict]:
    """The components of a listing, one row each, for the single-listing workbook."""
    from passports.qr import tag_url

    return [
        {
            "tag": c.tag,
            "name": c.name,
            "category": word(c.category),
            "storey": c.storey,
            "quantity": c.quantity,
            "unit": c.unit,
            "mass_kg": c.mass_kg,
            "condition": c.condition,
            "status": word(c.status),
            "passport_url": tag_url(c.tag),
        }
        for c in queries.components_of(listing)
    ]


def _load_materials(listings: list[Listing]) -> None:
    """Load the materials of a batch's components in one query rather than one per part."""
    ids = [item.component_id for listing in listings for item in listing.items]
    if ids:
        db.session.scalars(
            select(Component)
            .where(Component.id.in_(ids))
            .options(selectinload(Component.materials).joinedload(ComponentMaterial.material))
        ).all()


def search_records(args: dict, cap: int | None = None) -> Iterator[dict]:
    """Every listing the search finds (up to EXPORT_CAP), in its order, loaded in batches."""
    cap = cap or EXPORT_CAP
    size = min(BATCH, cap)
    sent, page = 0, 1
    while sent < cap:
        result = queries.search_listings(args, page, size)
        _load_materials(result["items"])
        for listing in result["items"][: cap - sent]:
            yield listing_record(listing)
            sent += 1
        if len(result["items"]) < size or page * size >= result["total"]:
            return
        page += 1

"""A bundle's procurement exports: one OCDS 1.1 release with one award per supplier (each
seller's accepted or collected parts as its items), and a CSV/XLSX with one line per part.

The OCDS builders of a single reservation (`ocds`) are reused: the same parties, items and
values; an award is pending while any of its parts is only accepted, active once all are
collected. The sheets follow `sheets`: headers in the reader's language for people, English
in the API's CSV (for programs)."""

from collections.abc import Callable
from datetime import UTC
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.i18n import word
from app.templating import number
from app.urls import external_url
from marketplace.exports.columns import UNCEFACT
from marketplace.exports.columns import Column
from marketplace.exports.ocds import OCDS_EXTENSIONS
from marketplace.exports.ocds import OCDS_PREFIX
from marketplace.exports.ocds import _item
from marketplace.exports.ocds import _party
from marketplace.exports.ocds import _stamp
from marketplace.exports.ocds import _value
from marketplace.exports.sheets import _about
from marketplace.exports.sheets import _for_programs
from marketplace.exports.sheets import _sheet_name
from marketplace.exports.sheets import _table
from marketplace.exports.sheets import csv_lines
from marketplace.exports.sheets import download
from marketplace.exports.sheets import export_context
from marketplace.exports.sheets import filename
from marketplace.models import Bundle
from marketplace.models import Reservation
from passports.cpv import cpv_label

AWARDED = ("accepted", "collected")


def awarded_parts(bundle: Bundle) -> list[Reservation]:
    """The parts that are awards: accepted or collected."""
    return [p for p in bundle.parts if p.status in AWARDED]


def bundle_release_package(
    bundle: Bundle, uri: str, now: Callable[[], datetime] | None = None
) -> dict:
    """The bundle as an OCDS 1.1 release package: one release, one award per supplier.
    The caller makes sure some part is accepted or collected."""
    parts = awarded_parts(bundle)
    buyer = _party(bundle.buyer_organisation, "buyer", bundle.destination)
    suppliers: dict[int, list[Reservation]] = {}
    for part in parts:
        suppliers.setdefault(part.listing.organisation_id, []).append(part)
    parties, awards = [], []
    for org_id, own in suppliers.items():
        first = own[0].listing
        seller = _party(first.organisation, "supplier", first.building)
        parties.append(seller)
        status = "active" if all(p.status == "collected" for p in own) else "pending"
        decided = max(p.decided_at or p.updated_at for p in own)
        items = []
        for i, part in enumerate(own, start=1):
            item = _item(part)
            item["id"] = str(i)
            items.append(item)
        award = {
            "id": f"mpx-bundle-{bundle.id}-supplier-{org_id}",
            "title": f"Reuse lot {bundle.id}: {seller['name']}",
            "description": "; ".join(
                f"{p.quantity:g} {p.listing.unit} of {p.listing.title} reclaimed from "
                f"{p.listing.building.name}, {p.listing.building.city}"
                for p in own
            )
            + ".",
            "status": status,
            "date": _stamp(decided),
            "suppliers": [{"id": seller["id"], "name": seller["name"]}],
            "items": items,
        }
        values = [_value(p) for p in own]
        if values and None not in values:
            award["value"] = {
                "amount": round(sum(v["amount"] for v in values), 2),
                "currency": "EUR",
            }
        if bundle.needed_by:
            award["contractPeriod"] = {"endDate": bundle.needed_by.isoformat()}
        awards.append(award)
    moment = (now or (lambda: datetime.now(UTC).replace(tzinfo=None)))()
    latest = max((p.decided_at or p.updated_at for p in parts), default=bundle.created_at)
    ocid = f"{OCDS_PREFIX}bundle-{bundle.id}"
    active = sum(1 for a in awards if a["status"] == "active")
    release = {
        "ocid": ocid,
        "id": f"{ocid}-award-{len(parts)}-{active}-{latest.strftime('%Y%m%d%H%M%S')}",
        "date": _stamp(latest),
        "tag": ["award"],
        "initiationType": "tender",
        "language": "en",
        "parties": [*parties, buyer],
        "buyer": {"id": buyer["id"], "name": buyer["name"]},
        "awards": awards,
    }
    return {
        "uri": uri,
        "version": "1.1",
        "extensions": OCDS_EXTENSIONS,
        "publishedDate": _stamp(moment),
        "publisher": {"name": "Material Passport Exchange"},
        "releases": [release],
    }


PART_COLUMNS: tuple[Column, ...] = (
    Column("reservation_id", _l("Reservation ID"), 10, _l("The part's reservation number.")),
    Column("listing_id", _l("Listing ID"), 10, _l("The listing's number on the exchange.")),
    Column("title", _l("Title"), 36, _l("The seller's title for the lot.")),
    Column("seller", _l("Seller"), 24, _l("The organisation that owns the lot.")),
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
    Column("quantity", _l("Quantity"), 10, _l("The quantity this part reserves."), "#,##0.###", 3),
    Column("unit", _l("Unit"), 7, _l("Unit of the quantities: pcs, m, m2, m3, kg or t.")),
    Column(
        "unit_code",
        _l("UN/CEFACT unit"),
        9,
        _l("The unit as a UN/CEFACT Rec. 20 code (C62 piece, MTR, MTK, MTQ, KGM, TNE)."),
    ),
    Column("status", _l("Status"), 12, _l("The part's reservation status, in words.")),
    Column("status_code", _l("Status code"), 12, _l("The part's reservation status, as a code.")),
    Column(
        "unit_price_eur",
        _l("Unit price (EUR)"),
        10,
        _l("Price per unit; empty when free or on request."),
        "#,##0.00",
        2,
    ),
    Column(
        "price_eur",
        _l("Price (EUR)"),
        12,
        _l("The part's price: unit price × quantity (0 when free, empty on request)."),
        "#,##0.00",
        2,
    ),
    Column(
        "distance_km",
        _l("Distance (km)"),
        10,
        _l("From the pickup location to the destination, as the crow flies."),
        "#,##0.0",
        1,
    ),
    Column(
        "co2_avoided_kg",
        _l("CO2e avoided, net (kg)"),
        12,
        _l("CO2e avoided by this part, less its transport to the destination."),
        "#,##0",
        1,
    ),
    Column("pickup_address", _l("Pickup address"), 34, _l("Where the lot is collected.")),
    Column(
        "replaces_id",
        _l("Replaces reservation"),
        10,
        _l("The rejected or cancelled part this one replaced, if any."),
    ),
    Column("url", _l("Listing URL"), 40, _l("The listing on the exchange.")),
)


def part_record(part: Reservation) -> dict:
    """One line of the bundle's sheet: a part."""
    listing = part.listing
    fixed = listing.price_basis == "fixed" and listing.price_eur is not None
    price = None
    if fixed:
        price = round(listing.price_eur * part.quantity, 2)
    elif listing.price_basis == "free":
        price = 0.0
    return {
        "reservation_id": part.id,
        "listing_id": listing.id,
        "title": listing.title,
        "seller": listing.organisation.name,
        "cpv_code": listing.cpv_code,
        "cpv_label": cpv_label(listing.cpv_code),
        "quantity": part.quantity,
        "unit": listing.unit,
        "unit_code": UNCEFACT[listing.unit][0],
        "status": word(part.status),
        "status_code": part.status,
        "unit_price_eur": listing.price_eur if fixed else None,
        "price_eur": price,
        "distance_km": part.distance_km,
        "co2_avoided_kg": part.co2_avoided_kg,
        "pickup_address": listing.pickup_address,
        "replaces_id": part.replaces_id,
        "url": external_url("exchange.listing_detail", listing_id=listing.id),
    }


def _context(bundle: Bundle) -> list[tuple]:
    return [
        *export_context(),
        (_("Bundle"), str(bundle.id)),
        (_("Buyer"), bundle.buyer_organisation.name),
        (_("Quantity"), number(bundle.quantity)),
    ]


def export_bundle(bundle: Bundle, fmt: str, *, for_people: bool):
    """The bundle's parts, one line each, as CSV or XLSX (with an About sheet)."""
    name = filename(f"bundle-{bundle.id}", fmt)
    if fmt == "csv":
        lines = csv_lines((part_record(p) for p in bundle.parts), PART_COLUMNS)
        return download("".join(lines if for_people else _for_programs(lines)), fmt, name)
    import io

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = _sheet_name(_("Parts"))
    count = _table(book, sheet, [part_record(p) for p in bundle.parts], PART_COLUMNS)
    _about(book, [*_context(bundle), (sheet, number(count))], [(sheet, PART_COLUMNS)])
    out = io.BytesIO()
    book.save(out)
    return download(out.getvalue(), fmt, name)

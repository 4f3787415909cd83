"""An accepted or collected reservation as an Open Contracting Data Standard (OCDS 1.1) release
package: one release tagged `award`, whose item is classified by its CPV code, measured in a
UN/CEFACT unit and located with the location extension (`deliveryLocation`, `deliveryAddress`).
An accepted reservation is a pending award; a collected one is active.
"""

from collections.abc import Callable
from datetime import UTC
from datetime import datetime

from marketplace.exports.columns import UNCEFACT
from marketplace.models import Reservation
from passports.cpv import cpv_label

OCDS_PREFIX = "ocds-mpx-"
OCDS_EXTENSIONS = [
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_location_extension/"
    "v1.1.5/extension.json"
]


def _stamp(moment: datetime | None) -> str | None:
    """A stored naive-UTC datetime in RFC 3339, as OCDS dates are."""
    if moment is None:
        return None
    return moment.replace(microsecond=0).isoformat() + "Z"


def _party(org, role: str, building=None) -> dict:
    party = {"id": f"mpx-org-{org.id}", "name": org.name, "roles": [role]}
    if building is not None:
        address = {
            k: v
            for k, v in (
                ("streetAddress", building.address),
                ("locality", building.city),
                ("countryName", building.country),
            )
            if v
        }
        if address:
            party["address"] = address
    return party


def _item(reservation: Reservation) -> dict:
    listing = reservation.listing
    code, unit_name = UNCEFACT[listing.unit]
    unit: dict = {"scheme": "UNCEFACT", "id": code, "name": unit_name}
    if listing.price_basis == "fixed" and listing.price_eur is not None:
        unit["value"] = {"amount": listing.price_eur, "currency": "EUR"}
    item = {
        "id": "1",
        "description": listing.title,
        "classification": {
            "scheme": "CPV",
            "id": listing.cpv_code.split("-")[0],
            "description": cpv_label(listing.cpv_code),
        },
        "quantity": reservation.quantity,
        "unit": unit,
    }
    location: dict = {"description": f"Collection point: {listing.pickup_address}".rstrip(": ")}
    if listing.pickup_latitude is not None and listing.pickup_longitude is not None:
        location["geometry"] = {
            "type": "Point",
            "coordinates": [listing.pickup_longitude, listing.pickup_latitude],
        }
    item["deliveryLocation"] = location
    building = listing.building
    at_building = listing.pickup_address in (
        "",
        ", ".join(p for p in (building.address, building.city) if p),
    )
    # The building's street and city only where the lot is collected at the building itself.
    parts = (
        (("streetAddress", building.address), ("locality", building.city))
        if at_building
        else (("streetAddress", listing.pickup_address),)
    )
    address = {k: v for k, v in (*parts, ("countryName", building.country)) if v}
    if address:
        item["deliveryAddress"] = address
    return item


def _value(reservation: Reservation) -> dict | None:
    listing = reservation.listing
    if listing.price_basis == "fixed" and listing.price_eur is not None:
        return {"amount": round(listing.price_eur * reservation.quantity, 2), "currency": "EUR"}
    if listing.price_basis == "free":
        return {"amount": 0, "currency": "EUR"}
    return None


def ocds_release_package(
    reservation: Reservation, uri: str, now: Callable[[], datetime] | None = None
) -> dict:
    """An accepted or collected reservation as an OCDS 1.1 release package with one award."""
    listing = reservation.listing
    status = {"accepted": "pending", "collected": "active"}[reservation.status]
    released = reservation.collected_at if reservation.status == "collected" else None
    decided = reservation.decided_at or reservation.updated_at
    seller = _party(listing.organisation, "supplier", listing.building)
    buyer = _party(reservation.buyer_organisation, "buyer", reservation.destination)
    award = {
        "id": f"mpx-reservation-{reservation.id}",
        "title": listing.title,
        "description": (
            f"Reuse of {reservation.quantity:g} {listing.unit} reclaimed from "
            f"{listing.building.name}, {listing.building.city}."
            + (
                f" Destination: {reservation.destination.name}."
                if reservation.destination
                else " Destination: the buyer's storage."
            )
        ),
        "status": status,
        "date": _stamp(decided),
        "suppliers": [{"id": seller["id"], "name": seller["name"]}],
        "items": [_item(reservation)],
    }
    value = _value(reservation)
    if value is not None:
        award["value"] = value
    period = {
        k: v.isoformat()
        for k, v in (("startDate", listing.available_from), ("endDate", reservation.needed_by))
        if v
    }
    if period:
        award["contractPeriod"] = period
    moment = (now or (lambda: datetime.now(UTC).replace(tzinfo=None)))()
    release = {
        "ocid": f"{OCDS_PREFIX}{listing.id}",
        "id": f"{OCDS_PREFIX}{listing.id}-award-{reservation.id}-{status}",
        "date": _stamp(released or decided),
        "tag": ["award"],
        "initiationType": "tender",
        "language": "en",
        "parties": [seller, buyer],
        "buyer": {"id": buyer["id"], "name": buyer["name"]},
        "awards": [award],
    }
    return {
        "uri": uri,
        "version": "1.1",
        "extensions": OCDS_EXTENSIONS,
        "publishedDate": _stamp(moment),
        "publisher": {"name": "Material Passport Exchange"},
        "releases": [release],
    }

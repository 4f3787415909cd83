"""Writes to the exchange: listings, their lifecycle and reservations. They flush; the edge
commits. A reservation changes the listing and the reservation together or not at all."""

from datetime import date

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select, update

from app.audit import services as audit
from app.audit.values import id_ranges
from app.errors import Conflict, Forbidden, ServiceError
from app.extensions import db
from app.models import utcnow
from marketplace import search
from marketplace.models import Listing, ListingComponent, Reservation
from passports.cpv import is_valid_cpv
from passports.lifecycle import uncleared_hazards
from passports.metrics import co2_avoided_kg, haversine_km, transport_kg
from passports.models import Building, Component
from passports.permissions import can_write_building

# Components in these states can be offered; installed or to-harvest ones only as future
# stock of a building that is due for demolition or renovation.
LISTABLE = ("installed", "to_harvest", "harvested", "in_storage")
HARVESTED = ("harvested", "in_storage")
OPEN_LISTING = ("draft", "published", "sold_out")
EPSILON = 1e-9
_LISTING_FIELDS = (
    "title",
    "description",
    "cpv_code",
    "price_eur",
    "price_basis",
    "available_from",
    "available_until",
    "pickup_address",
    "pickup_latitude",
    "pickup_longitude",
    "condition",
    "evidence",
)


def _components(building: Building, ids: list[int], listing: Listing | None = None):
    rows = db.session.scalars(select(Component).where(Component.id.in_(ids))).all()
    found = {c.id: c for c in rows}
    errors = {}
    for i, cid in enumerate(ids):
        c = found.get(cid)
        if c is None or c.building_id != building.id or c.archived_at is not None:
            errors[i] = [f"Component {cid} is not in this building."]
        elif c.status not in LISTABLE:
            errors[i] = [f"Component {cid} is {c.status.replace('_', ' ')} and cannot be listed."]
    if errors:
        raise ValidationError({"component_ids": errors})
    taken = db.session.scalars(
        select(ListingComponent.component_id)
        .join(ListingComponent.listing)
        .where(
            ListingComponent.component_id.in_(ids),
            Listing.status.in_(OPEN_LISTING),
            Listing.id != (listing.id if listing else -1),
        )
    ).all()
    if taken:
        raise ValidationError(
            {
                "component_ids": [
                    f"Already offered in another listing: {', '.join(map(str, sorted(taken)))}."
                ]
            }
        )
    units = {found[i].unit for i in ids}
    if len(units) > 1:
        raise ValidationError(
            {"component_ids": ["A lot is made of components of one kind: they must share a unit."]}
        )
    return [found[i] for i in ids]


def summarise(listing: Listing, components: list[Component]) -> None:
    """Derive quantity, mass, materials and the CO2 avoided estimate from the components."""
    listing.unit = components[0].unit
    listing.quantity = sum(c.quantity for c in components)
    listing.mass_kg = sum(c.mass_kg for c in components if c.mass_kg) or None
    by_family: dict[str, float] = {}
    names, co2 = [], 0.0
    for c in components:
        for cm in c.materials:
            m = cm.material
            if m.name not in names:
                names.append(m.name)
            by_family[m.family] = by_family.get(m.family, 0.0) + (cm.mass_kg or cm.fraction)
            if cm.mass_kg:
                co2 += co2_avoided_kg(cm.mass_kg, m.carbon_a1a3, m.reprocessing_kgco2e_per_kg)
    listing.material_family = max(by_family, key=by_family.get) if by_family else None
    listing.materials_text = " ".join(names)
    listing.manufacturer = next((c.manufacturer for c in components if c.manufacturer), "")
    listing.co2_avoided_kg = co2 if listing.mass_kg else None
    listing.city = listing.building.city
    if listing.condition is None:
        grades = [c.condition for c in components if c.condition]
        listing.condition = min(grades) if grades else None


def _default_cpv(components: list[Component]) -> str | None:
    for c in components:
        best = max(c.materials, key=lambda cm: cm.mass_kg or cm.fraction, default=None)
        if best is not None:
            return best.material.cpv_code
    return None


def create_listing(user, building: Building, data: dict) -> Listing:
    """Offer components of one building as a lot (a draft until published)."""
    if not can_write_building(user, building):
        raise Forbidden("Only the building's owners list its components.")
    components = _components(building, data["component_ids"])
    future = building.status in ("demolition_planned", "renovation_planned") and any(
        c.status not in HARVESTED for c in components
    )
    if not future and any(c.status not in HARVESTED for c in components):
        raise ValidationError(
            {
                "component_ids": [
                    "Installed components can only be listed as future stock of a building due for "
                    "demolition or renovation; harvest them first."
                ]
            }
        )
    listing = Listing(
        organisation_id=building.organisation_id,
        building=building,
        created_by_id=user.id,
        status="draft",
        future_stock=future,
        price_basis="fixed",
        quantity_available=0.0,
    )
    for key in _LISTING_FIELDS:
        if key in data:
            setattr(listing, key, data[key])
    listing.items = [ListingComponent(component=c) for c in components]
    if not listing.cpv_code:
        listing.cpv_code = _default_cpv(components)
        if not listing.cpv_code:
            raise ValidationError({"cpv_code": ["No material to take a CPV code from: give one."]})
    _defaults(listing, building)
    summarise(listing, components)
    listing.quantity_available = 0.0
    _check(listing)
    db.session.add(listing)
    db.session.flush()
    search.index_listing(listing)
    return listing


def _defaults(listing: Listing, building: Building) -> None:
    if listing.pickup_latitude is None and listing.pickup_longitude is None:
        listing.pickup_latitude, listing.pickup_longitude = building.latitude, building.longitude
    if not listing.pickup_address:
        listing.pickup_address = ", ".join(p for p in (building.address, building.city) if p)
    if listing.future_stock and listing.available_from is None:
        listing.available_from = building.planned_date
    if listing.price_basis != "fixed":
        listing.price_eur = None


def _check(listing: Listing) -> None:
    errors = {}
    if not is_valid_cpv(listing.cpv_code or ""):
        errors["cpv_code"] = ["Not a CPV code for construction products or works."]
    if listing.price_basis == "fixed" and listing.price_eur is None:
        errors["price_eur"] = ["Give a price per unit, or choose free or on request."]
    if (
        listing.available_from
        and listing.available_until
        and listing.available_until < listing.available_from
    ):
        errors["available_until"] = ["Ends before it starts."]
    if (
        listing.future_stock
        and listing.building.planned_date
        and listing.available_from
        and (listing.available_from < listing.building.planned_date)
    ):
        errors["available_from"] = [
            f"Future stock is available from the planned date, {listing.building.planned_date}."
        ]
    if (listing.pickup_latitude is None) != (listing.pickup_longitude is None):
        errors["pickup_latitude"] = ["Give latitude and longitude together."]
    if errors:
        raise ValidationError(errors)


def update_listing(listing: Listing, data: dict) -> Listing:
    """Edit a listing that is still open; its components can change only while a draft."""
    if listing.status not in ("draft", "published"):
        raise Conflict(f"A {listing.status.replace('_', ' ')} listing cannot be edited.")
    for key in _LISTING_FIELDS:
        if key in data:
            setattr(listing, key, data[key])
    if "component_ids" in data:
        if listing.status != "draft":
            raise Conflict("The components of a published listing cannot change.")
        components = _components(listing.building, data["component_ids"], listing)
        listing.items = [ListingComponent(component=c) for c in components]
        summarise(listing, components)
    _defaults(listing, listing.building)
    _check(listing)
    db.session.flush()
    search.index_listing(listing)
    return listing


def unresolved_hazards(listing: Listing) -> list[str]:
    """Hazards (asbestos, PCB, lead) of the listing's components without a clearance record."""
    return [
        f"{item.component.name} ({item.component.tag}): {h.kind}"
        for item in listing.items
        for h in uncleared_hazards(item.component)
    ]


def publish_listing(listing: Listing, actor) -> Listing:
    """Put a draft on the exchange; hazardous components need a clearance first."""
    if listing.status != "draft":
        raise Conflict(f"Only a draft can be published; this listing is {listing.status}.")
    blocking = unresolved_hazards(listing)
    if blocking:
        raise Conflict(
            "Clear these hazards before publishing: " + "; ".join(blocking) + ".",
            extra={"hazards": blocking},
        )
    if listing.available_until and listing.available_until < date.today():
        raise ValidationError({"available_until": ["The availability window has ended."]})
    from passports.services import change_status

    for item in listing.items:
        if item.component.status == "in_storage":
            change_status(item.component, "listed", actor)
    listing.status = "published"
    listing.published_at = utcnow()
    listing.quantity_available = listing.quantity
    db.session.flush()
    return listing


def withdraw_listing(listing: Listing, actor=None) -> Listing:
    """Take a listing off the exchange; open requests are rejected, accepted ones must go.
    Its listed components go back to storage, so that they can be offered again."""
    if listing.status not in OPEN_LISTING:
        raise Conflict(f"A {listing.status} listing cannot be withdrawn.")
    active = db.session.scalars(
        select(Reservation).where(
            Reservation.listing_id == listing.id, Reservation.status.in_(("requested", "accepted"))
        )
    ).all()
    if any(r.status == "accepted" for r in active):
        raise Conflict("Accepted reservations must be collected or cancelled first.")
    for r in active:
        r.status, r.decided_at = "rejected", utcnow()
    from passports.services import record_system_event

    for item in listing.items:
        # The one step back the lifecycle allows the exchange: off the exchange, into storage.
        if item.component.status == "listed":
            item.component.status = "in_storage"
            record_system_event(
                item.component,
                "status_changed",
                actor,
                "listed",
                notes=f"Listing {listing.id} withdrawn from the exchange.",
            )
    listing.status = "withdrawn"
    listing.quantity_available = 0.0
    db.session.flush()
    return listing


def expire_listings(today: date | None = None) -> int:
    """Mark published listings whose window has ended as expired; returns how many."""
    today = today or date.today()
    expired = db.session.scalars(
        update(Listing)
        .where(Listing.status.in_(("published", "sold_out")), Listing.available_until < today)
        .values(status="expired")
        .returning(Listing.id)
        .execution_options(synchronize_session=False)
    ).all()
    if expired:
        audit.record(
            "update",
            "listings",
            after={"status": "expired", "listing_ids": id_ranges(expired)},
            changed=["status"],
        )
    return len(expired)


# ---------------------------------------------------------------- reservations
def _whole(listing: Listing, quantity: float) -> None:
    if listing.unit == "pcs" and abs(quantity - round(quantity)) > EPSILON:
        raise ValidationError({"quantity": ["Pieces are reserved in whole numbers."]})


def reservation_co2(listing: Listing, quantity: float, distance_km: float | None) -> float | None:
    """CO2 avoided by this share of the lot, less the transport to its destination."""
    if listing.co2_avoided_kg is None or not listing.mass_kg:
        return None
    share = quantity / listing.quantity
    mass = listing.mass_kg * share
    factor = current_app.config["TRANSPORT_KGCO2E_PER_TKM"]
    return listing.co2_avoided_kg * share - transport_kg(mass, distance_km or 0.0, factor)


def reserve_listing(user, listing_id: int, data: dict) -> Reservation:
    """Claim a quantity; concurrent claims can never take more than is available."""
    listing = db.session.get(Listing, listing_id)
    if listing is None or listing.status == "draft":
        raise ServiceError("No such listing.", code=404)
    if listing.status != "published":
        raise Conflict(
            f"This listing is {listing.status.replace('_', ' ')}.",
            extra={"quantity_available": 0.0, "unit": listing.unit},
        )
    if user.organisation_id == listing.organisation_id:
        raise Forbidden("You cannot reserve your own organisation's listing.")
    quantity = data["quantity"]
    _whole(listing, quantity)
    destination = None
    if data.get("destination_building_id") is not None:
        destination = db.session.get(Building, data["destination_building_id"])
        if destination is None or (
            destination.organisation_id != user.organisation_id and user.role != "admin"
        ):
            raise ValidationError(
                {"destination_building_id": ["Choose a building of your own organisation."]}
            )
    # The conditional update is the guard: it only succeeds while enough is left, in one
    # statement, so two buyers can never both take the last bricks. The CHECK constraint on
    # quantity_available is the backstop.
    taken = db.session.execute(
        update(Listing)
        .where(
            Listing.id == listing.id,
            Listing.status == "published",
            Listing.quantity_available >= quantity - EPSILON,
        )
        .values(quantity_available=Listing.quantity_available - quantity)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        db.session.refresh(listing)
        left = listing.quantity_available if listing.status == "published" else 0.0
        raise Conflict(
            f"Only {left:g} {listing.unit} left.",
            extra={"quantity_available": left, "unit": listing.unit},
        )
    db.session.refresh(listing)
    _log_quantity(listing, claimed=quantity)
    if listing.quantity_available <= EPSILON:
        listing.quantity_available = 0.0
        listing.status = "sold_out"
    distance = _distance(listing, destination)
    reservation = Reservation(
        listing=listing,
        buyer_id=user.id,
        buyer_organisation_id=user.organisation_id,
        quantity=quantity,
        needed_by=data.get("needed_by"),
        destination=destination,
        message=data.get("message", ""),
        status="requested",
        distance_km=distance,
        co2_avoided_kg=reservation_co2(listing, quantity, distance),
    )
    db.session.add(reservation)
    db.session.flush()
    return reservation


def _distance(listing: Listing, destination: Building | None) -> float | None:
    if destination is None or destination.latitude is None or listing.pickup_latitude is None:
        return None
    return haversine_km(
        listing.pickup_latitude,
        listing.pickup_longitude,
        destination.latitude,
        destination.longitude,
    )


def _log_quantity(listing: Listing, claimed: float) -> None:
    """Audit the conditional UPDATE of a listing's quantity (below the ORM, so not seen by
    the session hook); `listing` was just refreshed."""
    now = listing.quantity_available
    audit.record(
        "update",
        "listings",
        listing.id,
        before={"quantity_available": now + claimed},
        after={"quantity_available": now},
        changed=["quantity_available"],
    )


def _release(reservation: Reservation) -> None:
    """Give a reserved quantity back to the listing."""
    db.session.execute(
        update(Listing)
        .where(Listing.id == reservation.listing_id)
        .values(quantity_available=Listing.quantity_available + reservation.quantity)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(reservation.listing)
    listing = reservation.listing
    _log_quantity(listing, claimed=-reservation.quantity)
    if listing.status == "sold_out" and listing.quantity_available > EPSILON:
        listing.status = "published"


def expect_status(reservation: Reservation, *states: str, action: str) -> None:
    if reservation.status not in states:
        raise Conflict(
            f"A {reservation.status} reservation cannot be {action}.",
            extra={"current_status": reservation.status},
        )


def accept_reservation(reservation: Reservation) -> Reservation:
    """The seller agrees to hand over the quantity."""
    expect_status(reservation, "requested", action="accepted")
    reservation.status, reservation.decided_at = "accepted", utcnow()
    db.session.flush()
    return reservation


def reject_reservation(reservation: Reservation) -> Reservation:
    """The seller declines; the quantity goes back on offer."""
    expect_status(reservation, "requested", action="rejected")
    _release(reservation)
    reservation.status, reservation.decided_at = "rejected", utcnow()
    db.session.flush()
    return reservation


def cancel_reservation(reservation: Reservation) -> Reservation:
    """The buyer withdraws; the quantity goes back on offer."""
    expect_status(reservation, "requested", "accepted", action="cancelled")
    _release(reservation)
    reservation.status, reservation.decided_at = "cancelled", utcnow()
    db.session.flush()
    return reservation

"""Collection: the reserved quantity of components moves to the buyer, with its passport.

The quantity is taken from the listing's components in order. A component that fits whole
moves whole; the last one is split when only part of it was reserved (20 of a lot of 40
doors): the part that moves becomes a new component with its own tag, `split_from` the lot,
so its history starts with the lot's. Every moved component gets a `transferred` event and one
more reuse cycle, and its status steps along the lifecycle to transferred. The reservation
records what it moved in `reservation_components`: the one source of "what this collection
handed over" (an event's note is text anyone importing a passport can write).
"""

from datetime import date

from flask import current_app
from flask_babel import force_locale
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import Conflict
from app.extensions import db
from app.i18n import supported
from app.models import utcnow
from marketplace.models import Reservation
from marketplace.models import ReservationComponent
from marketplace.services import EPSILON
from marketplace.services import expect_status
from marketplace.services import summarise
from marketplace.services.reservations import tell_buyer
from passports.lifecycle import status_path
from passports.models import AMOUNT_FIELDS
from passports.models import IDENTITY_FIELDS
from passports.models import PASSPORT_FIELDS
from passports.models import Building
from passports.models import Component
from passports.models import ComponentHazard
from passports.models import ComponentMaterial
from passports.services import record_system_event
from passports.services import unique_tag

# What a part split off a lot takes over as it is: every passport field but the amounts (it
# takes its share of them) and those that name one physical item; and where the lot came from.
_COPIED = (
    *(
        name
        for name in PASSPORT_FIELDS
        if name not in (*AMOUNT_FIELDS, *IDENTITY_FIELDS, "mass_derivation")
    ),
    "origin_tag_url",
)


def buyer_storage(reservation: Reservation) -> Building:
    """The buyer organisation's storage, created the first time it is needed."""
    org = reservation.buyer_organisation
    store = db.session.scalar(
        select(Building)
        .where(
            Building.organisation_id == org.id,
            Building.use_type == "storage",
            Building.archived_at.is_(None),
        )
        .order_by(Building.id)
    )
    if store is None:
        # A stored name, which the organisation may change: in the instance's language.
        with force_locale(supported(current_app.config.get("DEFAULT_LOCALE")) or "en"):
            name = _("%(organisation)s storage", organisation=org.name)
        store = Building(
            organisation_id=org.id,
            name=name[:200],
            use_type="storage",
            status="in_use",
            city="",
            country="",
        )
        db.session.add(store)
        db.session.flush()
    return store


def split_component(component: Component, quantity: float) -> Component:
    """Take `quantity` off a lot into a new component with its own tag."""
    share = quantity / component.quantity
    part = Component(
        building_id=component.building_id,
        tag=unique_tag(),
        quantity=quantity,
        split_from_id=component.id,
    )
    for name in _COPIED:
        setattr(part, name, getattr(component, name))

    def scaled(value: float | None) -> float | None:
        return None if value is None else value * share

    part.volume_m3 = scaled(component.volume_m3)
    part.mass_kg = scaled(component.mass_kg)
    part.mass_derivation = (f"{share:.4g} of lot {component.tag}: {component.mass_derivation}")[
        :500
    ]
    part.materials = [
        ComponentMaterial(
            material_id=cm.material_id,
            fraction=cm.fraction,
            position=cm.position,
            mass_kg=scaled(cm.mass_kg),
        )
        for cm in component.materials
    ]
    part.hazards = [
        ComponentHazard(
            kind=h.kind,
            notes=h.notes,
            cleared_at=h.cleared_at,
            cleared_by_id=h.cleared_by_id,
            clearance_note=h.clearance_note,
        )
        for h in component.hazards
    ]
    component.quantity -= quantity
    for attr in ("volume_m3", "mass_kg"):
        value = getattr(component, attr)
        if value is not None:
            setattr(component, attr, value * (1 - share))
    for cm in component.materials:
        if cm.mass_kg is not None:
            cm.mass_kg *= 1 - share
    db.session.add(part)
    db.session.flush()
    return part


def _move(component: Component, reservation: Reservation, destination: Building, actor) -> None:
    origin = component.building
    before = component.status
    for step in status_path(component.status, "transferred"):
        component.status = step
    component.building_id = destination.id
    component.reuse_cycles += 1
    record_system_event(
        component,
        "transferred",
        actor,
        before,
        notes=f"Collected under reservation {reservation.id} by "
        f"{reservation.buyer_organisation.name}.",
        from_location=f"{origin.name}, {origin.city}".strip(", "),
        to_location=f"{destination.name}, {destination.city}".strip(", "),
        distance_km=reservation.distance_km,
        building_id=destination.id,
    )


def collect_reservation(reservation: Reservation, actor) -> list[Component]:
    """Hand over an accepted reservation; returns the components that moved."""
    expect_status(reservation, "accepted", action="collect")
    listing = reservation.listing
    if listing.future_stock and listing.available_from and listing.available_from > date.today():
        raise Conflict(
            _(
                "Future stock: it can be collected from %(date)s, when the building comes down.",
                date=format_date(listing.available_from),
            ),
            extra={"available_from": str(listing.available_from)},
        )
    destination = reservation.destination or buyer_storage(reservation)
    remaining = reservation.quantity
    moved: list[Component] = []
    for item in list(listing.items):
        if remaining <= EPSILON:
            break
        component = item.component
        if component.quantity <= remaining + EPSILON:
            remaining -= component.quantity
            listing.items.remove(item)
        else:
            component = split_component(component, remaining)
            remaining = 0.0
        _move(component, reservation, destination, actor)
        db.session.add(
            ReservationComponent(
                reservation_id=reservation.id,
                component_id=component.id,
                quantity=component.quantity,
            )
        )
        moved.append(component)
    left = [item.component for item in listing.items]
    if left:
        summarise(listing, left)
    else:
        listing.quantity, listing.mass_kg, listing.co2_avoided_kg = 0.0, None, None
    listing.quantity_available = min(listing.quantity_available, listing.quantity)
    if listing.quantity <= EPSILON:
        listing.status = "sold_out"
    reservation.status, reservation.collected_at = "collected", utcnow()
    db.session.flush()
    tell_buyer(reservation, "reservation_collected")
    return moved

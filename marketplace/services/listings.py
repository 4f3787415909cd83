"""Writes to listings: create, edit, publish (and tell saved searches), withdraw and expire."""

from datetime import date

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy import update

from app.audit import services as audit
from app.audit.values import id_ranges
from app.errors import Conflict
from app.errors import ConflictingInput
from app.errors import Forbidden
from app.errors import UnknownReference
from app.extensions import db
from app.models import utcnow
from marketplace import search
from marketplace.alerts import notify_saved_searches
from marketplace.models import Listing
from marketplace.models import ListingComponent
from marketplace.models import Notification
from marketplace.models import Reservation
from marketplace.services.rules import _LISTING_FIELDS
from marketplace.services.rules import HARVESTED
from marketplace.services.rules import LISTABLE
from marketplace.services.rules import OPEN_LISTING
from marketplace.services.rules import components_editable
from marketplace.services.rules import default_cpv
from marketplace.services.rules import ensure_editable
from marketplace.services.rules import listable_statuses
from marketplace.services.rules import listing_defaults
from marketplace.services.rules import offered_elsewhere
from marketplace.services.rules import unresolved_hazards
from passports.cpv import CPV_CONSTRUCTION
from passports.cpv import is_valid_cpv
from passports.metrics import co2_avoided_kg
from passports.models import Building
from passports.models import Component
from passports.permissions import can_write_building


def _components(building: Building, ids: list[int], listing: Listing | None = None):
    rows = db.session.scalars(select(Component).where(Component.id.in_(ids))).all()
    found = {c.id: c for c in rows}
    errors, conflicts = {}, {}
    for i, cid in enumerate(ids):
        c = found.get(cid)
        if c is None or c.building_id != building.id or c.archived_at is not None:
            errors[i] = [f"Component {cid} is not in this building."]
        elif c.status not in LISTABLE:
            conflicts[i] = [
                f"Component {cid} is {c.status.replace('_', ' ')} and cannot be listed."
            ]
    if conflicts and not errors:
        raise ConflictingInput({"component_ids": conflicts})
    if errors:
        # Ids are checked against what is stored: unknown here is a 404, as for a path id.
        raise UnknownReference({"component_ids": errors})
    allowed = listable_statuses(building)
    if any(found[i].status not in allowed for i in ids):
        raise ConflictingInput(
            {
                "component_ids": [
                    "Installed components can only be listed as future stock of a building due for "
                    "demolition or renovation; harvest them first."
                ]
            }
        )
    taken = db.session.scalars(
        offered_elsewhere(listing).where(ListingComponent.component_id.in_(ids))
    ).all()
    if taken:
        raise ConflictingInput(
            {
                "component_ids": [
                    f"Already offered in another listing: {', '.join(map(str, sorted(taken)))}."
                ]
            }
        )
    units = {found[i].unit for i in ids}
    if len(units) > 1:
        raise ConflictingInput(
            {"component_ids": ["A lot is made of components of one kind: they must share a unit."]}
        )
    return [found[i] for i in ids]


def _set_components(listing: Listing, components: list[Component]) -> None:
    """Make the lot these components; a component that stays keeps its row, so that it is
    not inserted again beside itself."""
    kept = {item.component_id: item for item in listing.items}
    listing.items = [kept.get(c.id) or ListingComponent(component=c) for c in components]
    listing.future_stock = any(c.status not in HARVESTED for c in components)


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


def create_listing(user, building: Building, data: dict) -> Listing:
    """Offer components of one building as a lot (a draft until published)."""
    if not can_write_building(user, building):
        raise Forbidden("Only the building's owners list its components.")
    components = _components(building, data["component_ids"])
    listing = Listing(
        organisation_id=building.organisation_id,
        building=building,
        created_by_id=user.id,
        status="draft",
        price_basis="fixed",
        quantity_available=0.0,
    )
    for key in _LISTING_FIELDS:
        if key in data:
            setattr(listing, key, data[key])
    _set_components(listing, components)
    if not listing.cpv_code:
        listing.cpv_code = default_cpv(components)
        if not listing.cpv_code:
            raise ConflictingInput({"cpv_code": ["No material to take a CPV code from: give one."]})
    _defaults(listing, building)
    summarise(listing, components)
    listing.quantity_available = 0.0
    _check(listing, edit=False)
    db.session.add(listing)
    db.session.flush()
    search.index_listing(listing)
    return listing


def _defaults(listing: Listing, building: Building) -> None:
    defaults = listing_defaults(building, listing.future_stock)
    if listing.pickup_latitude is None and listing.pickup_longitude is None:
        listing.pickup_latitude = defaults["pickup_latitude"]
        listing.pickup_longitude = defaults["pickup_longitude"]
    if not listing.pickup_address:
        listing.pickup_address = defaults["pickup_address"]
    if listing.available_from is None:
        listing.available_from = defaults["available_from"]
    if listing.price_basis != "fixed":
        listing.price_eur = None


def _check(listing: Listing, *, edit: bool) -> None:
    # A rule of the request alone is a 422 (the document states it: ListingCreateSchema); one
    # met only with stored values (an edit's other fields, the building's planned date, the
    # defaults taken from it) is a 409 naming the conflict.
    errors, conflicts = {}, {}
    in_request = conflicts if edit else errors
    if not is_valid_cpv(listing.cpv_code or ""):
        errors["cpv_code"] = [CPV_CONSTRUCTION]
    if listing.price_basis == "fixed" and listing.price_eur is None:
        in_request["price_eur"] = ["Give a price per unit, or choose free or on request."]
    if (
        listing.available_from
        and listing.available_until
        and listing.available_until < listing.available_from
    ):
        conflicts["available_until"] = ["Ends before it starts."]
    if (
        listing.future_stock
        and listing.building.planned_date
        and listing.available_from
        and (listing.available_from < listing.building.planned_date)
    ):
        conflicts["available_from"] = [
            f"Future stock is available from the planned date, {listing.building.planned_date}."
        ]
    if (listing.pickup_latitude is None) != (listing.pickup_longitude is None):
        in_request["pickup_latitude"] = ["Give latitude and longitude together."]
    if errors:
        raise ValidationError(errors)
    if conflicts:
        raise ConflictingInput(conflicts)


def update_listing(listing: Listing, data: dict) -> Listing:
    """Edit a listing that is still open; its components can change only while a draft."""
    ensure_editable(listing)
    if "component_ids" in data and not components_editable(listing):
        raise Conflict("The components of a published listing cannot change.")
    for key in _LISTING_FIELDS:
        if key in data:
            setattr(listing, key, data[key])
    if "component_ids" in data:
        components = _components(listing.building, data["component_ids"], listing)
        _set_components(listing, components)
        summarise(listing, components)
    _defaults(listing, listing.building)
    _check(listing, edit=True)
    db.session.flush()
    search.index_listing(listing)
    return listing


def publish_listing(listing: Listing, actor) -> Listing:
    """Put a draft on the exchange; hazardous components need a clearance first. Pages and
    the API publish through `publish_and_notify`, which also tells saved searches."""
    if listing.status != "draft":
        raise Conflict(f"Only a draft can be published; this listing is {listing.status}.")
    blocking = [
        f"{component.name} ({component.tag}): {h.kind}"
        for component, hazards in unresolved_hazards(listing)
        for h in hazards
    ]
    if blocking:
        raise Conflict(
            "Clear these hazards before publishing: " + "; ".join(blocking) + ".",
            extra={"hazards": blocking},
        )
    if listing.available_until and listing.available_until < date.today():
        raise ConflictingInput({"available_until": ["The availability window has ended."]})
    from passports.services import change_status

    for item in listing.items:
        if item.component.status == "in_storage":
            change_status(item.component, "listed", actor)
    listing.status = "published"
    listing.published_at = utcnow()
    listing.quantity_available = listing.quantity
    db.session.flush()
    return listing


def publish_and_notify(listing: Listing, actor) -> list[Notification]:
    """Publish a draft and notify the saved searches it matches (in their owners' inboxes).

    Returns the notifications for the caller to email with `alerts.email_notifications`
    once it has committed: no mail announces a publish that was rolled back, and a slow mail
    server never holds the transaction.
    """
    publish_listing(listing, actor)
    return notify_saved_searches(listing)


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

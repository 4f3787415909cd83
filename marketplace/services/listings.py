"""Writes to listings: create and edit (the lifecycle that follows is in `lifecycle`)."""

from flask_babel import format_date
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select

from app.errors import Conflict
from app.errors import ConflictingInput
from app.errors import Forbidden
from app.errors import UnknownReference
from app.extensions import db
from app.i18n import word
from marketplace import search
from marketplace.models import Listing
from marketplace.models import ListingComponent
from marketplace.services.rules import _LISTING_FIELDS
from marketplace.services.rules import HARVESTED
from marketplace.services.rules import LISTABLE
from marketplace.services.rules import components_editable
from marketplace.services.rules import default_cpv
from marketplace.services.rules import ensure_editable
from marketplace.services.rules import ensure_one_kind
from marketplace.services.rules import listable_statuses
from marketplace.services.rules import listing_defaults
from marketplace.services.rules import offered_elsewhere
from passports.cpv import CPV_CONSTRUCTION
from passports.cpv import is_valid_cpv
from passports.metrics import co2_avoided_kg
from passports.models import MEASURE_FIELDS
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
            errors[i] = [_("Component %(id)s is not in this building.", id=cid)]
        elif c.status not in LISTABLE:
            conflicts[i] = [
                _(
                    "Component %(id)s cannot be listed (status: %(status)s).",
                    id=cid,
                    status=word(c.status),
                )
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
                    _(
                        "Installed components can only be listed as future stock of a building "
                        "due for demolition or renovation; harvest them first."
                    )
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
                    _(
                        "Already offered in another listing: %(ids)s.",
                        ids=", ".join(map(str, sorted(taken))),
                    )
                ]
            }
        )
    components = [found[i] for i in ids]
    ensure_one_kind(components)
    return components


def _set_components(listing: Listing, components: list[Component]) -> None:
    """Make the lot these components; a component that stays keeps its row, so that it is
    not inserted again beside itself."""
    kept = {item.component_id: item for item in listing.items}
    listing.items = [kept.get(c.id) or ListingComponent(component=c) for c in components]
    listing.future_stock = any(c.status not in HARVESTED for c in components)


def _mean(values: list[tuple[float, float]]) -> float | None:
    """The mean of (value, weight) pairs, to a tenth; None when there are none."""
    total = sum(weight for _value, weight in values)
    if not values or total <= 0:
        return None
    return round(sum(value * weight for value, weight in values) / total, 1)


def summarise(listing: Listing, components: list[Component]) -> None:
    """Derive quantity, mass, materials, kind, measures and the CO2 avoided estimate from the
    components (of one kind: rules.ensure_one_kind). A measure is the mean of the components
    that record it, weighted by their quantity, so is one element's mass."""
    listing.unit = components[0].unit
    listing.category = components[0].category
    for name in MEASURE_FIELDS:
        known = [(v, c.quantity) for c in components if (v := getattr(c, name)) is not None]
        setattr(listing, name, _mean(known))
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
        raise Forbidden(_("Only the building's owners list its components."))
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
            raise ConflictingInput(
                {"cpv_code": [_("No material to take a CPV code from: give one.")]}
            )
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
        in_request["price_eur"] = [_("Give a price per unit, or choose free or on request.")]
    if (
        listing.available_from
        and listing.available_until
        and listing.available_until < listing.available_from
    ):
        conflicts["available_until"] = [_("Ends before it starts.")]
    if (
        listing.future_stock
        and listing.building.planned_date
        and listing.available_from
        and (listing.available_from < listing.building.planned_date)
    ):
        conflicts["available_from"] = [
            _(
                "Future stock is available from the planned date, %(date)s.",
                date=format_date(listing.building.planned_date),
            )
        ]
    if (listing.pickup_latitude is None) != (listing.pickup_longitude is None):
        in_request["pickup_latitude"] = [_("Give latitude and longitude together.")]
    if errors:
        raise ValidationError(errors)
    if conflicts:
        raise ConflictingInput(conflicts)


def update_listing(listing: Listing, data: dict) -> Listing:
    """Edit a listing that is still open; its components can change only while a draft."""
    ensure_editable(listing)
    if "component_ids" in data and not components_editable(listing):
        raise Conflict(_("The components of a published listing cannot change."))
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

"""Writes to bundles: reserve a lot gathered across sellers all together or not at all, and
replace a part its seller rejected (or the buyer cancelled) from the next-best listings.

Each part is an ordinary reservation (Reservation.bundle_id) claimed with the one rule of
`marketplace.services.reservations.claim`, inside the caller's one transaction: when any
part cannot be met, the Conflict raised leaves the transaction to be rolled back, and nothing
is reserved. Parts are claimed in the order of their listings' ids, so that two bundles over
the same listings lock them in the same order (no deadlock on PostgreSQL; SQLite's
BEGIN IMMEDIATE serialises writers anyway). Services flush; the edge commits."""

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select

from app.auth.models import User
from app.errors import Conflict
from app.errors import ConflictingInput
from app.errors import UnknownReference
from app.extensions import db
from app.i18n import words
from app.templating import number
from app.templating import unit
from marketplace import alerts
from marketplace.models import Bundle
from marketplace.models import Listing
from marketplace.models import Reservation
from marketplace.models import WantedRequest
from marketplace.queries.bundles import ACTIVE
from marketplace.queries.bundles import bundle_candidates
from marketplace.queries.bundles import candidate
from marketplace.queries.bundles import max_sellers
from marketplace.queries.bundles import propose_bundles
from marketplace.queries.bundles import replaceable
from marketplace.services.reservations import expect_status
from marketplace.services.reservations import reservable
from marketplace.services.reservations import reserve_listing
from passports.models import Building

words({"bundle_part_replaced": _l("A part of a bundle was replaced")})


def _wanted(user, wanted_id: int | None) -> WantedRequest | None:
    if wanted_id is None:
        return None
    wanted = db.session.get(WantedRequest, wanted_id)
    if wanted is None or (wanted.organisation_id != user.organisation_id and user.role != "admin"):
        raise UnknownReference(
            {"wanted_request_id": [_("Choose a wanted request of your own organisation.")]}
        )
    return wanted


def _destination(user, building_id: int | None) -> Building | None:
    if building_id is None:
        return None
    building = db.session.get(Building, building_id)
    if building is None or (
        building.organisation_id != user.organisation_id and user.role != "admin"
    ):
        raise UnknownReference(
            {"destination_building_id": [_("Choose a building of your own organisation.")]}
        )
    return building


def reserve_bundle(user, data: dict) -> Bundle:
    """Reserve each part's quantity of its listing, all together or nothing: 409 (Conflict)
    naming the first listing that has too little left, with what it has (`listing_id`,
    `quantity_available`, `unit`); 422 for more sellers than BUNDLE_MAX_SELLERS or listings
    in different units; 403 for the user's own organisation's listing."""
    wanted = _wanted(user, data.get("wanted_request_id"))
    destination = _destination(user, data.get("destination_building_id"))
    parts = sorted(data["parts"], key=lambda p: p["listing_id"])
    listings = [reservable(user, p["listing_id"]) for p in parts]
    limit = max_sellers()
    if len({listing.organisation_id for listing in listings}) > limit:
        raise ValidationError(
            {
                "parts": [
                    _(
                        "A bundle gathers listings of at most %(num)d sellers.",
                        num=limit,
                    )
                ]
            }
        )
    units = {listing.unit for listing in listings}
    if len(units) > 1:
        raise ValidationError({"parts": [_("The listings of a bundle share one unit.")]})
    latitude, longitude = data.get("latitude"), data.get("longitude")
    if latitude is None:
        place = destination if destination is not None and destination.latitude else wanted
        if place is not None:
            latitude, longitude = place.latitude, place.longitude
    bundle = Bundle(
        buyer_id=user.id,
        buyer_organisation_id=user.organisation_id,
        wanted_request_id=wanted.id if wanted else None,
        quantity=sum(p["quantity"] for p in parts),
        unit=units.pop(),
        latitude=latitude,
        longitude=longitude,
        destination_building_id=destination.id if destination else None,
        needed_by=data.get("needed_by"),
        message=data.get("message", ""),
    )
    db.session.add(bundle)
    db.session.flush()
    for part, listing in zip(parts, listings, strict=True):
        _reserve_part(user, bundle, listing, part["quantity"])
    db.session.refresh(bundle)
    return bundle


def _part_data(bundle: Bundle, quantity: float) -> dict:
    return {
        "quantity": quantity,
        "needed_by": bundle.needed_by,
        "destination_building_id": bundle.destination_building_id,
        "message": bundle.message,
    }


def _reserve_part(user, bundle: Bundle, listing: Listing, quantity: float, replaces=None):
    """One part, or a Conflict that names its listing and says that nothing was reserved."""
    try:
        return reserve_listing(
            user, listing.id, _part_data(bundle, quantity), bundle=bundle, replaces=replaces
        )
    except Conflict as exc:
        left = exc.extra.get("quantity_available", 0.0)
        raise Conflict(
            _(
                "Nothing was reserved: “%(title)s” (listing %(id)s) has only %(quantity)s "
                "%(unit)s left.",
                title=listing.title,
                id=listing.id,
                quantity=number(left),
                unit=unit(listing.unit),
            ),
            extra={"listing_id": listing.id, "quantity_available": left, "unit": listing.unit},
        ) from exc
    except ConflictingInput as exc:
        raise ConflictingInput(
            {f"parts.{listing.id}.{k}": v for k, v in exc.messages.items()}
        ) from exc


def part_of(bundle: Bundle, reservation_id: int) -> Reservation:
    """A part of the bundle (404 otherwise)."""
    from flask import abort

    part = next((p for p in bundle.parts if p.id == reservation_id), None)
    if part is None:
        abort(404)
    return part


def _replacement_candidates(bundle: Bundle, part: Reservation) -> list:
    """Listings that can take the part's place: those meeting the bundle's wanted request,
    or else those of the part's kind (same unit and CPV code), none already in the bundle."""
    taken = tuple(p.listing_id for p in bundle.parts)
    if bundle.wanted_request is not None:
        candidates = bundle_candidates(bundle.wanted_request, exclude=taken)
        return [candidate(c.listing, bundle.latitude, bundle.longitude) for c in candidates]
    old = part.listing
    listings = db.session.scalars(
        select(Listing)
        .where(
            Listing.status == "published",
            Listing.quantity_available > 0,
            Listing.unit == old.unit,
            Listing.cpv_code == old.cpv_code,
            Listing.organisation_id != bundle.buyer_organisation_id,
            Listing.id.not_in(taken),
        )
        .order_by(Listing.id)
        .limit(50)
    ).all()
    return [candidate(one, bundle.latitude, bundle.longitude) for one in listings]


def replace_part(user, bundle: Bundle, reservation_id: int) -> tuple[list[Reservation], list]:
    """Replace a rejected or cancelled part with the best listings that can cover its
    quantity (new parts that name it in `replaces_id`), within the bundle's seller limit;
    their sellers are told (`bundle_part_replaced`). Returns the new parts and the
    notifications to email once committed. 409 when the part is still open, already
    replaced, or nothing can replace it now."""
    part = part_of(bundle, reservation_id)
    expect_status(part, "rejected", "cancelled", action="replace")
    if not replaceable(part):
        raise Conflict(
            _("This part has been replaced already."), extra={"current_status": part.status}
        )
    active = {p.listing.organisation_id for p in bundle.parts if p.status in ACTIVE}
    limit = max_sellers()
    candidates = _replacement_candidates(bundle, part)
    slots = limit - len(active)
    if slots <= 0:
        candidates = [c for c in candidates if c.seller_id in active]
        slots = limit
    proposals = propose_bundles(
        candidates,
        part.quantity,
        max_sellers=slots,
        max_price=bundle.wanted_request.max_price_eur if bundle.wanted_request else None,
        whole=bundle.unit == "pcs",
        factor=current_app.config["TRANSPORT_KGCO2E_PER_TKM"],
        limit=1,
    )
    if not proposals:
        raise Conflict(
            _("No other listing can replace this part now."),
            extra={"current_status": part.status},
        )
    new_parts, notes = [], []
    for share in proposals[0].parts:
        listing = share.listing
        new = _reserve_part(user, bundle, listing, share.quantity, replaces=part)
        new_parts.append(new)
        notes += alerts.notify(
            _seller_users(listing),
            "bundle_part_replaced",
            {
                "title": listing.title,
                "quantity": share.quantity,
                "unit": listing.unit,
                "buyer": bundle.buyer_organisation.name,
            },
            listing_id=listing.id,
            reservation_id=new.id,
            bundle_id=bundle.id,
        )
    db.session.refresh(bundle)
    return new_parts, notes


def _seller_users(listing: Listing) -> list[int]:
    """Who answers a request for the listing: its organisation's owners."""
    return db.session.scalars(
        select(User.id).where(User.organisation_id == listing.organisation_id, User.role == "owner")
    ).all()

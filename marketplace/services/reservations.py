"""Writes to reservations: reserve a quantity of a listing (never more than is left), accept,
reject and cancel; the quantity goes back to the listing when a claim ends."""

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import update

from app.audit import services as audit
from app.errors import Conflict
from app.errors import ConflictingInput
from app.errors import Forbidden
from app.errors import ServiceError
from app.errors import UnknownReference
from app.extensions import db
from app.i18n import word
from app.models import utcnow
from app.templating import number
from app.templating import unit
from marketplace import messages
from marketplace.alerts import notify
from marketplace.models import Listing
from marketplace.models import Reservation
from marketplace.permissions import buyer_recipients
from marketplace.permissions import seller_recipients
from marketplace.services.rules import EPSILON
from passports.metrics import haversine_km
from passports.metrics import transport_kg
from passports.models import Building


def _whole(listing: Listing, quantity: float) -> None:
    if listing.unit == "pcs" and abs(quantity - round(quantity)) > EPSILON:
        # The listing's unit decides: a conflict with the stored lot, not malformed input.
        raise ConflictingInput({"quantity": [_("Pieces are reserved in whole numbers.")]})


def _within_window(listing: Listing, needed_by) -> None:
    """A lot is collected within its window: a need after the window closes cannot be met.
    The window is the stored lot's, so the refusal is a conflict (409) naming it."""
    if needed_by is None or listing.available_until is None or needed_by <= listing.available_until:
        return
    if listing.available_from:
        message = _(
            "This lot can be collected from %(start)s until %(end)s: a date needed after "
            "%(end)s cannot be met.",
            start=format_date(listing.available_from),
            end=format_date(listing.available_until),
        )
    else:
        message = _(
            "This lot can be collected until %(end)s: a date needed after %(end)s cannot be met.",
            end=format_date(listing.available_until),
        )
    raise ConflictingInput({"needed_by": [message]})


def reservation_co2(listing: Listing, quantity: float, distance_km: float | None) -> float | None:
    """CO2 avoided by this share of the lot, less the transport to its destination."""
    if listing.co2_avoided_kg is None or not listing.mass_kg:
        return None
    share = quantity / listing.quantity
    mass = listing.mass_kg * share
    factor = current_app.config["TRANSPORT_KGCO2E_PER_TKM"]
    return listing.co2_avoided_kg * share - transport_kg(mass, distance_km or 0.0, factor)


def reservable(user, listing_id: int) -> Listing:
    """A listing the user may reserve from: 404 when unknown or a draft, 409 when no longer
    offered (nothing available), 403 for the user's own organisation's."""
    listing = db.session.get(Listing, listing_id)
    if listing is None or listing.status == "draft":
        raise ServiceError(_("No such listing."), code=404)
    if listing.status != "published":
        raise Conflict(
            _(
                "This listing cannot be reserved (status: %(status)s).",
                status=word(listing.status),
            ),
            extra={"listing_id": listing.id, "quantity_available": 0.0, "unit": listing.unit},
        )
    if user.organisation_id == listing.organisation_id:
        raise Forbidden(_("You cannot reserve your own organisation's listing."))
    return listing


def claim(listing: Listing, quantity: float) -> None:
    """Take `quantity` off the listing, or raise Conflict (409) saying how much is left.

    The conditional update is the guard: it only succeeds while enough is left, in one
    statement, so two buyers can never both take the last bricks. The CHECK constraint on
    quantity_available is the backstop. Every claim (a reservation, each part of a bundle)
    goes through here."""
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
            _("Only %(quantity)s %(unit)s left.", quantity=number(left), unit=unit(listing.unit)),
            extra={"listing_id": listing.id, "quantity_available": left, "unit": listing.unit},
        )
    db.session.refresh(listing)
    _log_quantity(listing, claimed=quantity)
    if listing.quantity_available <= EPSILON:
        listing.quantity_available = 0.0
        listing.status = "sold_out"


def reserve_listing(
    user, listing_id: int, data: dict, *, bundle=None, replaces: Reservation | None = None
) -> Reservation:
    """Claim a quantity; concurrent claims can never take more than is available. As a part
    of a `bundle`, the distance is measured to the bundle's destination (and the part may
    replace a rejected or cancelled one)."""
    listing = reservable(user, listing_id)
    quantity = data["quantity"]
    _whole(listing, quantity)
    _within_window(listing, data.get("needed_by"))
    destination = None
    if data.get("destination_building_id") is not None:
        destination = db.session.get(Building, data["destination_building_id"])
        if destination is None or (
            destination.organisation_id != user.organisation_id and user.role != "admin"
        ):
            raise UnknownReference(
                {"destination_building_id": [_("Choose a building of your own organisation.")]}
            )
    claim(listing, quantity)
    distance = _distance(listing, destination)
    if bundle is not None and bundle.latitude is not None and listing.pickup_latitude is not None:
        distance = haversine_km(
            listing.pickup_latitude, listing.pickup_longitude, bundle.latitude, bundle.longitude
        )
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
        bundle_id=bundle.id if bundle is not None else None,
        replaces_id=replaces.id if replaces is not None else None,
    )
    db.session.add(reservation)
    db.session.flush()
    tell_seller(reservation, "reservation_requested")
    return reservation


def tell_seller(reservation: Reservation, kind: str) -> list:
    """Put a message about this reservation step in the seller's inboxes (a request, a
    cancellation); emailed by the edge once it has committed (`alerts.email_pending`)."""
    return notify(
        seller_recipients(reservation.listing),
        kind,
        messages.reservation_step(reservation),
        listing_id=reservation.listing_id,
        reservation_id=reservation.id,
    )


def tell_buyer(reservation: Reservation, kind: str) -> list:
    """Put a message about this reservation step in the buyer's inboxes (an acceptance, a
    rejection, a collection)."""
    return notify(
        buyer_recipients(reservation),
        kind,
        messages.reservation_step(reservation),
        listing_id=reservation.listing_id,
        reservation_id=reservation.id,
    )


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


# Why a step is refused, one whole sentence for each (the status is named in words).
_REFUSED = {
    "accept": _l("This reservation cannot be accepted (status: %(status)s)."),
    "reject": _l("This reservation cannot be rejected (status: %(status)s)."),
    "cancel": _l("This reservation cannot be cancelled (status: %(status)s)."),
    "collect": _l("This reservation cannot be collected (status: %(status)s)."),
    "award": _l("Only an accepted or collected reservation is an award (this one is: %(status)s)."),
    "replace": _l("Only a rejected or cancelled part can be replaced (this one is: %(status)s)."),
}


def expect_status(reservation: Reservation, *states: str, action: str) -> None:
    """Refuse (409) an action (a key of _REFUSED) that the reservation's status does not
    allow; the answer carries the status as its code, `current_status`."""
    if reservation.status not in states:
        raise Conflict(
            str(_REFUSED[action]) % {"status": word(reservation.status)},
            extra={"current_status": reservation.status},
        )


def accept_reservation(reservation: Reservation) -> Reservation:
    """The seller agrees to hand over the quantity."""
    expect_status(reservation, "requested", action="accept")
    reservation.status, reservation.decided_at = "accepted", utcnow()
    db.session.flush()
    tell_buyer(reservation, "reservation_accepted")
    return reservation


def reject_reservation(reservation: Reservation) -> Reservation:
    """The seller declines; the quantity goes back on offer."""
    expect_status(reservation, "requested", action="reject")
    _release(reservation)
    reservation.status, reservation.decided_at = "rejected", utcnow()
    db.session.flush()
    tell_buyer(reservation, "reservation_rejected")
    return reservation


def cancel_reservation(reservation: Reservation) -> Reservation:
    """The buyer withdraws; the quantity goes back on offer."""
    expect_status(reservation, "requested", "accepted", action="cancel")
    _release(reservation)
    reservation.status, reservation.decided_at = "cancelled", utcnow()
    db.session.flush()
    tell_seller(reservation, "reservation_cancelled")
    return reservation

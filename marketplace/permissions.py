"""Who may act on listings and reservations."""

from flask import abort

from app.errors import Forbidden
from app.extensions import db
from marketplace.models import Listing, Reservation
from marketplace.queries import visible_listing
from passports.permissions import can_write_building

BUYER_ROLES = ("buyer", "owner", "admin")


def listing_for(user, listing_id: int, *, write: bool = False) -> Listing:
    """A listing the user may see (404 otherwise), and may change when asked (403)."""
    listing = visible_listing(user, listing_id)
    if listing is None:
        abort(404)
    if write and not can_write_building(user, listing.building):
        raise Forbidden("Only the seller may change this listing.")
    return listing


def reservation_for(
    user, reservation_id: int, *, as_seller: bool = False, as_buyer: bool = False
) -> Reservation:
    """A reservation the user is party to (404 otherwise); 403 for the wrong side."""
    reservation = db.session.get(Reservation, reservation_id)
    if reservation is None:
        abort(404)
    seller = can_write_building(user, reservation.listing.building)
    buyer = user.role == "admin" or (
        reservation.buyer_organisation_id == user.organisation_id and user.role in BUYER_ROLES
    )
    if not (seller or buyer):
        abort(404)
    if as_seller and not seller:
        raise Forbidden("Only the seller may do this.")
    if as_buyer and not buyer:
        raise Forbidden("Only the buyer may do this.")
    return reservation


def require_buyer(user) -> None:
    """Buyers (procurement officers), owners and admins reserve stock; contractors do not."""
    if user.role not in BUYER_ROLES:
        raise Forbidden("Reservations are made by buyers.")

"""Who may act on listings, reservations and wanted requests.

A reservation has two sides, and this module is the one place that says who is on which:
- the seller: whoever may write the building the listing was made from (its owner
  organisation's owners, and admins), as `passports.permissions.can_write_building` says;
- the buyer: the buyer organisation's buyers and owners, and admins.
Both are SQL conditions, so the reservation lists filter with them and the detail checks one
reservation with them: a list never shows what the detail would answer 404 to.
"""

from flask import abort
from flask_babel import gettext as _
from sqlalchemy import ColumnElement
from sqlalchemy import Select
from sqlalchemy import exists
from sqlalchemy import false
from sqlalchemy import or_
from sqlalchemy import select
from sqlalchemy import true

from app.errors import Forbidden
from app.extensions import db
from marketplace.models import Listing
from marketplace.models import Reservation
from marketplace.models import WantedRequest
from marketplace.queries import visible_listing
from passports.models import Building
from passports.permissions import can_write_building

BUYER_ROLES = ("buyer", "owner", "admin")


def listing_for(user, listing_id: int, *, write: bool = False) -> Listing:
    """A listing the user may see (404 otherwise), and may change when asked (403)."""
    listing = visible_listing(user, listing_id)
    if listing is None:
        abort(404)
    if write and not can_write_building(user, listing.building):
        raise Forbidden(_("Only the seller may change this listing."))
    return listing


def seller_side(user) -> ColumnElement[bool]:
    """SQL condition on Reservation: the user sells it (may write the listing's building)."""
    if not getattr(user, "is_authenticated", False):
        return false()
    if user.role == "admin":
        return true()
    if user.role != "owner":
        return false()
    return exists(
        select(Listing.id)
        .join(Building, Building.id == Listing.building_id)
        .where(
            Listing.id == Reservation.listing_id,
            Building.organisation_id == user.organisation_id,
        )
    )


def buyer_side(user) -> ColumnElement[bool]:
    """SQL condition on Reservation: the user buys it (a buyer role of the buyer organisation)."""
    if not getattr(user, "is_authenticated", False):
        return false()
    if user.role == "admin":
        return true()
    if user.role not in BUYER_ROLES:
        return false()
    return Reservation.buyer_organisation_id == user.organisation_id


def reservations_for(user) -> Select:
    """Reservations the user is party to, as buyer or as seller, newest first."""
    return (
        select(Reservation)
        .where(or_(seller_side(user), buyer_side(user)))
        .order_by(Reservation.id.desc())
    )


def reservation_roles(user, reservation: Reservation) -> dict:
    """Which sides of a reservation the user is on: {"seller": bool, "buyer": bool}."""
    seller, buyer = db.session.execute(
        select(seller_side(user), buyer_side(user)).where(Reservation.id == reservation.id)
    ).one()
    return {"seller": bool(seller), "buyer": bool(buyer)}


def reservation_for(
    user, reservation_id: int, *, as_seller: bool = False, as_buyer: bool = False
) -> Reservation:
    """A reservation the user is party to (404 otherwise); 403 for the wrong side."""
    reservation = db.session.get(Reservation, reservation_id)
    if reservation is None:
        abort(404)
    roles = reservation_roles(user, reservation)
    if not (roles["seller"] or roles["buyer"]):
        abort(404)
    if as_seller and not roles["seller"]:
        raise Forbidden(_("Only the seller may do this."))
    if as_buyer and not roles["buyer"]:
        raise Forbidden(_("Only the buyer may do this."))
    return reservation


def require_buyer(user) -> None:
    """Buyers (procurement officers), owners and admins reserve stock; contractors do not."""
    if user.role not in BUYER_ROLES:
        raise Forbidden(_("Reservations are made by buyers and building owners."))


# ------------------------------------------------------------------ wanted requests
def can_post_wanted(user) -> bool:
    """Buyers, owners and admins post wanted requests (what a project needs)."""
    return getattr(user, "is_authenticated", False) and user.role in BUYER_ROLES


def require_wanted_poster(user) -> None:
    """403 unless the user may post a wanted request."""
    if not can_post_wanted(user):
        raise Forbidden(_("Wanted requests are posted by buyers and building owners."))


def owns_wanted(user, wanted: WantedRequest) -> bool:
    """The posting organisation's buyers and owners, and admins, manage a request (edit,
    withdraw, fulfil, see its matches and the offers made to it)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.role == "admin":
        return True
    return user.role in BUYER_ROLES and user.organisation_id == wanted.organisation_id


def visible_wanted(user) -> ColumnElement[bool]:
    """SQL condition on WantedRequest: anyone, even a visitor, reads open requests; closed ones
    only their own organisation (and admins)."""
    if not getattr(user, "is_authenticated", False):
        return WantedRequest.status == "open"
    if user.role == "admin":
        return true()
    return or_(
        WantedRequest.status == "open", WantedRequest.organisation_id == user.organisation_id
    )


def wanted_for(user, wanted_id: int, *, manage: bool = False) -> WantedRequest:
    """A request the user may read (404 otherwise), and manage when asked (403)."""
    wanted = db.session.scalar(
        select(WantedRequest).where(WantedRequest.id == wanted_id, visible_wanted(user))
    )
    if wanted is None:
        abort(404)
    if manage and not owns_wanted(user, wanted):
        raise Forbidden(_("Only the organisation that posted this request may do this."))
    return wanted

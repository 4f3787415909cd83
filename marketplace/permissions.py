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

from app.auth.models import User
from app.errors import Forbidden
from app.extensions import db
from marketplace.models import Listing
from marketplace.models import ListingComponent
from marketplace.models import Reservation
from marketplace.models import WantedRequest
from marketplace.queries import visible_listing
from passports.models import Building
from passports.models import Component
from passports.permissions import can_write_building

BUYER_ROLES = ("buyer", "owner", "admin")


# A published lot's components stay readable until they are collected (a collected part
# leaves the lot and is read through its new owner's building).
OFFERED_STATUSES = ("published", "sold_out")


def offered_on_the_exchange() -> ColumnElement[bool]:
    """SQL condition on Component: it is part of a published (or sold-out, not yet collected)
    lot, so any logged-in user may read its passport, reduced (registered with
    passports.permissions.on_offered at app setup)."""
    return exists(
        select(ListingComponent.id)
        .join(Listing, Listing.id == ListingComponent.listing_id)
        .where(
            ListingComponent.component_id == Component.id,
            Listing.status.in_(OFFERED_STATUSES),
        )
    )


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


# Bundles (lots gathered across sellers) are the buyer's: their organisation's buyer roles
# and admins see them. Each seller sees only their own part, as an ordinary reservation.


def bundle_side(user):
    """SQL condition on Bundle: the user's organisation bought it (admins: every bundle)."""
    from marketplace.models import Bundle

    if not getattr(user, "is_authenticated", False) or user.role not in BUYER_ROLES:
        return false()
    if user.role == "admin":
        return true()
    return Bundle.buyer_organisation_id == user.organisation_id


def bundles_for(user) -> Select:
    """The bundles the user may see, newest first."""
    from marketplace.models import Bundle

    return select(Bundle).where(bundle_side(user)).order_by(Bundle.id.desc())


def bundle_for(user, bundle_id: int):
    """A bundle of the user's organisation (404 for anyone else's)."""
    from marketplace.models import Bundle

    bundle = db.session.scalar(select(Bundle).where(Bundle.id == bundle_id, bundle_side(user)))
    if bundle is None:
        abort(404)
    return bundle


def wanted_of_buyer(user, wanted_id: int):
    """A wanted request of the user's organisation, to gather bundles for (404 otherwise)."""
    from marketplace.models import WantedRequest

    wanted = db.session.get(WantedRequest, wanted_id)
    if wanted is None or (wanted.organisation_id != user.organisation_id and user.role != "admin"):
        abort(404)
    return wanted


# ------------------------------------------------------------------ who is told of a step
def seller_recipients(listing: Listing) -> list[int]:
    """Who hears of a request or a cancellation: the selling organisation's active owners
    (the users who may accept, reject and hand over; admins act but are not told)."""
    return db.session.scalars(
        select(User.id).where(
            User.organisation_id == listing.organisation_id,
            User.role == "owner",
            User.active,
        )
    ).all()


def buyer_recipients(reservation: Reservation) -> list[int]:
    """Who hears of an acceptance, a rejection or a collection: the user who reserved, and
    the buyer organisation's procurement officers (role buyer), who follow its purchases
    whoever placed them. The organisation's owners who did not reserve are not told."""
    officers = db.session.scalars(
        select(User.id).where(
            User.organisation_id == reservation.buyer_organisation_id,
            User.role == "buyer",
            User.active,
        )
    ).all()
    return [reservation.buyer_id, *officers]


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

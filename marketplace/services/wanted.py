"""Wanted requests: post, edit, withdraw, fulfil and expire them (open → fulfilled | withdrawn |
expired); an owner's offer (a draft listing made for the request); and the notices of demand
after a listing is published or a building's demolition is planned.

Writes flush and never commit: the view, the API or the CLI commits once. Notifications are
returned (or, from a signal, queued for the request's end) so that email goes out only after
the commit.
"""

from datetime import date

from flask import after_this_request
from flask import g
from flask import has_request_context
from flask_babel import gettext as _
from sqlalchemy import exists
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from app.audit import services as audit
from app.audit.values import id_ranges
from app.auth.models import User
from app.errors import Conflict
from app.errors import ConflictingInput
from app.errors import Forbidden
from app.extensions import db
from app.i18n import word
from app.models import utcnow
from marketplace import alerts
from marketplace import messages
from marketplace.models import WANTED_FIELDS
from marketplace.models import Listing
from marketplace.models import Notification
from marketplace.models import WantedRequest
from marketplace.permissions import BUYER_ROLES
from marketplace.permissions import require_wanted_poster
from marketplace.queries.matching import building_stock_conditions
from marketplace.queries.matching import future_stock_conditions
from marketplace.queries.matching import listing_conditions
from marketplace.services.listings import create_listing
from passports.metrics import haversine_km
from passports.models import Building
from passports.models import Component
from passports.permissions import can_write_building


def _apply(wanted: WantedRequest, data: dict) -> None:
    for key in WANTED_FIELDS:
        if key in data:
            value = data[key]
            if key in ("cpv_prefix", "material_family") and value == "":
                value = None
            setattr(wanted, key, value)
    if wanted.tolerance_mm is None:
        wanted.tolerance_mm = 10.0
    # Checked by the schema for what the request gives; an edit meets the stored values (409).
    if wanted.radius_km is not None and (wanted.latitude is None or wanted.longitude is None):
        raise ConflictingInput(
            {"radius_km": [_("A radius needs a location: give latitude and longitude.")]}
        )
    if (wanted.latitude is None) != (wanted.longitude is None):
        raise ConflictingInput({"latitude": [_("Give latitude and longitude together.")]})


def post_wanted(user, data: dict) -> WantedRequest:
    """Post what a project needs, for the user's organisation; open until fulfilled,
    withdrawn or past its date."""
    require_wanted_poster(user)
    wanted = WantedRequest(
        organisation_id=user.organisation_id, created_by_id=user.id, status="open", description=""
    )
    _apply(wanted, data)
    db.session.add(wanted)
    db.session.flush()
    return wanted


def _expect_open(wanted: WantedRequest) -> None:
    if wanted.status != "open":
        raise Conflict(
            _(
                "Only an open request can be changed (this request: %(status)s).",
                status=word(wanted.status),
            )
        )


def update_wanted(wanted: WantedRequest, data: dict) -> WantedRequest:
    """Edit an open request."""
    _expect_open(wanted)
    _apply(wanted, data)
    db.session.flush()
    return wanted


def _close(wanted: WantedRequest, status: str) -> WantedRequest:
    _expect_open(wanted)
    wanted.status = status
    wanted.closed_at = utcnow()
    db.session.flush()
    return wanted


def withdraw_wanted(wanted: WantedRequest) -> WantedRequest:
    """The buyer no longer needs it: open → withdrawn."""
    return _close(wanted, "withdrawn")


def fulfil_wanted(wanted: WantedRequest) -> WantedRequest:
    """The buyer found what they needed: open → fulfilled."""
    return _close(wanted, "fulfilled")


def expire_wanted(today: date | None = None) -> int:
    """Close open requests whose date has passed (open → expired); returns how many."""
    today = today or date.today()
    expired = db.session.scalars(
        update(WantedRequest)
        .where(WantedRequest.status == "open", WantedRequest.needed_by < today)
        .values(status="expired", closed_at=utcnow())
        .returning(WantedRequest.id)
        .execution_options(synchronize_session=False)
    ).all()
    if expired:
        audit.record(
            "update",
            "wanted_requests",
            after={"status": "expired", "wanted_request_ids": id_ranges(expired)},
            changed=["status", "closed_at"],
        )
    return len(expired)


# ------------------------------------------------------------------ who hears of it
def buyers_of(wanted: WantedRequest) -> list[int]:
    """Who hears of a request's matches and offers: the person who posted it, or, when that
    account is gone, the posting organisation's buyers and owners."""
    if wanted.created_by_id is not None:
        return [wanted.created_by_id]
    return list(
        db.session.scalars(
            select(User.id).where(
                User.organisation_id == wanted.organisation_id,
                User.role.in_(BUYER_ROLES),
                User.role != "admin",
            )
        )
    )


def owners_of(organisation_id: int) -> list[int]:
    """The owners of an organisation: who hears of demand for its buildings' components."""
    return list(
        db.session.scalars(
            select(User.id).where(User.organisation_id == organisation_id, User.role == "owner")
        )
    )


def _already_told(kind: str, wanted_id: int, **about) -> bool:
    conditions = [Notification.kind == kind, Notification.wanted_request_id == wanted_id]
    conditions += [getattr(Notification, key) == value for key, value in about.items()]
    return bool(db.session.scalar(select(exists().where(*conditions))))


def _within_reach(wanted: WantedRequest, latitude: float | None, longitude: float | None) -> bool:
    """False only when the request has a radius and the place is known to lie outside it:
    no query is spent on a request that cannot match."""
    if wanted.radius_km is None or wanted.latitude is None or latitude is None:
        return True
    distance = haversine_km(wanted.latitude, wanted.longitude, latitude, longitude)
    return distance <= wanted.radius_km


def _open_requests(unit: str, organisation_id: int, today: date) -> list[WantedRequest]:
    return db.session.scalars(
        select(WantedRequest)
        .where(
            WantedRequest.status == "open",
            WantedRequest.unit == unit,
            WantedRequest.organisation_id != organisation_id,
            (WantedRequest.needed_by.is_(None)) | (WantedRequest.needed_by >= today),
        )
        .order_by(WantedRequest.id)
    ).all()


def _tell_both_sides(
    wanted: WantedRequest, seller_organisation_id: int, match: dict, stock: str, **about
) -> list[Notification]:
    """A match, told to both sides: the request's buyers (`wanted_match`, with `match` as its
    parameters) and the stock's owners (`wanted_demand`, naming `stock`)."""
    return alerts.notify(
        buyers_of(wanted), "wanted_match", match, wanted_request_id=wanted.id, **about
    ) + alerts.notify(
        owners_of(seller_organisation_id),
        "wanted_demand",
        messages.wanted_demand(wanted, stock),
        wanted_request_id=wanted.id,
        **about,
    )


def notify_wanted_for_listing(listing: Listing, today: date | None = None) -> list[Notification]:
    """A listing was just published: tell the buyers of the open requests it matches
    (`wanted_match`), and its seller's owners of that demand (`wanted_demand`); once per
    request and listing."""
    today = today or date.today()
    notes: list[Notification] = []
    for wanted in _open_requests(listing.unit, listing.organisation_id, today):
        if not _within_reach(wanted, listing.pickup_latitude, listing.pickup_longitude):
            continue
        matched = db.session.scalar(
            select(func.count(Listing.id)).where(
                Listing.id == listing.id, *listing_conditions(wanted, today)
            )
        )
        if not matched or _already_told("wanted_match", wanted.id, listing_id=listing.id):
            continue
        notes += _tell_both_sides(
            wanted,
            listing.organisation_id,
            messages.wanted_match(
                wanted, listing.title, listing.quantity_available, listing.unit, listing.city
            ),
            listing.title,
            listing_id=listing.id,
        )
    return notes


def notify_wanted_for_building(building: Building, today: date | None = None) -> list[Notification]:
    """A building's demolition (or renovation) was just planned: tell the buyers of the open
    requests its installed components could serve (`wanted_match`), and the building's owners
    of that demand (`wanted_demand`); once per request and building."""
    today = today or date.today()
    notes: list[Notification] = []
    units = db.session.scalars(
        select(Component.unit).where(Component.building_id == building.id).distinct()
    ).all()
    for unit in units:
        for wanted in _open_requests(unit, building.organisation_id, today):
            if not _within_reach(wanted, building.latitude, building.longitude):
                continue
            quantity = db.session.scalar(
                select(func.sum(Component.quantity))
                .join(Building, Building.id == Component.building_id)
                .where(Component.building_id == building.id, *future_stock_conditions(wanted))
            )
            if not quantity or _already_told("wanted_match", wanted.id, building_id=building.id):
                continue
            notes += _tell_both_sides(
                wanted,
                building.organisation_id,
                messages.wanted_match(
                    wanted, building.name, quantity, unit, building.city, future=True
                ),
                building.name,
                building_id=building.id,
            )
    return notes


def email_after_request(notes: list[Notification]) -> None:
    """Email notifications made where the caller cannot (a signal's receiver): once the
    request has committed and answered successfully. Outside a request, the inbox has them."""
    if not notes or not has_request_context():
        return
    if "wanted_outbox" not in g:
        g.wanted_outbox = []

        @after_this_request
        def _send(response):
            if response.status_code < 400:
                alerts.email_notifications(g.wanted_outbox)
                db.session.commit()
            return response

    g.wanted_outbox.extend(notes)


def on_building_status(building: Building, before: str | None = None) -> None:
    """Receiver of passports' building_status_changed: a demolition or renovation newly
    planned tells the demand it meets."""
    if building.status not in ("demolition_planned", "renovation_planned"):
        return
    if before in ("demolition_planned", "renovation_planned"):
        return
    email_after_request(notify_wanted_for_building(building))


# ------------------------------------------------------------------ offers
def requests_for_building(building: Building, limit: int = 50) -> list[tuple[WantedRequest, float]]:
    """Open requests of other organisations that the building's components could serve now,
    with how much of each it has: the building page's "buyers want components like these"."""
    today = date.today()
    found = []
    units = db.session.scalars(
        select(Component.unit).where(Component.building_id == building.id).distinct()
    ).all()
    for unit in units:
        for wanted in _open_requests(unit, building.organisation_id, today):
            if not _within_reach(wanted, building.latitude, building.longitude):
                continue
            quantity = db.session.scalar(
                select(func.sum(Component.quantity)).where(
                    *building_stock_conditions(wanted, building)
                )
            )
            if quantity:
                found.append((wanted, quantity))
    return found[:limit]


def offerable_components(wanted: WantedRequest, building: Building) -> list[Component]:
    """The building's components its owner could offer for the request."""
    return db.session.scalars(
        select(Component).where(*building_stock_conditions(wanted, building)).order_by(Component.id)
    ).all()


def make_offer(user, wanted: WantedRequest, building: Building, data: dict) -> tuple:
    """An owner offers components of a building for a request: a draft listing linked to it
    (the listing rules apply, marketplace.services.create_listing), and the buyer is told
    (`wanted_offer`). Returns the listing and the notifications to email after the commit."""
    _expect_open(wanted)
    if not can_write_building(user, building):
        raise Forbidden(_("Only the building's owners offer its components."))
    if building.organisation_id == wanted.organisation_id:
        raise Forbidden(_("You cannot make an offer for your own organisation's request."))
    fitting = {c.id for c in offerable_components(wanted, building)}
    unfit = [i for i in data["component_ids"] if i not in fitting]
    if unfit:
        raise ConflictingInput(
            {
                "component_ids": [
                    _(
                        "These components do not fit the request or are already on offer: %(ids)s.",
                        ids=", ".join(str(i) for i in unfit),
                    )
                ]
            }
        )
    listing = create_listing(
        user,
        building,
        {
            "component_ids": data["component_ids"],
            "title": data.get("title") or wanted.title,
            "price_basis": "on_request",
        },
    )
    listing.wanted_request_id = wanted.id
    db.session.flush()
    notes = alerts.notify(
        buyers_of(wanted),
        "wanted_offer",
        messages.wanted_offer(wanted, listing),
        wanted_request_id=wanted.id,
        listing_id=listing.id,
    )
    return listing, notes


def offers_to(user, wanted: WantedRequest):
    """The offers (listings made for the request) the user may see: all of them for the
    request's buyer; a seller sees only their own organisation's."""
    from marketplace.permissions import owns_wanted

    stmt = select(Listing).where(Listing.wanted_request_id == wanted.id).order_by(Listing.id)
    if owns_wanted(user, wanted):
        return db.session.scalars(stmt).all()
    if not getattr(user, "is_authenticated", False):
        return []
    return db.session.scalars(stmt.where(Listing.organisation_id == user.organisation_id)).all()

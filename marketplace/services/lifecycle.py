"""A listing's lifecycle: publish (and tell saved searches), withdraw and expire."""

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy import update

from app.audit import services as audit
from app.audit.values import id_ranges
from app.errors import Conflict
from app.errors import ConflictingInput
from app.extensions import db
from app.i18n import word
from app.models import utcnow
from marketplace.alerts import notify_saved_searches
from marketplace.models import Listing
from marketplace.models import Notification
from marketplace.models import Reservation
from marketplace.services.reservations import tell_buyer
from marketplace.services.rules import OPEN_LISTING
from marketplace.services.rules import unresolved_hazards


def publish_listing(listing: Listing, actor) -> Listing:
    """Put a draft on the exchange; hazardous components need a clearance first. Pages and
    the API publish through `publish_and_notify`, which also tells saved searches."""
    if listing.status != "draft":
        raise Conflict(
            _(
                "Only a draft can be published (this listing: %(status)s).",
                status=word(listing.status),
            )
        )
    open_hazards = [
        (component, h) for component, hazards in unresolved_hazards(listing) for h in hazards
    ]
    if open_hazards:
        # `hazards` stays as it was for programs (the kind's code); the message is in words.
        raise Conflict(
            _(
                "Clear these hazards before publishing: %(hazards)s.",
                hazards="; ".join(
                    f"{component.name} ({component.tag}): {word(h.kind)}"
                    for component, h in open_hazards
                ),
            ),
            extra={
                "hazards": [
                    f"{component.name} ({component.tag}): {h.kind}" for component, h in open_hazards
                ]
            },
        )
    if listing.available_until and listing.available_until < date.today():
        raise ConflictingInput({"available_until": [_("The availability window has ended.")]})
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
    """Publish a draft and notify the saved searches it matches (in their owners' inboxes),
    and the buyers of the open wanted requests it matches (their sellers hear of the demand).

    Returns the notifications for the caller to email with `alerts.email_notifications`
    once it has committed: no mail announces a publish that was rolled back, and a slow mail
    server never holds the transaction.
    """
    # Imported here: the wanted requests' matching reads the listing rules of this package,
    # which would otherwise import each other while loading.
    from marketplace.services.wanted import notify_wanted_for_listing

    publish_listing(listing, actor)
    return notify_saved_searches(listing) + notify_wanted_for_listing(listing)


def withdraw_listing(listing: Listing, actor=None) -> Listing:
    """Take a listing off the exchange; open requests are rejected, accepted ones must go.
    Its listed components go back to storage, so that they can be offered again."""
    if listing.status not in OPEN_LISTING:
        raise Conflict(
            _(
                "This listing cannot be withdrawn (status: %(status)s).",
                status=word(listing.status),
            )
        )
    active = db.session.scalars(
        select(Reservation).where(
            Reservation.listing_id == listing.id, Reservation.status.in_(("requested", "accepted"))
        )
    ).all()
    if any(r.status == "accepted" for r in active):
        raise Conflict(_("Accepted reservations must be collected or cancelled first."))
    for r in active:
        r.status, r.decided_at = "rejected", utcnow()
        tell_buyer(r, "reservation_rejected")
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

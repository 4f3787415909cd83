"""Saved searches and the inbox: when a listing is published, every saved search it matches
puts a notification in its owner's inbox, and an email goes out where SMTP is configured."""

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app, url_for
from sqlalchemy import func, select

from app.extensions import db
from app.models import utcnow
from marketplace import search
from marketplace.models import Listing, Notification, SavedSearch
from marketplace.queries import _conditions
from marketplace.schemas import ListingQueryArgs

log = logging.getLogger(__name__)


def save_search(user, name: str, params: dict) -> SavedSearch:
    """Keep a search (validated like the search itself) to be told of new matches."""
    clean = ListingQueryArgs().load({k: v for k, v in params.items() if v not in (None, "")})
    stored = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in clean.items()}
    saved = SavedSearch(user_id=user.id, name=name.strip()[:120] or "My search", params=stored)
    db.session.add(saved)
    db.session.flush()
    return saved


def matches(saved: SavedSearch, listing: Listing) -> bool:
    """True when the listing would be in the saved search's results."""
    args = ListingQueryArgs().load(saved.params)
    groups = _conditions(args, listing.published_at.date())
    conditions = [c for conds in groups.values() for c in conds]
    stmt = select(func.count(Listing.id)).where(Listing.id == listing.id, *conditions)
    stmt, _ = search.apply_match(stmt, args.get("q") or "")
    return bool(db.session.scalar(stmt))


def notify_saved_searches(listing: Listing) -> list[Notification]:
    """Tell every saved search's owner about a newly published listing that matches."""
    sent = []
    for saved in db.session.scalars(select(SavedSearch).order_by(SavedSearch.id)):
        if saved.user.organisation_id == listing.organisation_id or not matches(saved, listing):
            continue
        note = Notification(
            user_id=saved.user_id, kind="saved_search_match", listing_id=listing.id,
            saved_search_id=saved.id,
            message=f"New on the exchange for “{saved.name}”: {listing.title} "
                    f"({listing.quantity:g} {listing.unit}, {listing.city}).")
        db.session.add(note)
        sent.append(note)
    db.session.flush()
    for note in sent:
        _email(note)
    return sent


def _email(note: Notification) -> None:
    """Send the notification by email when MAIL_SERVER is set; the inbox has it anyway."""
    server = current_app.config.get("MAIL_SERVER")
    if not server:
        return
    user = db.session.get(SavedSearch, note.saved_search_id).user
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = user.email
    message["Subject"] = "Material Passport Exchange: a new listing matches your search"
    link = url_for("marketplace.listing_detail", listing_id=note.listing_id, _external=True)
    message.set_content(f"{note.message}\n\n{link}\n")
    try:
        with smtplib.SMTP(server, current_app.config["MAIL_PORT"], timeout=10) as smtp:
            smtp.send_message(message)
        note.emailed_at = utcnow()
    except (OSError, smtplib.SMTPException):
        log.warning("could not email notification %s to %s", note.id, user.email,
                    exc_info=True)


def unread_count(user) -> int:
    """How many notifications the user has not read."""
    return db.session.scalar(select(func.count(Notification.id)).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0

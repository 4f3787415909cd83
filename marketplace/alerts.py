"""Saved searches and the inbox: when a listing is published, every saved search it matches
puts a notification in its owner's inbox, and an email goes out where SMTP is configured.

Writes flush and never commit: the view or API that calls them commits once.
"""

import logging
import smtplib
from email.message import EmailMessage

from flask import abort
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update
from sqlalchemy.orm import joinedload

from app.audit import services as audit
from app.audit.values import id_ranges
from app.auth.models import User
from app.errors import Conflict
from app.extensions import db
from app.i18n import supported
from app.models import stamp_once
from app.models import utcnow
from app.urls import external_url
from marketplace import messages
from marketplace import search
from marketplace.models import Listing
from marketplace.models import Notification
from marketplace.models import SavedSearch
from marketplace.queries import search_conditions
from marketplace.schemas import ListingQueryArgs

log = logging.getLogger(__name__)
MAX_SAVED_SEARCHES = 50
SMTP_TIMEOUT_S = 10


def clean_params(params: dict) -> dict:
    """Search arguments checked like a search and stored as JSON (dates as ISO strings);
    empty values are dropped. Field errors are raised under `params`."""
    given = {
        k: (v.isoformat() if hasattr(v, "isoformat") else v)
        for k, v in params.items()
        if v is not None and v != ""
    }
    try:
        clean = ListingQueryArgs().load(given)
    except ValidationError as exc:
        raise ValidationError({"params": exc.messages}) from exc
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in clean.items()}


def save_search(user, name: str, params: dict) -> SavedSearch:
    """Keep a search (validated like the search itself) to be told of new matches."""
    stored = clean_params(params)
    count = db.session.scalar(
        select(func.count(SavedSearch.id)).where(SavedSearch.user_id == user.id)
    )
    if count >= MAX_SAVED_SEARCHES:
        raise Conflict(
            _(
                "You can keep at most %(num)d saved searches; delete one first.",
                num=MAX_SAVED_SEARCHES,
            )
        )
    saved = SavedSearch(user_id=user.id, name=name.strip()[:120] or _("My search"), params=stored)
    db.session.add(saved)
    db.session.flush()
    return saved


def saved_searches_of(user) -> Select:
    """The user's saved searches, newest first."""
    return select(SavedSearch).where(SavedSearch.user_id == user.id).order_by(SavedSearch.id.desc())


def _own(user, model, row_id: int):
    """One of the user's own rows of `model`; anyone else's, or none, is a 404."""
    row = db.session.get(model, row_id)
    if row is None or row.user_id != user.id:
        abort(404)
    return row


def saved_search_for(user, saved_search_id: int) -> SavedSearch:
    """One of the user's own saved searches; anyone else's is a 404."""
    return _own(user, SavedSearch, saved_search_id)


def delete_saved_search(saved: SavedSearch) -> None:
    """Stop a saved search; the notifications it produced stay in the inbox."""
    _update_notifications(
        Notification.saved_search_id == saved.id,
        values={"saved_search_id": None},
        before={"saved_search_id": saved.id},
    )
    db.session.delete(saved)
    db.session.flush()


def matches(saved: SavedSearch, listing: Listing) -> bool:
    """True when the listing would be in the saved search's results."""
    args = ListingQueryArgs().load(saved.params)
    groups = search_conditions(args, listing.published_at.date())
    conditions = [c for conds in groups.values() for c in conds]
    stmt = select(func.count(Listing.id)).where(Listing.id == listing.id, *conditions)
    stmt, _rank = search.apply_match(stmt, args.get("q") or "")
    return bool(db.session.scalar(stmt))


def notify_saved_searches(listing: Listing) -> list[Notification]:
    """Tell every saved search's owner about a newly published listing that matches."""
    sent = []
    saved_searches = db.session.scalars(
        select(SavedSearch).options(joinedload(SavedSearch.user)).order_by(SavedSearch.id)
    )
    for saved in saved_searches:
        user = saved.user
        if not user.active or user.organisation_id == listing.organisation_id:
            continue
        try:
            if not matches(saved, listing):
                continue
        except ValidationError:
            # Saved under rules that have since changed: skip it rather than fail a publish.
            log.warning("saved search %s no longer validates; skipped", saved.id)
            continue
        note = Notification(
            user_id=user.id,
            kind="saved_search_match",
            params=messages.saved_search_match(saved, listing),
            message="",
            listing_id=listing.id,
            saved_search_id=saved.id,
        )
        db.session.add(note)
        sent.append(note)
    db.session.flush()
    return sent


def notify(user_ids, kind: str, params: dict, **about) -> list[Notification]:
    """Put a message of `kind` (one of NOTIFICATION_KINDS, written out by
    marketplace.messages) in each user's inbox, about what `about` names (listing_id,
    reservation_id, wanted_request_id, bundle_id, building_id). Inactive users are skipped.
    Returns the notifications for the caller to email with `email_notifications` once it
    has committed."""
    ids = sorted(set(user_ids))
    if not ids:
        return []
    active = db.session.scalars(select(User.id).where(User.id.in_(ids), User.active)).all()
    notes = [
        Notification(user_id=user_id, kind=kind, params=params, message="", **about)
        for user_id in sorted(active)
    ]
    db.session.add_all(notes)
    db.session.flush()
    return notes


def email_notifications(notes: list[Notification]) -> None:
    """Email committed notifications when MAIL_SERVER is set, over one SMTP connection.

    Called after the publish is committed, so a slow mail server never holds the database.
    The inbox has the notifications anyway: a mail failure is logged and never fails anything.
    """
    server = current_app.config.get("MAIL_SERVER")
    if not server or not notes:
        return
    recipients = {
        user_id: (email, locale)
        for user_id, email, locale in db.session.execute(
            select(User.id, User.email, User.locale).where(User.id.in_({n.user_id for n in notes}))
        )
    }
    try:
        with smtplib.SMTP(server, current_app.config["MAIL_PORT"], timeout=SMTP_TIMEOUT_S) as smtp:
            for note in notes:
                address, locale = recipients[note.user_id]
                smtp.send_message(_message(note, address, recipient_locale(locale)))
                note.emailed_at = utcnow()
    except (OSError, smtplib.SMTPException):
        log.warning("could not email saved-search notifications via %s", server, exc_info=True)


def recipient_locale(saved: str | None) -> str:
    """The language an email is written in: the recipient's saved choice, else the
    instance's DEFAULT_LOCALE (never the language of whoever caused it to be sent)."""
    return supported(saved) or supported(current_app.config.get("DEFAULT_LOCALE")) or "en"


def _message(note: Notification, address: str, locale: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = address
    link = external_url("exchange.listing_detail", listing_id=note.listing_id)
    inbox = external_url("exchange.inbox")
    with force_locale(locale):
        message["Subject"] = _("Material Passport Exchange: a new listing matches your search")
        lines = (
            note.text,
            _("The listing: %(url)s", url=link),
            _("Your inbox: %(url)s", url=inbox),
        )
    message.set_content("\n\n".join(lines) + "\n")
    # After the content: setting it clears every Content- header.
    message["Content-Language"] = locale.replace("_", "-")
    return message


def notifications_of(user, unread: bool | None = None) -> Select:
    """The user's notifications, newest first; only unread (True) or read (False) ones."""
    stmt = (
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id.desc())
    )
    if unread is not None:
        stmt = stmt.where(
            Notification.read_at.is_(None) if unread else Notification.read_at.is_not(None)
        )
    return stmt


def notification_for(user, notification_id: int) -> Notification:
    """One of the user's own notifications; anyone else's is a 404."""
    return _own(user, Notification, notification_id)


def mark_read(note: Notification) -> Notification:
    """Mark a notification read (once: the first reading time is kept)."""
    return stamp_once(note, "read_at")


def mark_all_read(user) -> int:
    """Mark every unread notification of the user read; returns how many."""
    condition = (Notification.user_id == user.id, Notification.read_at.is_(None))
    return len(_update_notifications(*condition, values={"read_at": utcnow()}))


def _update_notifications(*condition, values: dict, before: dict | None = None) -> list[int]:
    """Bulk-update the notifications that match, with one audit entry naming them all."""
    ids = db.session.scalars(
        update(Notification)
        .where(*condition)
        .values(**values)
        .returning(Notification.id)
        .execution_options(synchronize_session=False)
    ).all()
    if ids:
        audit.record(
            "update",
            "notifications",
            before=before,
            after={**values, "notification_ids": id_ranges(ids)},
            changed=list(values),
        )
    return ids


def unread_count(user) -> int:
    """How many notifications the user has not read."""
    return (
        db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.read_at.is_(None)
            )
        )
        or 0
    )

"""Saved searches and the inbox: when a listing is published, every saved search it matches
puts a notification in its owner's inbox, and an email goes out where SMTP is configured.

Writes flush and never commit: the view or API that calls them commits once.
"""

import logging
import smtplib
from email.message import EmailMessage

from flask import abort
from flask import current_app
from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import Select
from sqlalchemy import func
from sqlalchemy import inspect
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


_OUTBOX = "marketplace.unsent_notifications"


def notify(user_ids, kind: str, params: dict, **about) -> list[Notification]:
    """Put a message of `kind` (one of NOTIFICATION_KINDS, written out by
    marketplace.messages) in each user's inbox, about what `about` names (listing_id,
    reservation_id, wanted_request_id, bundle_id, building_id). Inactive users are skipped.
    Returns the notifications for the caller to email with `email_notifications` once it
    has committed; they also wait in the session's outbox, which `email_pending` sends after
    the commit (for edges whose service returns something else, such as a reservation)."""
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
    db.session.info.setdefault(_OUTBOX, []).extend(notes)
    return notes


def email_pending() -> None:
    """After the commit: email the notifications this session put in inboxes and has not
    emailed yet (those of a rolled-back transaction are dropped), then commit when each was
    emailed."""
    waiting = db.session.info.pop(_OUTBOX, [])
    notes = [n for n in waiting if inspect(n).persistent and n.emailed_at is None]
    if notes:
        email_notifications(notes)
        db.session.commit()


def email_notifications(notes: list[Notification]) -> None:
    """Email committed notifications when MAIL_SERVER is set, over one SMTP connection.

    Called after the change is committed, so a slow mail server never holds the database.
    The inbox has the notifications anyway: a mail failure is logged and never fails anything.
    A notification already emailed is not sent again.
    """
    server = current_app.config.get("MAIL_SERVER")
    notes = [n for n in notes if n.emailed_at is None]
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
        log.warning("could not email notifications via %s", server, exc_info=True)


def recipient_locale(saved: str | None) -> str:
    """The language an email is written in: the recipient's saved choice, else the
    instance's DEFAULT_LOCALE (never the language of whoever caused it to be sent)."""
    return supported(saved) or supported(current_app.config.get("DEFAULT_LOCALE")) or "en"


# Each kind's email subject; any other kind has the generic one.
_SUBJECTS = {
    "saved_search_match": _l("Material Passport Exchange: a new listing matches your search"),
    "reservation_requested": _l("Material Passport Exchange: a request to reserve your listing"),
    "reservation_accepted": _l("Material Passport Exchange: your reservation was accepted"),
    "reservation_rejected": _l("Material Passport Exchange: your reservation was declined"),
    "reservation_cancelled": _l("Material Passport Exchange: a reservation was cancelled"),
    "reservation_collected": _l("Material Passport Exchange: your reservation was collected"),
    "account_requested": _l("Material Passport Exchange: someone asks for an account"),
}
_SUBJECT = _l("Material Passport Exchange: a new message in your inbox")

# What a notification is about, and where that is: (the id it carries, the page's endpoint and
# its URL argument, the line of the email and the inbox's button). A kind follows its own
# order; any other kind links the first of these it carries.
_ABOUT = {
    "reservation": (
        "reservation_id",
        "exchange.reservation_detail",
        _l("The reservation: %(url)s"),
        _l("View reservation"),
    ),
    "bundle": ("bundle_id", "exchange.bundle_detail", _l("The bundle: %(url)s"), _l("View bundle")),
    "wanted": (
        "wanted_request_id",
        "exchange.wanted_detail",
        _l("The wanted request: %(url)s"),
        _l("View wanted request"),
    ),
    "listing": (
        "listing_id",
        "exchange.listing_detail",
        _l("The listing: %(url)s"),
        _l("View listing"),
    ),
    "building": (
        "building_id",
        "passports.building_detail",
        _l("The building: %(url)s"),
        _l("View building"),
    ),
}
_URL_ARGUMENT = {
    "reservation_id": "reservation_id",
    "bundle_id": "bundle_id",
    "wanted_request_id": "wanted_id",
    "listing_id": "listing_id",
    "building_id": "building_id",
}
_LINKS_BY_KIND = {
    "saved_search_match": ("listing",),
    "reservation_requested": ("reservation", "listing"),
    "reservation_accepted": ("reservation", "listing"),
    "reservation_rejected": ("reservation", "listing"),
    "reservation_cancelled": ("reservation", "listing"),
    "reservation_collected": ("reservation", "listing"),
    "bundle_part_replaced": ("bundle", "reservation"),
}
_DEFAULT_LINKS = ("reservation", "bundle", "wanted", "listing", "building")
# Kinds about something that has no id on the notification: the page's endpoint.
_PAGES = {
    "account_requested": (
        "exchange.account_requests",
        _l("The account requests: %(url)s"),
        _l("View account requests"),
    ),
}


def subject(note: Notification) -> str:
    """The email subject of a notification's kind, in the current language."""
    return str(_SUBJECTS.get(note.kind, _SUBJECT))


def link(note: Notification, external: bool = False) -> tuple[str, str, str] | None:
    """Where a notification points: (url, the email's line, the inbox's button), or None.
    The page must exist on this instance and the notification must carry its id."""
    build = external_url if external else url_for
    if note.kind in _PAGES:
        endpoint, line, button = _PAGES[note.kind]
        if endpoint in current_app.view_functions:
            url = build(endpoint)
            return url, str(line) % {"url": url}, str(button)
        return None
    for about in _LINKS_BY_KIND.get(note.kind, _DEFAULT_LINKS):
        field, endpoint, line, button = _ABOUT[about]
        value = getattr(note, field)
        if value is None or endpoint not in current_app.view_functions:
            continue
        url = build(endpoint, **{_URL_ARGUMENT[field]: value})
        return url, str(line) % {"url": url}, str(button)
    return None


def _message(note: Notification, address: str, locale: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = address
    inbox = external_url("exchange.inbox")
    with force_locale(locale):
        message["Subject"] = subject(note)
        about = link(note, external=True)
        lines = (
            note.text,
            *((about[1],) if about else ()),
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

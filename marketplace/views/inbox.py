"""Pages of saved searches and the inbox: save the current search, see and stop saved
searches, read the notifications of new matches. The unread count reaches every page's
navigation through a context processor."""

from flask import flash
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_login import login_required
from marshmallow import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from app.errors import ServiceError
from app.extensions import db
from app.forms import flatten_errors
from app.pagination import paginate_page
from app.redirects import safe_next
from marketplace import alerts
from marketplace.models import Listing
from marketplace.permissions import require_buyer
from marketplace.views import bp
from marketplace.views.search import SEARCH_FIELDS
from marketplace.views.search import summary


def _unread() -> int | None:
    """The user's unread count, queried at most once per request and only when shown."""
    if not current_user.is_authenticated:
        return None
    if "inbox_unread" not in g:
        try:
            g.inbox_unread = alerts.unread_count(current_user)
        except SQLAlchemyError:
            # The navigation of an error page must not fail on a database that just did.
            db.session.rollback()
            g.inbox_unread = None
    return g.inbox_unread


@bp.app_context_processor
def _inbox_context():
    return {"inbox_unread": _unread}


@bp.route("/exchange/saved-searches", methods=["POST"])
@login_required
def saved_search_create():
    """Save the search whose arguments the form carries."""
    require_buyer(current_user)
    params = {k: request.form[k].strip() for k in SEARCH_FIELDS if request.form.get(k, "").strip()}
    back = url_for("exchange.search", **params)
    try:
        saved = alerts.save_search(current_user, request.form.get("name", ""), params)
        db.session.commit()
    except ValidationError as exc:
        db.session.rollback()
        messages = flatten_errors(exc.messages)
        flash(
            _(
                "This search cannot be saved: %(problems)s",
                problems="; ".join(
                    f"{k.removeprefix('params-')}: {' '.join(v)}" for k, v in messages.items()
                ),
            ),
            "error",
        )
        return redirect(back)
    except ServiceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    flash(
        _(
            "Search “%(name)s” saved: new listings that match it will appear in your inbox.",
            name=saved.name,
        ),
        "success",
    )
    return redirect(back)


@bp.route("/exchange/saved-searches")
@login_required
def saved_searches():
    """The user's saved searches, each with what it looks for."""
    page = paginate_page(alerts.saved_searches_of(current_user))
    return render_template("marketplace/saved_searches.html", page=page, summary=summary)


@bp.route("/exchange/saved-searches/<int:saved_search_id>/delete", methods=["POST"])
@login_required
def saved_search_delete(saved_search_id: int):
    """Stop a saved search; its past notifications stay in the inbox."""
    saved = alerts.saved_search_for(current_user, saved_search_id)
    name = saved.name
    alerts.delete_saved_search(saved)
    db.session.commit()
    flash(_("Saved search “%(name)s” deleted.", name=name), "success")
    return redirect(url_for("exchange.saved_searches"))


@bp.route("/inbox")
@login_required
def inbox():
    """Notifications, newest first; unread ones stand out."""
    only_unread = request.args.get("unread") == "1"
    page = paginate_page(alerts.notifications_of(current_user, True if only_unread else None))
    ids = {n.listing_id for n in page.items if n.listing_id}
    listings = (
        {li.id: li for li in db.session.scalars(db.select(Listing).where(Listing.id.in_(ids)))}
        if ids
        else {}
    )
    return render_template(
        "marketplace/inbox.html",
        page=page,
        listings=listings,
        only_unread=only_unread,
        unread=_unread(),
        note_link=alerts.link,
    )


@bp.route("/inbox/<int:notification_id>/read", methods=["POST"])
@login_required
def inbox_read(notification_id: int):
    """Mark one notification read."""
    alerts.mark_read(alerts.notification_for(current_user, notification_id))
    db.session.commit()
    return redirect(safe_next(request.form.get("next"), url_for("exchange.inbox")))


@bp.route("/inbox/read-all", methods=["POST"])
@login_required
def inbox_read_all():
    """Mark every notification read."""
    count = alerts.mark_all_read(current_user)
    db.session.commit()
    flash(
        ngettext("%(num)d notification marked read.", "%(num)d notifications marked read.", count),
        "success",
    )
    return redirect(url_for("exchange.inbox"))

"""REST API of saved searches and the inbox: keep a search of the exchange, be told of new
listings that match it, read the notifications."""

from flask_login import current_user
from flask_smorest import Blueprint
from flask_smorest.error_handler import ErrorSchema

from app.auth.decorators import api_login_required
from app.extensions import csrf
from app.extensions import db
from app.pagination import paginated
from marketplace import alerts
from marketplace.permissions import require_buyer
from marketplace.schemas import NotificationQueryArgs
from marketplace.schemas import NotificationSchema
from marketplace.schemas import SavedSearchCreateSchema
from marketplace.schemas import SavedSearchSchema

blp = Blueprint(
    "exchange_alerts_api",
    __name__,
    description="Saved searches of the exchange and the in-app inbox",
)
csrf.exempt(blp)


@blp.route("/saved-searches", methods=["GET"])
@api_login_required
@paginated(blp, SavedSearchSchema)
def list_saved_searches(args):
    """The caller's saved searches, newest first."""
    return alerts.saved_searches_of(current_user)


@blp.route("/saved-searches", methods=["POST"])
@api_login_required
@blp.arguments(SavedSearchCreateSchema)
@blp.response(201, SavedSearchSchema)
@blp.alt_response(409, schema=ErrorSchema, description="Too many saved searches already.")
def create_saved_search(data):
    """Save a search: `params` are the arguments of `GET /listings`, checked the same way.
    Each listing published from now on that matches it lands in the inbox (and by email
    where the server sends mail)."""
    require_buyer(current_user)
    saved = alerts.save_search(current_user, data["name"], data["params"])
    db.session.commit()
    return saved


@blp.route("/saved-searches/<int:saved_search_id>", methods=["GET"])
@api_login_required
@blp.response(200, SavedSearchSchema)
def get_saved_search(saved_search_id):
    """One of the caller's saved searches."""
    return alerts.saved_search_for(current_user, saved_search_id)


@blp.route("/saved-searches/<int:saved_search_id>", methods=["DELETE"])
@api_login_required
@blp.response(204)
def delete_saved_search(saved_search_id):
    """Stop a saved search; its past notifications stay in the inbox."""
    alerts.delete_saved_search(alerts.saved_search_for(current_user, saved_search_id))
    db.session.commit()


@blp.route("/notifications", methods=["GET"])
@api_login_required
@paginated(blp, NotificationSchema, NotificationQueryArgs)
def list_notifications(args):
    """The caller's inbox, newest first; `unread=true` for the unread ones only."""
    return alerts.notifications_of(current_user, args.get("unread"))


@blp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@api_login_required
@blp.response(200, NotificationSchema)
def read_notification(notification_id):
    """Mark a notification read."""
    note = alerts.mark_read(alerts.notification_for(current_user, notification_id))
    db.session.commit()
    return note

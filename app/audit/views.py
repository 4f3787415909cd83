"""The audit log page for administrators: every write, filtered, newest first."""

from flask import Blueprint
from flask import render_template
from flask import request
from flask_login import current_user
from flask_login import login_required
from marshmallow import EXCLUDE
from marshmallow import ValidationError

from app.audit import queries
from app.audit.models import ACTIONS
from app.audit.schemas import AuditFilters
from app.errors import Forbidden
from app.pagination import paginate_page

bp = Blueprint("audit", __name__, url_prefix="/admin")


@bp.route("/audit")
@login_required
def entry_list():
    """Who wrote what and when, with the values before and after (admins only)."""
    if current_user.role != "admin":
        raise Forbidden("Only administrators see the audit log.")
    raw = {key: value for key, value in request.args.items() if value.strip()}
    try:
        args = AuditFilters(unknown=EXCLUDE).load(raw)
    except ValidationError as exc:
        errors, page = exc.messages, None
    else:
        errors, page = {}, paginate_page(queries.entries_query(**args))
    return render_template(
        "audit/entry_list.html",
        page=page,
        rows=[(entry, queries.changes(entry)) for entry in page.items] if page else [],
        values=raw,
        errors=errors,
        actions=ACTIONS,
        entities=queries.entity_names(),
    ), 400 if errors else 200

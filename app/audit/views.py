"""The audit log page for administrators: every write, filtered, newest first, in people's
words (app.audit.words) and with times in the reader's time zone."""

import json
import re
from datetime import date
from datetime import datetime

from flask import Blueprint
from flask import current_app
from flask import render_template
from flask import request
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_required
from markupsafe import Markup
from markupsafe import escape
from marshmallow import EXCLUDE
from marshmallow import ValidationError

from app.audit import queries
from app.audit.models import ACTIONS
from app.audit.schemas import AuditFilters
from app.audit.values import REDACTED
from app.audit.words import action_word
from app.audit.words import record_type
from app.audit.words import source_word
from app.errors import Forbidden
from app.i18n import registered_word
from app.messages import localize
from app.pagination import paginate_page

bp = Blueprint("audit", __name__, url_prefix="/admin")

# How values.py stores dates and times: ISO 8601, naive UTC.
_ISO_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?")
_ISO_DATE = re.compile(r"\d{4}-\d\d-\d\d")
# A stored code ("demolition_planned"), as opposed to text someone typed.
_CODE = re.compile(r"[a-z][a-z0-9_]*")


@bp.route("/audit")
@login_required
def entry_list():
    """Who wrote what and when, with the values before and after (admins only)."""
    if current_user.role != "admin":
        raise Forbidden(_("Only administrators see the audit log."))
    raw = {key: value for key, value in request.args.items() if value.strip()}
    try:
        args = AuditFilters(unknown=EXCLUDE).load(raw)
    except ValidationError as exc:
        errors, page = localize(exc.messages), None
    else:
        errors, page = {}, paginate_page(queries.entries_query(**args, zone=get_timezone()))
    types = sorted(
        ((name, record_type(name)) for name in queries.entity_names()), key=lambda t: t[1]
    )
    return render_template(
        "audit/entry_list.html",
        page=page,
        rows=[(entry, queries.changes(entry)) for entry in page.items] if page else [],
        values=raw,
        errors=errors,
        actions=[(action, action_word(action)) for action in ACTIONS],
        record_types=types,
        zone=str(get_timezone()),
    ), 400 if errors else 200


@bp.app_template_filter("audit_value")
def audit_value(value) -> Markup:
    """A value of the log as people read it: times in their zone, stored codes in words (with
    the code), yes and no, and JSON as code."""
    filters = current_app.jinja_env.filters
    if value is None:
        return Markup('<span class="muted">%s</span>') % _("(none)")
    if value == "":
        return Markup('<span class="muted">%s</span>') % _("(empty)")
    if value == REDACTED:
        return Markup('<span class="muted">%s</span>') % _("(secret, not shown)")
    if isinstance(value, bool):
        return escape(_("yes") if value else _("no"))
    if isinstance(value, dict | list):
        return Markup("<code>%s</code>") % json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        if _ISO_DATETIME.fullmatch(value):
            return escape(filters["datetime"](datetime.fromisoformat(value), seconds=True))
        if _ISO_DATE.fullmatch(value):
            return escape(filters["date"](date.fromisoformat(value)))
        word = registered_word(value) if _CODE.fullmatch(value) else None
        if word is not None:
            return Markup('%s <span class="muted small">(<code>%s</code>)</span>') % (word, value)
    return escape(value)


bp.add_app_template_filter(action_word, "audit_action")
bp.add_app_template_filter(record_type, "record_type")
bp.add_app_template_filter(source_word, "audit_source")

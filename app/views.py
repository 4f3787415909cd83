"""Site-wide pages (the home page that routes each role to its work, the accessibility
statement and the privacy notice), and the steps every package's HTML pages share: find a row
of a parent or 404, save a form or show its errors again, and send a file."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

from flask import Blueprint
from flask import Response
from flask import abort
from flask import current_app
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user
from limits import parse as parse_limit
from marshmallow import ValidationError

from app.errors import Conflict
from app.extensions import db
from app.i18n import SESSION_KEY
from app.i18n import supported
from app.messages import localize
from app.redirects import safe_next
from app.urls import public_base_url

bp = Blueprint("core", __name__)

# When the accessibility statement was prepared and last reviewed against the app (EU model
# statement, Commission Implementing Decision (EU) 2018/1523): move on with each review.
STATEMENT_PREPARED = date(2026, 12, 7)
STATEMENT_REVIEWED = date(2026, 12, 7)


@bp.route("/")
def index():
    """Landing page for visitors; logged-in users go to their work."""
    if current_user.is_authenticated:
        if current_user.role in ("owner", "contractor", "admin"):
            return redirect(url_for("passports.building_list"))
        return redirect(url_for("exchange.search"))
    return render_template("index.html")


def _contact(key: str) -> dict:
    """A contact from the config (`key`, else SUPPORT_EMAIL): its text and where it links."""
    value = (current_app.config.get(key) or current_app.config.get("SUPPORT_EMAIL") or "").strip()
    if "@" in value and not value.startswith(("http://", "https://")):
        return {"text": value, "href": f"mailto:{value}"}
    return {"text": value, "href": value if value.startswith(("http://", "https://")) else None}


def _about_context() -> dict:
    return {
        "operator": current_app.config.get("OPERATOR_NAME"),
        "site": public_base_url(),
    }


@bp.route("/accessibility")
def accessibility():
    """The accessibility statement, on the EU model: conformance, what is not accessible and
    why, how it was assessed, a contact, and the enforcement procedure."""
    return render_template(
        "accessibility.html",
        contact=_contact("ACCESSIBILITY_CONTACT"),
        prepared=STATEMENT_PREPARED,
        reviewed=STATEMENT_REVIEWED,
        enforcement_url=current_app.config.get("ACCESSIBILITY_ENFORCEMENT_URL"),
        **_about_context(),
    )


@bp.route("/privacy")
def privacy():
    """The privacy notice: what personal data the app keeps, why, for how long, and whom to
    ask about it."""
    return render_template(
        "privacy.html",
        contact=_contact("PRIVACY_CONTACT"),
        lockout_minutes=max(1, parse_limit(current_app.config["LOGIN_LOCKOUT"]).get_expiry() // 60),
        mail=bool(current_app.config.get("MAIL_SERVER")),
        **_about_context(),
    )


@bp.route("/language", methods=["POST"])
def choose_language():
    """The header's language switcher: kept in the session (visitors too) and, for a user,
    saved as their choice; back to the page it was used on."""
    code = supported(request.form.get("locale"))
    if code is None:
        abort(422)
    session[SESSION_KEY] = code
    if current_user.is_authenticated:
        current_user.locale = code
        db.session.commit()
    return redirect(safe_next(request.form.get("return_to"), url_for("core.index")), 303)


def owned_or_404(model, ident: int, **parent):
    """The row of `model` with this id, or 404 when there is none or it belongs to another
    parent than the one named (`building_id=building.id`): ids in URLs are never trusted."""
    row = db.session.get(model, ident)
    if row is None or any(getattr(row, name) != value for name, value in parent.items()):
        abort(404)
    return row


class FormErrors(dict):
    """The field errors of a refused form, and the status the page is answered with."""

    status = 200


@contextmanager
def form_errors(*, conflicts: bool = False) -> Iterator[FormErrors]:
    """Run a form's write; when the schema or a service refuses it, roll back and keep the
    field errors (422, or 409 for a conflict when `conflicts`) for the page shown again."""
    errors = FormErrors()
    try:
        yield errors
    except ValidationError as exc:
        db.session.rollback()
        errors.update(localize(exc.messages))
        errors.status = 422
    except Conflict as exc:
        if not conflicts:
            raise
        db.session.rollback()
        errors.update(localize(exc.errors or {"_schema": [exc.message]}))
        errors.status = 409


def saved(message: str, target: str, code: int = 302) -> Response:
    """Commit the form's write, say so, and go to the page that shows the result."""
    db.session.commit()
    flash(message, "success")
    return redirect(target, code)


def render_form(template: str, errors: dict, **context) -> tuple[str, int]:
    """A form page with its errors, answered with their status (200 when there are none)."""
    status = getattr(errors, "status", 422) if errors else 200
    return render_template(template, errors=errors, **context), status


def download(body, mimetype: str, filename: str, *, inline: bool = False) -> Response:
    """A file for the browser to save (or, `inline`, to show, as a PDF) under `filename`."""
    disposition = "inline" if inline else "attachment"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response

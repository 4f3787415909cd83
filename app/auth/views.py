"""Login, logout, password change, "log out everywhere" and the token page."""

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user
from marshmallow import ValidationError
from sqlalchemy import select

from app.auth import services
from app.auth.decorators import login_rate_limit
from app.auth.lockout import AccountLocked
from app.auth.models import ApiToken
from app.auth.schemas import TokenOptionsSchema
from app.auth.session import renew_login
from app.extensions import db
from app.extensions import limiter
from app.forms import form_data
from app.forms import load_form
from app.messages import localize
from app.redirects import safe_next

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_rate_limit, methods=["POST"])
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(url_for("core.index"))
    errors = {}
    email = request.form.get("email", "")
    if request.method == "POST":
        try:
            user = services.authenticate(email, request.form.get("password", ""))
        except AccountLocked as locked:
            return _locked_page(email, locked)
        if user is None:
            errors["password"] = [_("Wrong email or password.")]
        else:
            login_user(user, remember=bool(request.form.get("remember")))
            db.session.commit()
            flash(_("Welcome, %(name)s.", name=user.name or user.email), "success")
            return redirect(safe_next(request.args.get("next"), url_for("core.index")))
    status = 401 if errors else 200
    return render_template("auth/login.html", email=email, errors=errors), status


def _locked_page(email: str, locked: AccountLocked):
    response = render_template(
        "auth/login.html", email=email, errors={"password": [locked.message]}
    )
    return response, 429, {"Retry-After": str(locked.retry_after)}


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (POST, so a link cannot log anyone out). The session generation moves on, so a
    copy of this browser's cookies stops working too."""
    if current_user.is_authenticated:
        services.end_sessions(current_user)
        db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("core.index"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(login_rate_limit, methods=["POST"])
def password():
    """Change one's password; this browser stays logged in, every other one is logged out."""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        form = request.form
        try:
            if form.get("new_password", "") != form.get("confirm_password", ""):
                raise ValidationError({"confirm_password": [_("The two new passwords differ.")]})
            services.change_password(
                current_user, form.get("current_password", ""), form.get("new_password", "")
            )
        except AccountLocked as locked:
            db.session.rollback()
            page = render_template(
                "auth/password.html", errors={"current_password": [locked.message]}
            )
            return page, 429, {"Retry-After": str(locked.retry_after)}
        except ValidationError as exc:
            db.session.rollback()
            return render_template("auth/password.html", errors=localize(exc.messages)), 422
        renew_login(current_user)
        db.session.commit()
        flash(
            _(
                "Your password is changed. Every other browser is logged out; "
                "your API tokens keep working."
            ),
            "success",
        )
        return redirect(url_for("auth.password"), 303)
    return render_template("auth/password.html", errors=errors)


@bp.route("/account/logout-everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """End every login of the account, this one included, and revoke its API tokens."""
    revoked = services.log_out_everywhere(current_user)
    db.session.commit()
    logout_user()
    flash(
        ngettext(
            "You are logged out on every browser and device; %(num)d API token revoked.",
            "You are logged out on every browser and device; %(num)d API tokens revoked.",
            revoked,
        ),
        "info",
    )
    return redirect(url_for("auth.login"), 303)


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """List, create and revoke one's own API tokens."""
    new_token, errors, status = None, {}, 200
    if request.method == "POST":
        schema = TokenOptionsSchema()
        try:
            options = load_form(schema, form_data(schema, request.form))
        except ValidationError as exc:
            errors, status = exc.messages, 422
        else:
            _token, new_token = services.issue_token(
                current_user, options.get("name", ""), options.get("expires_in_days")
            )
            db.session.commit()
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    return render_template(
        "auth/tokens.html", tokens=rows, new_token=new_token, errors=errors, values=request.form
    ), status


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    """Revoke one of one's own tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    services.revoke_token(token)
    db.session.commit()
    flash(_("Token %(prefix)s… revoked.", prefix=token.prefix), "info")
    return redirect(url_for("auth.tokens"))

"""Login, logout and the token page."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from app.auth import services
from app.auth.decorators import login_rate_limit
from app.auth.lockout import AccountLocked
from app.auth.models import ApiToken
from app.extensions import db, limiter

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str | None:
    if not target:
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


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
            errors["password"] = ["Wrong email or password."]
        else:
            login_user(user, remember=bool(request.form.get("remember")))
            db.session.commit()
            flash(f"Welcome, {user.name or user.email}.", "success")
            return redirect(_safe_next(request.args.get("next")) or url_for("core.index"))
    status = 401 if errors else 200
    return render_template("auth/login.html", email=email, errors=errors), status


def _locked_page(email: str, locked: AccountLocked):
    response = render_template(
        "auth/login.html", email=email, errors={"password": [locked.message]}
    )
    return response, 429, {"Retry-After": str(locked.retry_after)}


@bp.route("/logout", methods=["POST"])
def logout():
    """Log out (POST, so a link cannot log anyone out)."""
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("core.index"))


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """List, create and revoke one's own API tokens."""
    new_token = None
    if request.method == "POST":
        _token, new_token = services.issue_token(current_user, request.form.get("name", "")[:100])
        db.session.commit()
    rows = db.session.scalars(
        select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.id.desc())
    ).all()
    return render_template("auth/tokens.html", tokens=rows, new_token=new_token)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke(token_id: int):
    """Revoke one of one's own tokens."""
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != current_user.id:
        abort(404)
    services.revoke_token(token)
    db.session.commit()
    flash(f"Token {token.prefix}… revoked.", "info")
    return redirect(url_for("auth.tokens"))

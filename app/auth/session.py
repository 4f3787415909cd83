"""How a request becomes a user: the session cookie for pages, a bearer token for the API."""

from flask import current_app
from flask import g
from flask import request
from flask_babel import gettext
from flask_login import LoginManager
from flask_login import login_user
from werkzeug.local import LocalProxy

from app.auth.models import User
from app.extensions import db
from app.messages import N_


def load_user(user_id: str) -> User | None:
    """Flask-Login session loader; a request that presents a bearer token is judged by it.

    The id in a cookie is "<user id>:<session generation>" (User.get_id): a cookie from an
    earlier generation, ended by a logout, a password change or "log out everywhere", loads no
    one, and neither does the bare user id that cookies carried before generations existed."""
    if _bearer_token():
        return None
    pk, _, generation = (user_id or "").partition(":")
    if not (pk.isdigit() and generation.isdigit()):
        return None
    user = db.session.get(User, int(pk))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user


def renew_login(user: User) -> None:
    """After the user's session generation moved on (a password change), log this browser in
    again with fresh cookies, remembered if it was before; every other browser stays out."""
    remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    # The user itself, never the `current_user` proxy: Flask-Login would keep the proxy as the
    # request's user, and the next look at current_user (a translated flash message asks who
    # is logged in for their language) would resolve it forever.
    if isinstance(user, LocalProxy):
        user = user._get_current_object()
    login_user(user, remember=remembered)


def _bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def load_user_from_request(_req) -> User | None:
    """Authenticate `Authorization: Bearer <token>`."""
    from app.auth.services import user_for_token

    token = _bearer_token()
    user = user_for_token(token) if token else None
    g.token_user = user
    return user


def bearer_authenticated() -> bool:
    """True when a valid bearer token authenticated this request (so it needs no CSRF token)."""
    return g.get("token_user") is not None


def register(manager: LoginManager) -> None:
    """Wire the loaders and the login page into Flask-Login."""
    manager.user_loader(load_user)
    manager.request_loader(load_user_from_request)
    manager.login_view = "auth.login"
    # Flask-Login flashes it through localize_callback, in the page's language.
    manager.login_message = N_("Please log in to see this page.")
    manager.login_message_category = "info"
    manager.localize_callback = gettext

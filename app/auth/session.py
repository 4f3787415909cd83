"""How a request becomes a user: the session cookie for pages, a bearer token for the API."""

from flask import g, request
from flask_login import LoginManager

from app.auth.models import User
from app.extensions import db


def load_user(user_id: str) -> User | None:
    """Flask-Login session loader; a request that presents a bearer token is judged by it."""
    if _bearer_token():
        return None
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


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
    manager.login_message = "Please log in to see this page."
    manager.login_message_category = "info"

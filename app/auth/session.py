"""How a request becomes a user: the session cookie for pages, a bearer token for the API."""

from flask import request
from flask_login import LoginManager

from app.auth.models import User
from app.extensions import db


def load_user(user_id: str) -> User | None:
    """Flask-Login session loader."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


def load_user_from_request(req) -> User | None:
    """Authenticate `Authorization: Bearer <token>`."""
    from app.auth.services import user_for_token

    header = req.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return user_for_token(token.strip())


def bearer_authenticated() -> bool:
    """True when this request carries a bearer token (and so needs no CSRF token)."""
    return request.headers.get("Authorization", "").lower().startswith("bearer ")


def register(manager: LoginManager) -> None:
    """Wire the loaders and the login page into Flask-Login."""
    manager.user_loader(load_user)
    manager.request_loader(load_user_from_request)
    manager.login_view = "auth.login"
    manager.login_message = "Please log in to see this page."
    manager.login_message_category = "info"

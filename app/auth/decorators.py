"""Guards for API views: authentication, CSRF for cookie sessions, and roles."""

from functools import wraps

from flask import current_app
from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from flask_smorest import abort

from app.auth.session import bearer_authenticated
from app.extensions import csrf
from app.i18n import word

_SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def api_login_required(view):
    """Require a bearer token, or a session cookie plus a CSRF token on writes."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            abort(
                401,
                message=_("Authentication required: send Authorization: Bearer <token>."),
                headers={"WWW-Authenticate": 'Bearer realm="api"'},
            )
        if request.method not in _SAFE_METHODS and not bearer_authenticated():
            csrf.protect()
        return view(*args, **kwargs)

    return wrapper


def roles_required(*roles: str):
    """Allow only users with one of these roles (admins always pass)."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if current_user.role != "admin" and current_user.role not in roles:
                abort(
                    403,
                    message=_(
                        "This needs one of the roles: %(roles)s.",
                        roles=", ".join(word(role) for role in roles),
                    ),
                )
            return view(*args, **kwargs)

        return wrapper

    return decorator


def login_rate_limit() -> str:
    """The configured limit for login and token endpoints."""
    return current_app.config["LOGIN_RATE_LIMIT"]

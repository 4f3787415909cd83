"""Error handling: one JSON shape under /api, friendly pages for browsers, no stack traces."""

import contextlib
import logging
from functools import lru_cache

from flask import Flask
from flask import current_app
from flask import g
from flask import jsonify
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import InterfaceError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.exceptions import default_exceptions
from werkzeug.http import parse_accept_header

from app.extensions import db
from app.forms import flatten_errors
from app.messages import N_
from app.messages import localize
from app.request_limits import too_large_message

log = logging.getLogger(__name__)

# Headers that carry meaning for the client and must survive our error rendering.
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Location")


class ServiceError(Exception):
    """A refused action with an HTTP status, a message and optional field errors.

    `links` are where a person can go next, as (url, text) pairs: the error page shows them
    instead of its usual ones (the start page, and the buildings for a logged-in user); the
    JSON body never carries them. The message and the texts are read by people: write them
    with `_()` (or lazy_gettext) where the error is raised."""

    code = 400

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        errors: dict | None = None,
        extra: dict | None = None,
        links: list[tuple[str, str]] | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.errors = errors
        self.extra = extra or {}
        self.links = links
        if code is not None:
            self.code = code


class Conflict(ServiceError):
    """The action is not allowed in the current state (409)."""

    code = 409


class Forbidden(ServiceError):
    """The user may see the thing but not do this to it (403)."""

    code = 403


class UnknownReference(ValidationError):
    """Field errors of well-formed input naming an object that does not exist (404). Pages
    show them on the form like any field error; the API answers 404, as the document allows
    any id that fits its type."""

    status = 404
    title = "Not Found"
    message = N_("The input names something that does not exist.")


class ConflictingInput(ValidationError):
    """Field errors of well-formed input that the current state refuses (409): the owner
    already has access, the hazard is already cleared. Pages show them on the form."""

    status = 409
    title = "Conflict"
    message = N_("The input conflicts with the current state.")


def wants_json() -> bool:
    """True for API requests and for clients that ask for JSON."""
    if request.path.startswith("/api/"):
        return True
    return _prefers_json(request.headers.get("Accept", ""))


@lru_cache(maxsize=256)
def _prefers_json(header: str) -> bool:
    """Whether an Accept header likes JSON better than HTML. Clients send a handful of
    distinct headers (every scan asks), so each is parsed once."""
    accept = parse_accept_header(header, MIMEAccept)
    best = accept.best_match(["text/html", "application/json"])
    return best == "application/json" and accept[best] > accept["text/html"]


def error_payload(code: int, name: str, message: str, errors: dict | None = None) -> dict:
    """The error body used everywhere under /api: `status` is the HTTP name (a code, in
    English); the message and field errors are in the request's language."""
    return {"code": code, "status": name, "message": message, "errors": errors or {}}


# What each status means, in people's words: the error page's heading, and the message of an
# error raised without one of its own (werkzeug's descriptions speak to developers).
TITLES = {
    400: _l("The request could not be understood"),
    401: _l("Please log in"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not possible here"),
    409: _l("This cannot be done now"),
    413: _l("What you sent is too large"),
    415: _l("This kind of file cannot be used here"),
    422: _l("Some of what you entered is not valid"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong"),
    503: _l("Back in a moment"),
    507: _l("No room to store this"),
}
DESCRIPTIONS = {
    400: _l("Something in the request was not as expected. Go back and try again."),
    401: _l("This page is for logged-in users. Log in, then try again."),
    403: _l(
        "Your account cannot open this page. If you need it for your work, ask an "
        "administrator of your organisation."
    ),
    404: _l(
        "There is nothing at this address. The link may be out of date, or the address mistyped."
    ),
    405: _l("This address does not take this kind of request."),
    409: _l("This cannot be done in the current state."),
    413: _l("What you sent is larger than this address accepts."),
    415: _l("This address does not accept this kind of content."),
    422: _l("Some of what you entered is not valid. Correct it and try again."),
    429: _l("Too many attempts in a short time. Wait a little, then try again."),
    500: _l("Something went wrong on our side."),
    503: _l("The service is unavailable at the moment. Please try again in a few seconds."),
    507: _l("The server has no room to store this right now. Try again later."),
}
# werkzeug's own descriptions, replaced by ours: any other message is the raiser's own.
_DEFAULT_DESCRIPTIONS = {code: cls.description for code, cls in default_exceptions.items()}


def _describe(code: int, message: str | None) -> str:
    """The message a person reads: the raiser's (translated if it is in the catalogue), or
    what the status means when the raiser gave none or werkzeug's."""
    if not message or message == _DEFAULT_DESCRIPTIONS.get(code):
        return str(DESCRIPTIONS.get(code) or message or "")
    return localize(str(message))


def _next_links(code: int) -> list[tuple[str, str]]:
    """Where a person can go from an error page: in, when a login would help; their
    buildings when logged in; the start page always."""
    links = []
    logged_in = not g.get("database_unavailable") and current_user.is_authenticated
    if code in (401, 403) and not logged_in:
        links.append((url_for("auth.login", next=request.full_path.rstrip("?")), _("Log in")))
    if logged_in and "passports.building_list" in current_app.view_functions:
        links.append((url_for("passports.building_list"), _("Go to the buildings")))
    links.append((url_for("core.index"), _("Go to the start page")))
    return links


def _render(
    code: int,
    name: str,
    message: str,
    errors: dict | None,
    headers=None,
    extra=None,
    links: list[tuple[str, str]] | None = None,
):
    message = _describe(code, message)
    errors = localize(errors) if errors else errors
    if wants_json():
        body = error_payload(code, name, message, errors)
        body.update(extra or {})
        response = jsonify(body)
    else:
        response = render_template(
            "errors/error.html",
            code=code,
            name=name,
            title=str(TITLES.get(code) or name),
            message=message,
            errors=flatten_errors(errors) if isinstance(errors, dict) else {},
            links=[(url, str(text)) for url, text in links] if links else _next_links(code),
        )
    return response, code, headers or {}


def handle_http_exception(exc: HTTPException):
    """Render any HTTP error, keeping headers such as Allow on 405. flask-smorest's
    `abort(404, message=..., links=[(url, text), ...])` keeps its arguments in `exc.data`:
    the page shows that message and those next steps."""
    data = getattr(exc, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    message = data.get("message") or exc.description
    if exc.code == 413 and message == RequestEntityTooLarge.description:
        message = too_large_message()
    headers = {k: v for k, v in exc.get_response().headers.items() if k in _KEPT_HEADERS}
    headers.update(data.get("headers") or {})
    if exc.code >= 500:
        discard_session()
    return _render(exc.code or 500, exc.name, message, errors, headers, links=data.get("links"))


def handle_validation_error(exc: ValidationError):
    """Field errors from schemas and services become a 422 (or the 404 or 409 of an
    `UnknownReference` or a `ConflictingInput`)."""
    discard_session()
    messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    if isinstance(exc, UnknownReference | ConflictingInput):
        return _render(exc.status, exc.title, exc.message, messages)
    return _render(422, "Unprocessable Entity", N_("The input is not valid."), messages)


def handle_service_error(exc: ServiceError):
    """A refused action keeps the database unchanged and says why."""
    discard_session()
    names = {
        403: "Forbidden",
        404: "Not Found",
        409: "Conflict",
        413: "Payload Too Large",
        415: "Unsupported Media Type",
        422: "Unprocessable Entity",
        503: "Service Unavailable",
        507: "Insufficient Storage",
    }
    return _render(
        exc.code,
        names.get(exc.code, "Bad Request"),
        exc.message,
        exc.errors,
        extra=exc.extra,
        links=exc.links,
    )


def handle_unexpected(exc: Exception):
    """Log the trace for operators; the client only learns that it failed."""
    discard_session()
    log.exception("unhandled error on %s %s", request.method, request.path)
    err = InternalServerError()
    return _render(500, err.name, N_("Something went wrong on our side."), None)


# Seconds a client is asked to wait when the database is unreachable (a restart takes a few).
DATABASE_RETRY_AFTER = 5


def database_unavailable(exc: BaseException) -> bool:
    """True when the error means the database cannot be reached now (down, restarting, the
    connection dropped, the pool exhausted), not that the statement itself was wrong."""
    if isinstance(exc, PoolTimeout):
        return True
    return isinstance(exc, DBAPIError) and (
        exc.connection_invalidated or isinstance(exc, (OperationalError, InterfaceError))
    )


def discard_session() -> None:
    """Roll back the request's session; when the connection itself is gone (a rollback
    cannot even be sent), invalidate it instead, so the pool replaces it."""
    try:
        db.session.rollback()
    except DBAPIError:
        with contextlib.suppress(DBAPIError):  # nothing left to release
            db.session().invalidate()


def release_session(_exc: BaseException | None = None) -> None:
    """Close the session at the end of every request, before Flask-SQLAlchemy removes it.

    Closing rolls back the request's read transaction. If the database dropped the
    connection after the answer was built (a restart between the last query and the end
    of the request), that rollback fails: the connection is then invalidated, and the
    answer still goes out instead of turning into a 500 raised from the teardown.
    """
    if not db.session.registry.has():
        return  # the request never opened a session (a read through the driver, a static file)
    try:
        db.session.close()
    except DBAPIError as exc:
        cause = str(exc.orig or exc).strip().splitlines()
        log.warning(
            "database connection lost at the end of a request: %s", cause[0] if cause else ""
        )
        with contextlib.suppress(DBAPIError):  # nothing left to release
            db.session().invalidate()


def handle_database_error(exc: Exception):
    """The database is unreachable: 503 with Retry-After, never a stack trace. The session is
    rolled back and the broken connection discarded, so the app recovers by itself when the
    database is back (PostgreSQL pools also ping each connection before use)."""
    if not database_unavailable(exc):
        return handle_unexpected(exc)
    discard_session()
    # The page and its language must not ask the database who is logged in (app.i18n).
    g.database_unavailable = True
    cause = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    log.warning(
        "database unavailable on %s %s: %s: %s",
        request.method,
        request.path,
        type(getattr(exc, "orig", None) or exc).__name__,
        cause[0] if cause else "",
    )
    code, name = 503, ServiceUnavailable().name
    message = _("The database is unavailable at the moment. Please try again in a few seconds.")
    headers = {"Retry-After": str(DATABASE_RETRY_AFTER)}
    if wants_json():
        return _render(code, name, message, None, headers)
    # A page of its own: the usual layout asks the database who is logged in.
    page = render_template(
        "errors/unavailable.html",
        code=code,
        name=name,
        message=message,
        retry_after=DATABASE_RETRY_AFTER,
        retry_url=request.full_path.rstrip("?") if request.method == "GET" else None,
    )
    return page, code, headers


def register(app: Flask) -> None:
    """Install the handlers; they replace flask-smorest's, which drop the Allow header."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(ValidationError, handle_validation_error)
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(PoolTimeout, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected)
    # Registered after Flask-SQLAlchemy's own teardown, so it runs first (Flask runs them in
    # reverse order).
    app.teardown_appcontext(release_session)

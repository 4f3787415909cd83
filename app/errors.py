"""Error handling: one JSON shape under /api, friendly pages for browsers, no stack traces."""

import contextlib
import logging

from flask import Flask
from flask import jsonify
from flask import render_template
from flask import request
from marshmallow import ValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import InterfaceError
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.exceptions import ServiceUnavailable

from app.extensions import db

log = logging.getLogger(__name__)

# Headers that carry meaning for the client and must survive our error rendering.
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Location")


class ServiceError(Exception):
    """A refused action with an HTTP status, a message and optional field errors."""

    code = 400

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        errors: dict | None = None,
        extra: dict | None = None,
    ):
        super().__init__(message)
        self.message = message
        self.errors = errors
        self.extra = extra or {}
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
    message = "The input names something that does not exist."


class ConflictingInput(ValidationError):
    """Field errors of well-formed input that the current state refuses (409): the owner
    already has access, the hazard is already cleared. Pages show them on the form."""

    status = 409
    title = "Conflict"
    message = "The input conflicts with the current state."


def wants_json() -> bool:
    """True for API requests and for clients that ask for JSON."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_payload(code: int, name: str, message: str, errors: dict | None = None) -> dict:
    """The error body used everywhere under /api."""
    return {"code": code, "status": name, "message": message, "errors": errors or {}}


def _render(code: int, name: str, message: str, errors: dict | None, headers=None, extra=None):
    if wants_json():
        body = error_payload(code, name, message, errors)
        body.update(extra or {})
        response = jsonify(body)
    else:
        response = render_template(
            "errors/error.html", code=code, name=name, message=message, errors=errors or {}
        )
    return response, code, headers or {}


def handle_http_exception(exc: HTTPException):
    """Render any HTTP error, keeping headers such as Allow on 405."""
    data = getattr(exc, "data", None) or {}
    errors = data.get("errors") or data.get("messages")
    message = data.get("message") or exc.description or exc.name
    headers = {k: v for k, v in exc.get_response().headers.items() if k in _KEPT_HEADERS}
    headers.update(data.get("headers") or {})
    if exc.code >= 500:
        discard_session()
    return _render(exc.code or 500, exc.name, message, errors, headers)


def handle_validation_error(exc: ValidationError):
    """Field errors from schemas and services become a 422 (or the 404 or 409 of an
    `UnknownReference` or a `ConflictingInput`)."""
    discard_session()
    messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    if isinstance(exc, UnknownReference | ConflictingInput):
        return _render(exc.status, exc.title, exc.message, messages)
    return _render(422, "Unprocessable Entity", "The input is not valid.", messages)


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
        exc.code, names.get(exc.code, "Bad Request"), exc.message, exc.errors, extra=exc.extra
    )


def handle_unexpected(exc: Exception):
    """Log the trace for operators; the client only learns that it failed."""
    discard_session()
    log.exception("unhandled error on %s %s", request.method, request.path)
    err = InternalServerError()
    return _render(500, err.name, "Something went wrong on our side.", None)


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
    cause = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    log.warning(
        "database unavailable on %s %s: %s: %s",
        request.method,
        request.path,
        type(getattr(exc, "orig", None) or exc).__name__,
        cause[0] if cause else "",
    )
    code, name = 503, ServiceUnavailable().name
    message = "The database is unavailable at the moment. Please try again in a few seconds."
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

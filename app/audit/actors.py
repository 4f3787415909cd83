"""Who is writing: the actor and the request behind each audit row.

In a request, the logged-in user (session cookie or bearer token) and the request's method,
path, address and id (the id of its log lines, see `app.logs`); in a CLI command, the command
("cli:users create"); in a background job, whoever `set_actor` names for its application
context; otherwise "system".
"""

import uuid
from dataclasses import dataclass

import click
from flask import current_app
from flask import g
from flask import has_app_context
from flask import has_request_context
from flask import request
from flask_login import current_user

from app.models import utcnow

_ACTOR = "audit_actor"


@dataclass(frozen=True)
class Actor:
    """Who made a write, copied at the time: a user (or nobody) and where the write came from."""

    user_id: int | None = None
    email: str | None = None
    organisation_id: int | None = None
    source: str = "system"

    @classmethod
    def of(cls, user, source: str) -> "Actor":
        """The actor for a user object (None or anonymous: nobody) writing from `source`."""
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(source=source)
        return cls(user.id, user.email, user.organisation_id, source)


def _cli_source() -> str | None:
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return None
    _program, _, command = ctx.command_path.partition(" ")
    return f"cli:{command or ctx.command_path}"[:80]


def _source() -> str:
    if has_request_context():
        return "api" if request.path.startswith("/api/") else "web"
    return _cli_source() or "system"


def _request_user():
    """The logged-in user of this request, or None (never raises for a missing login)."""
    if getattr(current_app, "login_manager", None) is None:
        return None
    user = current_user._get_current_object()
    return user if getattr(user, "is_authenticated", False) else None


def current_actor() -> Actor:
    """Who is writing now: the named actor, the request's user, the CLI command, or system."""
    if has_app_context():
        named = g.get(_ACTOR)
        if named is not None:
            return named
    if has_request_context():
        return Actor.of(_request_user(), _source())
    return Actor(source=_source())


def set_actor(user, source: str | None = None) -> None:
    """Attribute the writes of this application context (a request, a job) to a user."""
    setattr(g, _ACTOR, Actor.of(user, source or _source()))


def request_id() -> str | None:
    """The request's id, as in its log lines and its X-Request-ID response header (app.logs);
    None outside requests."""
    if not has_request_context():
        return None
    if g.get("request_id") is None:  # a request that bypassed app.logs' before_request
        g.request_id = uuid.uuid4().hex
    return g.request_id[:128]


def context(actor: Actor) -> dict:
    """The columns of a row that describe its actor and its request."""
    row = {
        "at": utcnow(),
        "actor_user_id": actor.user_id,
        "actor_email": actor.email,
        "actor_org_id": actor.organisation_id,
        "source": actor.source,
        "request_id": None,
        "method": None,
        "path": None,
        "remote_addr": None,
    }
    if has_request_context():
        row.update(
            request_id=request_id(),
            method=request.method[:10],
            path=request.path[:300],
            remote_addr=(request.remote_addr or "")[:64] or None,
        )
    return row

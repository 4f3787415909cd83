"""Health endpoints for load balancers and orchestrators.

`/healthz` (liveness): the process answers and its database answers `SELECT 1`.
`/readyz` (readiness): also the schema is at the newest migration, the upload directory is
writable and the rate-limit storage (Redis in production) answers; a worker that is not ready
should get no traffic. Both answer JSON with one entry per check, 200 or 503, and are never
cached. Failures are named, not explained: details go to the log, not to the caller.
"""

import logging
import os
from functools import cache
from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import Blueprint
from flask import current_app
from flask import jsonify
from sqlalchemy import text

from app.extensions import db
from app.extensions import limiter
from app.storage import upload_root

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)


def _database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception:
        log.exception("health check: database unreachable")
        db.session.rollback()
        return "unreachable"


@cache
def _head_revisions(directory: str) -> frozenset[str]:
    config = Config()
    config.set_main_option("script_location", str(Path(directory)))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def _schema() -> str:
    directory = current_app.extensions["migrate"].directory
    try:
        current = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except Exception:
        log.exception("readiness check: migration state unreadable")
        db.session.rollback()
        return "unreadable"
    return "ok" if current == _head_revisions(str(directory)) else "migrations pending"


def _uploads() -> str:
    root = upload_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return "not writable"
    return "ok" if os.access(root, os.W_OK) else "not writable"


def _limiter_storage() -> str:
    try:
        return "ok" if limiter.storage.check() else "unreachable"
    except Exception:
        log.exception("readiness check: rate-limit storage unreachable")
        return "unreachable"


def _answer(checks: dict[str, str], good: str):
    healthy = all(value == "ok" for value in checks.values())
    response = jsonify(status=good if healthy else "unavailable", checks=checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/healthz")
@limiter.exempt
def healthz():
    """Liveness: the app and its database answer."""
    return _answer({"database": _database()}, "ok")


@bp.route("/readyz")
@limiter.exempt
def readyz():
    """Readiness: database, schema at head, upload storage and limiter storage."""
    checks = {"database": _database()}
    checks["schema"] = _schema() if checks["database"] == "ok" else "unknown"
    checks["uploads"] = _uploads()
    checks["rate_limit_storage"] = _limiter_storage()
    return _answer(checks, "ready")

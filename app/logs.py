"""Structured logs: one JSON object per line, one line per request.

With LOG_FORMAT=json (the default in production) every record becomes a JSON object with
`ts`, `level`, `logger`, `message`, the request's id, method, path and user when there is one,
and any `extra={...}` fields the caller gave. Each request ends with one `request` line carrying
its status and duration. The request id comes from a well-formed `X-Request-ID` header (set by
the load balancer) or is generated, and is echoed in the response so a user's report can be
matched to the log. LOG_FORMAT=text keeps plain lines for a developer's terminal; there every
control character of the message and the fields (a path, a header, an email typed at the login
form) is escaped (`\n` as `\\n`, others as `\\xNN`), so a request cannot write a line of its
own into the log. JSON lines escape them by being JSON.
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC
from datetime import datetime

from flask import Flask
from flask import g
from flask import has_request_context
from flask import request
from flask_login import AnonymousUserMixin
from sqlalchemy import inspect

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")
# Attributes every LogRecord has; anything else on a record came from `extra=`.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def _request_fields() -> dict:
    if not has_request_context():
        return {}
    current = request._get_current_object()
    fields = {
        "request_id": getattr(g, "request_id", None),
        "method": current.method,
        "path": current.path,
        "remote_addr": current.remote_addr,
    }
    user_id = _logged_in_user_id()
    if user_id is not None:
        fields["user_id"] = user_id
    return fields


def _logged_in_user_id() -> int | None:
    """The id of the user this request already loaded, if any, read without touching the
    database: a log line must never load a user or refresh an expired one (it may be written
    while the handler's lock is held, or while the database is what failed)."""
    user = g.get("_login_user")  # Flask-Login's per-request cache
    if user is None or isinstance(user, AnonymousUserMixin):
        return None
    state = inspect(user, raiseerr=False)
    return state.identity[0] if state is not None and state.identity else None


class JsonFormatter(logging.Formatter):
    """Format a record as one JSON object on one line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record, its request context and its extra fields as JSON."""
        entry = {
            "ts": _timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,
            "message": record.getMessage(),
            **_request_fields(),
        }
        entry.update(_extra_fields(record))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return _ENCODER.encode(entry)


# One encoder for every line (json.dumps would make one per call with these options).
_ENCODER = json.JSONEncoder(default=str, ensure_ascii=False)
# The last second formatted, and its text: one tuple, read and replaced whole, so a thread
# never pairs one second with another's text.
_last_second: tuple = (None, "")


def _timestamp(created: float) -> str:
    """ISO 8601 UTC time with milliseconds, as datetime.isoformat writes it; the part up to
    the second is formatted once per second."""
    global _last_second
    second = int(created)
    micro = round((created - second) * 1_000_000)  # rounded as datetime rounds it
    if micro >= 1_000_000:
        second, micro = second + 1, micro - 1_000_000
    last = _last_second
    if last[0] != second:
        last = _last_second = (
            second,
            datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        )
    return f"{last[1]}.{micro // 1000:03d}+00:00"


_NAMED_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Backslash (so an escape cannot be forged), C0 and C1 controls, DEL, and the Unicode line and
# paragraph separators that some viewers break lines at.
_UNSAFE = re.compile("[\\\\\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_control(text: str) -> str:
    """The text on one line: control characters and backslashes written as escapes."""
    return _UNSAFE.sub(_escape_one, text)


def _escape_one(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


class TextFormatter(logging.Formatter):
    """A plain line for a terminal, with the request and any extra fields as key=value."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        """The usual line, followed by the request context and the extra fields; only a
        traceback may add lines."""
        extras = {**_request_fields(), **_extra_fields(record)}
        record.message = escape_control(record.getMessage())
        record.asctime = self.formatTime(record, self.datefmt)
        line = " ".join(
            [
                self.formatMessage(record),
                *(f"{k}={escape_control(str(v))}" for k, v in extras.items() if v is not None),
            ]
        )
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            line += "\n" + self.formatStack(record.stack_info)
        return line


def _extra_fields(record: logging.LogRecord) -> dict:
    return {
        key: value
        for key, value in vars(record).items()
        if key not in _STANDARD and not key.startswith("_")
    }


def configure(app: Flask) -> None:
    """Install the root handler (outside tests) and the per-request log line."""
    # No line shows the caller's file and function, the thread or the process name: the
    # logging module need not look them up for every record (its documented optimisation).
    logging._srcfile = None
    logging.logThreads = False
    logging.logMultiprocessing = False
    if not app.testing:
        handler = logging.StreamHandler(sys.stderr)
        if app.config.get("LOG_FORMAT") == "json":
            handler.setFormatter(JsonFormatter())
        else:
            handler.setFormatter(TextFormatter())
        root = logging.getLogger()
        root.handlers[:] = [handler]
        root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
        # werkzeug's own access lines would repeat ours; alembic's plugin list is noise.
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    access = logging.getLogger("mpx.request")

    @app.before_request
    def start_request_log() -> None:
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def finish_request_log(response):
        started = getattr(g, "request_started", None)
        if started is not None:
            response.headers.add("X-Request-ID", g.request_id)  # set here alone
            access.info(
                "request",
                extra={
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    "bytes": response.calculate_content_length(),
                },
            )
        return response

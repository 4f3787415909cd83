"""Structured logs: one JSON line per request, with the request id echoed to the caller."""

import io
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import g
from flask_login import AnonymousUserMixin
from sqlalchemy import event

from app.logs import JsonFormatter
from app.logs import TextFormatter


@contextmanager
def _captured(formatter: logging.Formatter) -> Iterator[io.StringIO]:
    """What the app logs, formatted by `formatter`, request lines included."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.addHandler(handler)
    previous = logging.getLogger("mpx.request").level
    logging.getLogger("mpx.request").setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        logging.getLogger("mpx.request").setLevel(previous)


@pytest.fixture
def json_lines():
    """Capture what the app logs, formatted as production formats it."""
    with _captured(JsonFormatter()) as stream:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]


@pytest.fixture
def text_lines():
    """Capture what the app logs, formatted as a developer's terminal shows it."""
    with _captured(TextFormatter()) as stream:
        yield lambda: stream.getvalue().splitlines()


def test_each_request_is_one_json_line_with_its_id(client, login, make_user, json_lines):
    user = make_user("owner")
    login(user)
    response = client.get("/buildings", headers={"X-Request-ID": "lb-4f2a9c1e77"})
    assert response.headers["X-Request-ID"] == "lb-4f2a9c1e77"
    (line,) = [entry for entry in json_lines() if entry.get("request_id") == "lb-4f2a9c1e77"]
    assert line["message"] == "request" and line["logger"] == "mpx.request"
    assert line["level"] == "info"
    assert line["method"] == "GET" and line["path"] == "/buildings"
    assert line["status"] == 200 and line["user_id"] == user.id
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["ts"].endswith("+00:00")


def test_a_malformed_request_id_is_replaced(client, json_lines):
    response = client.get("/healthz", headers={"X-Request-ID": "bad id; drop table"})
    generated = response.headers["X-Request-ID"]
    assert len(generated) == 32 and " " not in generated
    assert any(entry.get("request_id") == generated for entry in json_lines())


def test_extra_fields_and_exceptions_are_kept():
    record = logging.makeLogRecord(
        {"name": "mpx.test", "levelname": "WARNING", "msg": "disk %s", "args": ("full",)}
    )
    record.upload_dir = "/srv/uploads"
    try:
        raise OSError(28, "No space left on device")
    except OSError:
        record.exc_info = sys.exc_info()
    entry = json.loads(JsonFormatter().format(record))
    assert entry["message"] == "disk full" and entry["level"] == "warning"
    assert entry["upload_dir"] == "/srv/uploads"
    assert "No space left on device" in entry["exception"]
    assert "request_id" not in entry  # outside a request


def test_text_lines_carry_the_same_fields_for_a_terminal():
    record = logging.makeLogRecord({"name": "mpx.request", "levelname": "INFO", "msg": "request"})
    record.status, record.duration_ms = 201, 12.5
    line = TextFormatter().format(record)
    assert "INFO mpx.request: request" in line and line.endswith("status=201 duration_ms=12.5")


def test_control_characters_in_a_request_cannot_forge_a_text_line(client, text_lines):
    client.get("/t/%0AFAKE%20LINE%0D\\x00%1B[31m", headers={"X-Request-ID": "lb-injection-1"})
    lines = [line for line in text_lines() if "lb-injection-1" in line]
    (line,) = [line for line in lines if "mpx.request: request" in line]
    assert "path=/t/\\nFAKE LINE\\r\\\\x00\\x1b[31m" in line
    assert not any(other.startswith("FAKE") for other in text_lines())


def test_formatting_a_line_never_touches_the_database(app, db, make_user):
    """A line may be formatted while the handler's lock is held: loading or refreshing the
    user there would wait on the database while other threads wait on the lock."""
    user = make_user("owner")
    db.session.commit()  # expires the user: reading user.id now would refresh it
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        with app.test_request_context("/buildings"):
            g._login_user = user
            entry = json.loads(JsonFormatter().format(logging.makeLogRecord({"msg": "x"})))
            g._login_user = AnonymousUserMixin()
            anonymous = json.loads(JsonFormatter().format(logging.makeLogRecord({"msg": "y"})))
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert entry["user_id"] == user.id and "user_id" not in anonymous
    assert statements == []


def test_log_timestamps_are_utc_with_milliseconds_as_isoformat_writes_them():
    from app.logs import _timestamp

    # 10^9 s after the epoch is 2001-09-09 01:46:40 UTC.
    assert _timestamp(1_000_000_000.0) == "2001-09-09T01:46:40.000+00:00"
    assert _timestamp(1_000_000_000.1234) == "2001-09-09T01:46:40.123+00:00"
    # Rounded to the microsecond first, as datetime does: 0.9999996 s is the next second.
    assert _timestamp(1_000_000_000.9999996) == "2001-09-09T01:46:41.000+00:00"
    assert _timestamp(0.0) == "1970-01-01T00:00:00.000+00:00"

"""Database outages: requests fail cleanly with 503 and the same app recovers by itself.

Each test brings its own database, whatever MPX_TEST_DB says, since it breaks it on purpose:
a second throwaway PostgreSQL cluster that is stopped and started again under a running
app, and a SQLite file whose folder disappears and comes back.
"""

import logging
import shutil
from contextlib import contextmanager

import pytest

from app import create_app
from app.auth import services as accounts
from app.extensions import db
from passports import services as passport_services
from tests.conftest import BrowserClient
from tests.conftest import _migrate
from tests.pg import pg_bindir
from tests.pg import pg_ctl
from tests.pg import throwaway_cluster

JSON = {"Accept": "application/json"}
OUTAGE_PG_PORT = 5447


def _postgres_installed() -> bool:
    try:
        pg_bindir()
    except RuntimeError:
        return False
    return True


def _build(uri: str, tmp_path):
    """An app on `uri` with one owner, a token, a building and a component; (app, tag, auth)."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=uri, UPLOAD_DIR=str(tmp_path / "up"))
    app.test_client_class = BrowserClient
    with app.app_context():
        passport_services.load_material_library()
        org = accounts.create_organisation("Gemeente Outage", "municipality")
        owner = accounts.create_user("owner@outage.example", "outage password 1", "owner", org)
        _token, clear = accounts.issue_token(owner, "outage")
        building = passport_services.register_building(
            owner,
            {
                "name": "Town hall",
                "address": "Markt 1",
                "city": "Brummen",
                "country": "NL",
                "latitude": 52.09,
                "longitude": 6.15,
                "year_built": 1970,
                "use_type": "civic",
                "status": "in_use",
            },
        )
        component = passport_services.create_component(
            building,
            {"name": "Front door", "category": "door", "quantity": 1.0, "unit": "pcs"},
        )
        db.session.commit()
        tag = component.tag
        db.session.remove()
    return app, tag, {"Authorization": f"Bearer {clear}"}


@contextmanager
def _outage_log():
    """The app.errors records while the block runs (the migrations' logging setup replaces
    the root handlers, and with them pytest's caplog)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logger = logging.getLogger("app.errors")
    logger.addHandler(handler)
    try:
        yield records
    finally:
        logger.removeHandler(handler)


def _dispose(app) -> None:
    with app.app_context():
        db.engine.dispose()


def _dropped_after_answer():
    """A view whose connection the server terminates once the answer is built."""
    from flask import jsonify
    from sqlalchemy import text

    pid = db.session.scalar(text("SELECT pg_backend_pid()"))
    with db.engine.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    return jsonify(answered=True)


def _assert_unavailable(client, tag: str, auth: dict) -> None:
    """The scan as JSON and as HTML, and an API list: all 503 with Retry-After."""
    scan = client.get(f"/t/{tag}", headers=JSON)
    assert scan.status_code == 503, scan.get_data(as_text=True)
    assert int(scan.headers["Retry-After"]) > 0
    assert scan.json["code"] == 503 and scan.json["status"] == "Service Unavailable"
    assert scan.json["errors"] == {}

    api = client.get("/api/v1/buildings", headers=auth)
    assert api.status_code == 503
    assert set(api.json) == {"code", "status", "message", "errors"}
    assert "Retry-After" in api.headers

    page = client.get(f"/t/{tag}")
    assert page.status_code == 503 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert "Back in a moment" in html and "Traceback" not in html
    assert "Retry-After" in page.headers


def _assert_serving(client, tag: str, auth: dict) -> None:
    scan = client.get(f"/t/{tag}", headers=JSON)
    assert scan.status_code == 200, scan.get_data(as_text=True)
    assert scan.json["tag"] == tag
    assert client.get("/api/v1/buildings", headers=auth).status_code == 200
    assert client.get(f"/t/{tag}").status_code == 200


@pytest.mark.skipif(not _postgres_installed(), reason="PostgreSQL server binaries not installed")
def test_postgresql_restart_gives_503_then_recovers_without_restarting_the_app(tmp_path):
    with throwaway_cluster(dbname="mpx_outage", port=OUTAGE_PG_PORT) as url:
        _migrate(url)
        app, tag, auth = _build(url, tmp_path)
        app.add_url_rule("/api/v1/test-dropped-after-answer", view_func=_dropped_after_answer)
        try:
            client = app.test_client()
            _assert_serving(client, tag, auth)  # the pool now holds live connections

            # The server drops the connection after the answer was built: the answer still
            # goes out (not a 500 from the session's teardown) and the next request is fine.
            with _outage_log() as records:
                dropped = client.get("/api/v1/test-dropped-after-answer")
            assert dropped.status_code == 200 and dropped.json == {"answered": True}
            assert any("at the end of a request" in r.getMessage() for r in records)
            _assert_serving(client, tag, auth)

            pg_ctl(url, "stop", mode="fast")
            try:
                with _outage_log() as records:
                    _assert_unavailable(client, tag, auth)
                    # A write is refused the same way and leaves nothing behind.
                    event = client.post(
                        "/api/v1/components/1/events", json={"kind": "note"}, headers=auth
                    )
                    assert event.status_code == 503
            finally:
                pg_ctl(url, "start")
            outage_lines = [r for r in records if "database unavailable" in r.getMessage()]
            assert len(outage_lines) == 4  # one line per failed request, no stack trace
            assert all(r.exc_info is None for r in outage_lines)

            # The same app, the same pool: the dead connections are replaced, no restart.
            _assert_serving(client, tag, auth)
            # A restart while idle costs no request at all: connections are pinged first.
            pg_ctl(url, "restart", mode="fast")
            _assert_serving(client, tag, auth)
        finally:
            _dispose(app)


def test_sqlite_database_gone_gives_503_then_recovers(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    uri = f"sqlite:///{folder / 'passports.sqlite'}"
    _migrate(uri)
    app, tag, auth = _build(uri, tmp_path)
    away = tmp_path / "data-away"
    try:
        client = app.test_client()
        _assert_serving(client, tag, auth)

        # The volume holding the database goes away: open connections would still read the
        # unlinked file, so drop them as a restarted worker would have none.
        folder.rename(away)
        _dispose(app)
        with _outage_log() as records:
            _assert_unavailable(client, tag, auth)
        assert len(records) == 3
        assert all("unable to open database file" in r.getMessage() for r in records)

        away.rename(folder)
        _assert_serving(client, tag, auth)
    finally:
        if away.exists():
            away.rename(folder)
        _dispose(app)
        shutil.rmtree(folder, ignore_errors=True)


def test_only_connection_errors_are_503(app, client):
    """A lost connection or a full pool is a 503; a statement error (a bug) stays a 500."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.exc import ProgrammingError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    raised = {
        "dropped": OperationalError("SELECT 1", {}, Exception("server closed the connection")),
        "pool": PoolTimeout("QueuePool limit of size 5 overflow 10 reached"),
        "bug": ProgrammingError("SELEC 1", {}, Exception("syntax error at or near SELEC")),
    }

    def fail(kind):
        raise raised[kind]

    app.add_url_rule("/api/v1/test-failure/<kind>", "test_failure", fail)
    for kind, status in (("dropped", 503), ("pool", 503), ("bug", 500)):
        response = client.get(f"/api/v1/test-failure/{kind}")
        assert response.status_code == status, kind
        assert set(response.json) == {"code", "status", "message", "errors"}
        assert ("Retry-After" in response.headers) == (status == 503)
        assert "SELEC" not in response.get_data(as_text=True)

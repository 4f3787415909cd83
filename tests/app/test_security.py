"""Security headers, production cookies and the health endpoints."""

import logging

import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db as _db
from app.security import CSP
from passports.untp.signing import write_key
from tests.conftest import PASSWORD


@pytest.mark.parametrize(
    "path", ["/", "/login", "/scan", "/api/v1/materials", "/static/favicon.svg", "/no-such-page"]
)
def test_every_response_carries_the_security_headers(client, path):
    with client.get(path) as response:
        headers = response.headers
    csp = headers["Content-Security-Policy"]
    assert csp == CSP
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in headers  # not HTTPS-only outside production


def test_pages_have_no_inline_scripts_or_styles(client, login, make_user, make_building):
    owner = make_user("owner")
    building = make_building(owner)
    login(owner)
    for path in ("/", "/buildings", f"/buildings/{building.id}", "/exchange", "/scan"):
        html = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert "<script>" not in html, path
        assert " onclick=" not in html and " onload=" not in html, path
        assert " style=" not in html, path


def test_a_view_may_keep_a_stricter_policy(client, login, make_user, make_building, make_component):
    owner = make_user("owner")
    component = make_component(make_building(owner))
    login(owner)
    response = client.get(f"/t/{component.tag}/qr.svg")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] in (CSP, "default-src 'none'")


@pytest.fixture
def production_app(app, monkeypatch, tmp_path):
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    secret = "s" * 48
    monkeypatch.setenv("SECRET_KEY", secret)
    monkeypatch.setenv("DATABASE_URL", uri)
    signing_key = tmp_path / "credential_signing_key.pem"
    write_key(signing_key)
    monkeypatch.setenv("CREDENTIAL_SIGNING_KEY", str(signing_key))
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    production = create_app(
        "production",
        SECRET_KEY=secret,
        SQLALCHEMY_DATABASE_URI=uri,
        UPLOAD_DIR=str(tmp_path / "uploads"),
    )
    with production.app_context():
        yield production
        _db.session.remove()
        _db.engine.dispose()
    root.handlers[:], root.level = handlers, level  # production logging is process-wide


def test_production_cookies_are_secure_httponly_and_samesite(production_app, make_user):
    user = make_user("owner")
    client = production_app.test_client()
    page = client.get("/login", base_url="https://mpx.test")
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token, "remember": "y"},
        base_url="https://mpx.test",
        headers={"Referer": "https://mpx.test/login"},  # CSRF over HTTPS checks the referrer
    )
    assert response.status_code == 302
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember_cookie):
        assert "Secure" in cookie and "HttpOnly" in cookie
    assert "SameSite=Lax" in session_cookie


def test_production_refuses_development_secrets(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "short")
    monkeypatch.setenv("DATABASE_URL", "postgresql://db/mpx")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_healthz_and_readyz_answer_when_all_is_well(client):
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json == {"status": "ok", "checks": {"database": "ok"}}
    assert health.headers["Cache-Control"] == "no-store"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json["status"] == "ready"
    assert ready.json["checks"] == {
        "database": "ok",
        "schema": "ok",
        "uploads": "ok",
        "rate_limit_storage": "ok",
    }


def test_readyz_refuses_traffic_while_migrations_are_pending(client, db):
    (revision,) = db.session.execute(text("SELECT version_num FROM alembic_version")).one()
    db.session.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    db.session.commit()
    try:
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json["checks"]["schema"] == "migrations pending"
        assert client.get("/healthz").status_code == 200
    finally:
        db.session.execute(text("UPDATE alembic_version SET version_num = :rev"), {"rev": revision})
        db.session.commit()


def test_readyz_names_an_unwritable_upload_folder(app, client, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    app.config["UPLOAD_DIR"] = str(blocker / "uploads")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["uploads"] == "not writable"


def test_healthz_says_503_when_the_database_is_gone(tmp_path):
    missing = tmp_path / "no-such-folder" / "db.sqlite"
    broken = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{missing}")
    with broken.app_context():
        response = broken.test_client().get("/healthz")
        assert response.status_code == 503
        assert response.json == {"status": "unavailable", "checks": {"database": "unreachable"}}
        ready = broken.test_client().get("/readyz")
        assert ready.status_code == 503
        assert ready.json["checks"]["schema"] == "unknown"
        _db.engine.dispose()

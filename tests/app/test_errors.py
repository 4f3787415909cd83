"""One error shape under /api, pages elsewhere, and no stack traces for anyone."""

import pytest

from app import create_app
from config import ProductionConfig


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.is_json
    assert set(response.json) == {"code", "status", "message", "errors"}


def test_method_not_allowed_keeps_the_allow_header(client):
    response = client.put("/api/v1/materials")
    assert response.status_code == 405
    assert response.json["code"] == 405
    assert {"GET", "POST"} <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_html_404_is_a_page(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "404" in response.get_data(as_text=True)


def test_unexpected_errors_do_not_leak_a_trace(app, client, caplog):
    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    @app.route("/api/v1/boom")
    def api_boom():
        raise RuntimeError("secret internals")

    page = client.get("/boom")
    assert page.status_code == 500 and "secret internals" not in page.get_data(as_text=True)
    api = client.get("/api/v1/boom")
    assert api.status_code == 500 and api.json["code"] == 500
    assert "secret internals" not in api.get_data(as_text=True)
    assert "Traceback" not in api.get_data(as_text=True)


def test_openapi_and_docs_are_served_without_a_cdn(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    paths = spec.json["paths"]
    for path in (
        "/api/v1/buildings",
        "/api/v1/buildings/{building_id}",
        "/api/v1/buildings/{building_id}/components",
        "/api/v1/components/{component_id}",
        "/api/v1/materials",
        "/api/v1/auth/tokens",
    ):
        assert path in paths
    docs = client.get("/api/docs").get_data(as_text=True)
    assert "http://" not in docs and "https://" not in docs
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    with client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js") as asset:
        assert asset.status_code == 200


def test_pages_reference_no_external_assets(client, login, make_user):
    login(make_user("owner"))
    for url in ("/", "/buildings", "/materials", "/buildings/new"):
        html = client.get(url, follow_redirects=True).get_data(as_text=True)
        for attr in ('src="http', "src='http", 'href="http', "href='http", "//cdn"):
            assert attr not in html, (url, attr)


def test_production_refuses_default_secret_and_database(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app("production")


def test_production_config_sets_secure_cookies():
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.SESSION_COOKIE_HTTPONLY is True


def test_default_database_is_a_sqlite_file_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app("development")
    assert app.config["SQLALCHEMY_DATABASE_URI"] == (
        f"sqlite:///{app.instance_path}/passports.sqlite"
    )


def test_absurd_ids_are_404_not_a_database_error(client, make_user, token_for):
    headers = token_for(make_user("admin"))
    for url in (
        "/api/v1/buildings/99999999999999999999",
        "/api/v1/components/2147483648",
        "/buildings/99999999999999999999",
    ):
        assert client.get(url, headers=headers).status_code == 404, url

"""Request bodies: a small limit everywhere, the large ones only where files are uploaded."""

import io

import pytest

from app.request_limits import BODY_LIMITS
from tests.passports.imports.conftest import multipart

MB = 1024 * 1024


def test_every_endpoint_with_a_larger_body_limit_exists(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert set(BODY_LIMITS) <= endpoints


def test_a_2_mb_body_to_the_login_form_is_413(client):
    response = client.post(
        "/login", data=b"email=" + b"x" * (2 * MB), content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "text/html" in response.content_type


def test_a_2_mb_body_to_the_token_endpoint_is_413_in_the_api_shape(client):
    response = client.post(
        "/api/v1/auth/tokens", json={"email": "a@b.example", "password": "x" * (2 * MB)}
    )
    assert response.status_code == 413
    assert set(response.json) == {"code", "status", "message", "errors"}
    assert response.json["code"] == 413


def test_the_default_limit_is_configurable(app, client):
    app.config["MAX_BODY_BYTES"] = 1000
    response = client.post(
        "/api/v1/auth/tokens", json={"email": "a@b.example", "password": "x" * 2000}
    )
    assert response.status_code == 413


def _padded(model: bytes, size: int) -> bytes:
    """An IFC model padded with a STEP comment to about `size` bytes: still the same model."""
    padding = b"/* " + b"x" * max(0, size - len(model)) + b" */\n"
    return model.replace(b"DATA;\n", b"DATA;\n" + padding, 1)


def test_an_ifc_upload_above_the_default_body_limit_still_works_up_to_its_own(
    app, client, make_user, make_building, token_for, monkeypatch
):
    build_model = pytest.importorskip("tests.passports.imports.test_ifc").build_model
    owner = make_user("owner")
    building = make_building(owner)
    headers = token_for(owner)
    content = _padded(build_model(monkeypatch), int(1.6 * MB))
    assert len(content) > app.config["MAX_BODY_BYTES"]
    app.config["MAX_IFC_BYTES"] = 2 * MB

    def post():
        return client.post(
            f"/api/v1/buildings/{building.id}/imports",
            headers=headers,
            **multipart({"file": (io.BytesIO(content), "model.ifc"), "dry_run": "true"}),
        )

    accepted = post()
    assert accepted.status_code == 200, accepted.get_data(as_text=True)
    assert accepted.json["counts"]["created"] > 0
    # Over its own limit (file limit plus MAX_BODY_BYTES for the form): refused unread.
    app.config["MAX_IFC_BYTES"] = app.config["MAX_SHEET_BYTES"] = 200_000
    refused = post()
    assert refused.status_code == 413
    assert set(refused.json) == {"code", "status", "message", "errors"}

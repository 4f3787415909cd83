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


def _padded_ifc(size: int) -> bytes:
    """A valid IFC model with one wall, padded with a STEP comment to about `size` bytes."""
    api = pytest.importorskip("ifcopenshell.api")
    import ifcopenshell.api.aggregate
    import ifcopenshell.api.project
    import ifcopenshell.api.root
    import ifcopenshell.api.spatial
    import ifcopenshell.api.unit  # noqa: F401

    model = api.project.create_file(version="IFC4")
    project = api.root.create_entity(model, ifc_class="IfcProject", name="Padded")
    api.unit.assign_unit(model)
    site = api.root.create_entity(model, ifc_class="IfcSite", name="Site")
    house = api.root.create_entity(model, ifc_class="IfcBuilding", name="House")
    storey = api.root.create_entity(model, ifc_class="IfcBuildingStorey", name="00 Ground")
    api.aggregate.assign_object(model, relating_object=project, products=[site])
    api.aggregate.assign_object(model, relating_object=site, products=[house])
    api.aggregate.assign_object(model, relating_object=house, products=[storey])
    wall = api.root.create_entity(model, ifc_class="IfcWall", name="Wall")
    api.spatial.assign_container(model, relating_structure=storey, products=[wall])
    text = model.to_string()
    padding = "/* " + "x" * max(0, size - len(text)) + " */\n"
    return text.replace("DATA;\n", "DATA;\n" + padding, 1).encode()


def test_an_ifc_upload_above_the_default_body_limit_still_works_up_to_its_own(
    app, client, make_user, make_building, token_for
):
    owner = make_user("owner")
    building = make_building(owner)
    headers = token_for(owner)
    content = _padded_ifc(int(1.6 * MB))
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
    assert accepted.json["counts"]["created"] == 1
    # Over its own limit (file limit plus MAX_BODY_BYTES for the form): refused unread.
    app.config["MAX_IFC_BYTES"] = app.config["MAX_SHEET_BYTES"] = 200_000
    refused = post()
    assert refused.status_code == 413
    assert set(refused.json) == {"code", "status", "message", "errors"}

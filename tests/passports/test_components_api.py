"""Components through the REST API: tags, derived mass, validation, lifecycle, archive."""

import pytest
from sqlalchemy import func
from sqlalchemy import select

from passports.models import Component
from passports.models import ComponentMaterial
from passports.tags import ALPHABET


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def building(owner, make_building):
    return make_building(owner)


@pytest.fixture
def headers(owner, token_for):
    return token_for(owner)


def rows(db):
    db.session.rollback()
    return (
        db.session.scalar(select(func.count(Component.id))),
        db.session.scalar(select(func.count(ComponentMaterial.id))),
    )


def brick_wall(material_id, **extra):
    body = {
        "name": "Facade brick, north",
        "category": "facade",
        "storey": "00 Ground floor",
        "quantity": 38.0,
        "unit": "m3",
        "condition": 4,
        "connection_type": "lime_mortar",
        "materials": [
            {"material_id": material_id("facing-brick"), "fraction": 0.8},
            {"material_id": material_id("lime-mortar"), "fraction": 0.2},
        ],
        "install_year": 1962,
        "service_life_years": 150,
        "recycled_content": 0.0,
        "reused_content": 0.0,
        "hazards": [],
        "manufacturer": "Petersen Tegl",
    }
    body.update(extra)
    return body


def test_create_component_gets_a_tag_and_a_derived_mass(
    client, db, building, headers, material_id, app
):
    response = client.post(
        f"/api/v1/buildings/{building.id}/components", headers=headers, json=brick_wall(material_id)
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert len(body["tag"]) == 12 and set(body["tag"]) <= set(ALPHABET)
    assert body["tag_url"] == f"{app.config['PUBLIC_BASE_URL']}/t/{body['tag']}"
    assert body["tag_display"].count("-") == 2
    brick = db.session.get(Component, body["id"]).materials[0].material
    mortar = db.session.get(Component, body["id"]).materials[1].material
    expected = 38.0 * (0.8 * brick.density_kg_m3 + 0.2 * mortar.density_kg_m3)
    assert body["mass_kg"] == pytest.approx(expected)
    assert body["mass_source"] == "derived"
    assert "38 m³ ×" in body["mass_derivation"]
    assert sum(m["mass_kg"] for m in body["materials"]) == pytest.approx(expected)
    assert body["status"] == "installed" and body["allowed_next"] == ["to_harvest", "disposed"]
    assert body["condition_label"].startswith("Good")


def test_tags_are_unique(client, building, headers, material_id):
    tags = {
        client.post(
            f"/api/v1/buildings/{building.id}/components",
            headers=headers,
            json=brick_wall(material_id),
        ).json["tag"]
        for _ in range(5)
    }
    assert len(tags) == 5


@pytest.mark.parametrize(
    "change, path",
    [
        ({"quantity": -1.0}, ("quantity",)),
        ({"quantity": 0}, ("quantity",)),
        ({"quantity": "12"}, ("quantity",)),
        ({"unit": "bags"}, ("unit",)),
        ({"colour": "red"}, ("colour",)),
        ({"condition": 6}, ("condition",)),
        ({"condition": "good"}, ("condition",)),
        ({"connection_type": "magic"}, ("connection_type",)),
        ({"gtin": "12345678"}, ("gtin",)),
        ({"ifc_guid": "short"}, ("ifc_guid",)),
        ({"recycled_content": 0.7, "reused_content": 0.5}, ("reused_content",)),
        ({"hazards": [{"kind": "radon"}]}, ("hazards", "0", "kind")),
        ({"materials": [{"material_id": 1, "fraction": 0.5}]}, ("materials",)),
        (
            {
                "materials": [
                    {"material_id": 1, "fraction": 0.5},
                    {"material_id": 2, "fraction": 0.4999},
                ]
            },
            ("materials",),
        ),
        (
            {"materials": [{"material_id": 1, "fraction": 1.0, "extra": 1}]},
            ("materials", "0", "extra"),
        ),
        ({"mass_kg": -5.0}, ("mass_kg",)),
    ],
)
def test_bad_component_input_is_422_and_writes_nothing(
    client, db, building, headers, material_id, change, path
):
    before = rows(db)
    response = client.post(
        f"/api/v1/buildings/{building.id}/components",
        headers=headers,
        json=brick_wall(material_id, **change),
    )
    assert response.status_code == 422, response.json
    errors = (
        response.json["errors"]["json"]
        if "json" in response.json["errors"]
        else response.json["errors"]
    )
    node = errors
    for key in path:
        assert key in node or int(key) in node, (path, errors)
        node = node[key] if key in node else node[int(key)]
    assert rows(db) == before


def test_fractions_within_tolerance_are_accepted(client, building, headers, material_id):
    body = brick_wall(
        material_id,
        materials=[
            {"material_id": material_id("facing-brick"), "fraction": 0.8000004},
            {"material_id": material_id("lime-mortar"), "fraction": 0.1999999},
        ],
    )
    assert (
        client.post(
            f"/api/v1/buildings/{building.id}/components", headers=headers, json=body
        ).status_code
        == 201
    )


def test_status_follows_the_lifecycle(client, db, building, headers, make_component):
    component = make_component(building)
    url = f"/api/v1/components/{component.id}"
    refused = client.patch(url, headers=headers, json={"status": "listed"})
    assert refused.status_code == 409  # the step depends on the stored status
    assert "Allowed next: To harvest, Disposed of." in refused.json["errors"]["status"][0]
    for status in (
        "to_harvest",
        "harvested",
        "in_storage",
        "listed",
        "reserved",
        "transferred",
        "reinstalled",
    ):
        moved = client.patch(url, headers=headers, json={"status": status})
        assert moved.status_code == 200, (status, moved.json)
    assert client.patch(url, headers=headers, json={"status": "disposed"}).status_code == 200
    final = client.patch(url, headers=headers, json={"status": "installed"})
    assert final.status_code == 409 and "final state" in final.json["errors"]["status"][0]
    db.session.rollback()
    assert db.session.get(Component, component.id).status == "disposed"


def test_invalid_transition_in_a_larger_patch_changes_nothing(
    client, db, building, headers, make_component
):
    component = make_component(building, name="Before")
    response = client.patch(
        f"/api/v1/components/{component.id}",
        headers=headers,
        json={"name": "After", "status": "reinstalled"},
    )
    assert response.status_code == 409
    db.session.rollback()
    stored = db.session.get(Component, component.id)
    assert (stored.name, stored.status) == ("Before", "installed")


def test_patch_recomputes_mass_and_keeps_given_mass(
    client, building, headers, make_component, material_id
):
    component = make_component(building, quantity=2.0)
    url = f"/api/v1/components/{component.id}"
    first = client.patch(url, headers=headers, json={"quantity": 4.0}).json
    assert first["mass_kg"] == pytest.approx(2 * component.mass_kg)
    weighed = client.patch(url, headers=headers, json={"mass_kg": 5000.0}).json
    assert weighed["mass_source"] == "given" and weighed["mass_kg"] == 5000.0
    renamed = client.patch(url, headers=headers, json={"name": "Renamed"}).json
    assert renamed["mass_kg"] == 5000.0 and renamed["mass_source"] == "given"
    cleared = client.patch(url, headers=headers, json={"mass_kg": None}).json
    assert cleared["mass_source"] == "derived"


def test_list_components_filters_and_paginates(client, building, headers, make_component):
    for i in range(5):
        make_component(
            building,
            storey="01" if i % 2 else "00",
            category="door" if i == 4 else "external_wall",
            hazards=[{"kind": "asbestos"}] if i == 0 else [],
        )
    url = f"/api/v1/buildings/{building.id}/components"
    assert len(client.get(f"{url}?storey=01", headers=headers).json["items"]) == 2
    assert len(client.get(f"{url}?category=door", headers=headers).json["items"]) == 1
    assert len(client.get(f"{url}?hazardous=true", headers=headers).json["items"]) == 1
    page = client.get(f"{url}?per_page=2&page=3", headers=headers)
    assert len(page.json["items"]) == 1 and page.json["total"] == 5
    assert client.get(f"{url}?status=melted", headers=headers).status_code == 422


def test_archive_hides_a_component_but_keeps_its_tag(client, db, building, headers, make_component):
    component = make_component(building)
    assert client.delete(f"/api/v1/components/{component.id}", headers=headers).status_code == 204
    listed = client.get(f"/api/v1/buildings/{building.id}/components", headers=headers).json[
        "items"
    ]
    assert listed == []
    again = client.get(f"/api/v1/components/{component.id}", headers=headers).json
    assert again["archived"] is True and again["tag"] == component.tag


def test_components_of_an_archived_building_cannot_be_added(client, building, headers, material_id):
    client.delete(f"/api/v1/buildings/{building.id}", headers=headers)
    response = client.post(
        f"/api/v1/buildings/{building.id}/components", headers=headers, json=brick_wall(material_id)
    )
    assert response.status_code == 409


def test_editing_keeps_the_clearance_of_a_hazard_still_listed(
    client, db, building, headers, make_component
):
    component = make_component(building, hazards=[{"kind": "asbestos", "notes": "tiles"}])
    hazard_id = component.hazards[0].id
    cleared = client.post(
        f"/api/v1/components/{component.id}/hazards/{hazard_id}/clearance",
        headers=headers,
        json={"note": "Removal certificate 2026-114"},
    )
    assert cleared.status_code == 201 and cleared.json["cleared_at"]
    edited = client.patch(
        f"/api/v1/components/{component.id}",
        headers=headers,
        json={
            "name": "Renamed",
            "hazards": [{"kind": "asbestos", "notes": "tiles"}, {"kind": "lead", "notes": "paint"}],
        },
    )
    assert edited.status_code == 200
    kinds = {h["kind"]: h["cleared_at"] for h in edited.json["hazards"]}
    assert kinds["asbestos"] is not None and kinds["lead"] is None

"""Buildings through the REST API: create, read, edit, archive, list, the overview summary."""

import pytest
from sqlalchemy import func
from sqlalchemy import select

from passports.models import Building

VALID = {
    "name": "Stadhuis",
    "address": "Markt 1",
    "city": "Brummen",
    "country": "NL",
    "latitude": 52.09,
    "longitude": 6.15,
    "year_built": 2013,
    "gross_floor_area_m2": 3500.0,
    "use_type": "civic",
    "status": "in_use",
}


@pytest.fixture
def owner(make_user):
    return make_user("owner")


def count(db):
    db.session.rollback()
    return db.session.scalar(select(func.count(Building.id)))


def test_owner_creates_reads_edits_and_archives_a_building(client, db, owner, token_for):
    headers = token_for(owner)
    created = client.post("/api/v1/buildings", json=VALID, headers=headers)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["organisation_id"] == owner.organisation_id and body["status"] == "in_use"
    bid = body["id"]
    assert client.get(f"/api/v1/buildings/{bid}", headers=headers).json["name"] == "Stadhuis"
    edited = client.patch(
        f"/api/v1/buildings/{bid}",
        headers=headers,
        json={"status": "demolition_planned", "planned_date": "2027-04-01"},
    )
    assert edited.status_code == 200
    assert edited.json["status"] == "demolition_planned"
    assert edited.json["planned_date"] == "2027-04-01"
    assert edited.json["city"] == "Brummen"
    assert client.delete(f"/api/v1/buildings/{bid}", headers=headers).status_code == 204
    listed = client.get("/api/v1/buildings", headers=headers)
    assert listed.json["items"] == []
    archived = client.get("/api/v1/buildings?archived=true", headers=headers)
    assert [b["id"] for b in archived.json["items"]] == [bid]
    assert archived.json["items"][0]["archived"]


@pytest.mark.parametrize(
    "payload, field",
    [
        ({**VALID, "latitude": 91.0}, "latitude"),
        ({**VALID, "longitude": -180.5}, "longitude"),
        ({**VALID, "latitude": "52.1"}, "latitude"),
        ({**VALID, "colour": "red"}, "colour"),
        ({**VALID, "year_built": 1999.5}, "year_built"),
        ({**VALID, "status": "ruined"}, "status"),
        ({**VALID, "gross_floor_area_m2": 0}, "gross_floor_area_m2"),
        ({**VALID, "country": "Netherlands"}, "country"),
        ({k: v for k, v in VALID.items() if k != "name"}, "name"),
        ({**VALID, "status": "demolition_planned"}, "planned_date"),
    ],
)
def test_bad_building_input_is_422_with_field_messages(
    client, db, owner, token_for, payload, field
):
    before = count(db)
    response = client.post("/api/v1/buildings", json=payload, headers=token_for(owner))
    assert response.status_code == 422
    assert response.json["code"] == 422
    errors = response.json["errors"]
    assert field in errors.get("json", errors), errors
    assert count(db) == before


def test_bad_patch_leaves_the_building_unchanged(client, db, owner, make_building, token_for):
    building = make_building(owner, name="Original")
    response = client.patch(
        f"/api/v1/buildings/{building.id}",
        headers=token_for(owner),
        json={"name": "Changed", "latitude": 120.0, "longitude": 5.0},
    )
    assert response.status_code == 422
    db.session.rollback()
    assert db.session.get(Building, building.id).name == "Original"


def test_list_is_paginated_and_filtered(client, owner, make_building, token_for):
    for i in range(7):
        make_building(owner, name=f"School {i}", city="Aarhus" if i % 2 else "Odense")
    headers = token_for(owner)
    page = client.get("/api/v1/buildings?page=2&per_page=3", headers=headers)
    assert page.status_code == 200 and len(page.json["items"]) == 3
    assert page.json["total"] == 7
    aarhus = client.get("/api/v1/buildings?city=aarhus", headers=headers).json["items"]
    assert {b["name"] for b in aarhus} == {"School 1", "School 3", "School 5"}
    found = client.get("/api/v1/buildings?q=school%204", headers=headers).json["items"]
    assert [b["name"] for b in found] == ["School 4"]


def test_summary_aggregates_status_storeys_families_and_hazards(
    client, owner, make_building, make_component, material_id, token_for
):
    building = make_building(owner)
    make_component(building, storey="00", quantity=10.0)  # 17 t of brick
    make_component(
        building,
        storey="01",
        category="door",
        quantity=4,
        unit="pcs",
        mass_kg=200.0,
        materials=[{"material_id": material_id("sawn-hardwood"), "fraction": 1.0}],
        hazards=[{"kind": "lead", "notes": "paint"}],
    )
    make_component(building, storey="01", name="Unknown mass", quantity=2, unit="pcs", materials=[])
    summary = client.get(f"/api/v1/buildings/{building.id}/summary", headers=token_for(owner)).json
    assert summary["component_count"] == 3
    assert summary["mass_unknown_count"] == 1
    brick_density = 1700.0
    assert summary["total_mass_kg"] == pytest.approx(10 * brick_density + 200)
    families = {row["family"]: row["mass_kg"] for row in summary["mass_by_family"]}
    assert families == pytest.approx({"masonry": 10 * brick_density, "timber": 200.0})
    assert summary["by_status"] == [{"status": "installed", "count": 3}]
    groups = {(g["storey"], g["category"]): g["count"] for g in summary["groups"]}
    assert groups == {("00", "external_wall"): 1, ("01", "door"): 1, ("01", "external_wall"): 1}
    assert summary["hazardous_count"] == 1
    assert summary["hazardous"][0]["kinds"] == ["lead"]


def test_admin_may_register_for_another_organisation(client, make_user, make_org, token_for):
    admin = make_user("admin")
    org = make_org("municipality")
    response = client.post(
        "/api/v1/buildings", headers=token_for(admin), json={**VALID, "organisation_id": org.id}
    )
    assert response.status_code == 201 and response.json["organisation_id"] == org.id


def test_owner_cannot_register_for_another_organisation(client, db, owner, make_org, token_for):
    other = make_org("municipality")
    before = count(db)
    response = client.post(
        "/api/v1/buildings", headers=token_for(owner), json={**VALID, "organisation_id": other.id}
    )
    assert response.status_code == 403
    assert count(db) == before

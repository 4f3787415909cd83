"""A component's lineage (the lots it was split from): imports refuse a cycle, and a cycle
already in the database never holds a worker when the history is read."""

import time

from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from passports.models import Building
from passports.models import Component


def _document(client, headers, building_id):
    response = client.get(f"/api/v1/buildings/{building_id}/passport.json", headers=headers)
    assert response.status_code == 200
    return response.json


def test_an_import_whose_components_are_split_from_each_other_is_refused(
    client, db, make_user, make_building, make_component, token_for
):
    owner = make_user("owner")
    building = make_building(owner)
    for _ in range(3):
        make_component(building)
    headers = token_for(owner)
    doc = _document(client, headers, building.id)
    first, second, third = doc["components"]
    first["split_from_tag"] = second["tag"]
    second["split_from_tag"] = third["tag"]
    third["split_from_tag"] = first["tag"]
    before = db.session.scalar(select(func.count(Component.id)))
    buildings = db.session.scalar(select(func.count(Building.id)))
    response = client.post("/api/v1/passports/import", headers=headers, json=doc)
    assert response.status_code == 422, response.json
    errors = response.json["errors"]
    for i in range(len(doc["components"])):
        messages = " ".join(errors[f"$.components[{i}].split_from_tag"])
        assert all(tag["tag"] in messages for tag in doc["components"]), messages
        assert "circle" in messages
    db.session.rollback()
    assert db.session.scalar(select(func.count(Component.id))) == before
    assert db.session.scalar(select(func.count(Building.id))) == buildings


def test_a_chain_without_a_cycle_is_still_imported(
    client, make_user, make_building, make_component, token_for
):
    owner = make_user("owner")
    building = make_building(owner)
    for _ in range(3):
        make_component(building)
    headers = token_for(owner)
    doc = _document(client, headers, building.id)
    first, second, third = doc["components"]
    first["split_from_tag"] = second["tag"]
    second["split_from_tag"] = third["tag"]
    response = client.post("/api/v1/passports/import", headers=headers, json=doc)
    assert response.status_code == 201, response.json


def test_a_cycle_already_in_the_database_still_lets_the_history_be_read(
    client, db, make_user, make_building, make_component, token_for, login
):
    owner = make_user("owner")
    building = make_building(owner)
    a, b = make_component(building), make_component(building)
    headers = token_for(owner)
    for component in (a, b):
        response = client.post(
            f"/api/v1/components/{component.id}/events",
            headers=headers,
            json={"kind": "note", "notes": f"seen {component.tag}"},
        )
        assert response.status_code == 201, response.json
    db.session.execute(update(Component).where(Component.id == a.id).values(split_from_id=b.id))
    db.session.execute(update(Component).where(Component.id == b.id).values(split_from_id=a.id))
    db.session.commit()

    started = time.monotonic()
    events = client.get(f"/api/v1/components/{a.id}/events", headers=headers)
    assert events.status_code == 200
    body = events.json
    items = body["items"] if isinstance(body, dict) else body
    assert any(e["notes"] == f"seen {a.tag}" for e in items)
    as_json = client.get(f"/t/{b.tag}", headers={**headers, "Accept": "application/json"})
    assert as_json.status_code == 200
    login(owner)
    page = client.get(f"/t/{a.tag}")
    assert page.status_code == 200
    assert f"seen {a.tag}" in page.get_data(as_text=True)
    assert time.monotonic() - started < 30  # a cycle used to never end

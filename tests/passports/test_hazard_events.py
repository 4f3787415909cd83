"""Events that disturb a component (dismantled, transported, stored, reinstalled) wait for the
clearance of its asbestos, PCB or lead: refused with 409 on the API and the page, and not
offered on the page, until the clearance is recorded."""

import pytest
from sqlalchemy import select

from passports import services
from passports.models import Component
from passports.models import ComponentEvent
from tests.conftest import PASSWORD


@pytest.fixture
def site(db, make_user, make_building, make_component):
    owner = make_user("owner")
    contractor = make_user("contractor")
    building = make_building(owner)
    services.grant_access(building, contractor.organisation_id, owner)
    db.session.commit()
    return owner, contractor, building


def _events(db, component_id) -> list[str]:
    db.session.rollback()
    return list(
        db.session.scalars(
            select(ComponentEvent.kind).where(ComponentEvent.component_id == component_id)
        )
    )


def _post(client, component, headers, kind, **fields):
    return client.post(
        f"/api/v1/components/{component.id}/events", headers=headers, json={"kind": kind, **fields}
    )


@pytest.mark.parametrize("hazard", ["asbestos", "pcb", "lead"])
def test_dismantling_an_uncleared_hazard_is_409_naming_it(
    client, db, site, make_component, token_for, hazard
):
    owner, contractor, building = site
    sheet = make_component(
        building, name="Roof sheet", hazards=[{"kind": hazard, "notes": "survey 2024"}]
    )
    headers = token_for(contractor)
    response = _post(client, sheet, headers, "dismantled")
    assert response.status_code == 409, response.json
    body = response.json
    assert body["reason"] == "hazard_not_cleared" and body["hazards"] == [hazard]
    assert (hazard.upper() if hazard == "pcb" else hazard) in body["message"]
    assert "dismantled" not in body["allowed"] and "inspected" in body["allowed"]
    assert _events(db, sheet.id) == []
    assert db.session.get(Component, sheet.id).status == "installed"
    # What does not disturb it is still recorded.
    assert _post(client, sheet, headers, "inspected", condition=3).status_code == 201
    assert _post(client, sheet, headers, "note", notes="Marked off").status_code == 201

    hazard_id = db.session.get(Component, sheet.id).hazards[0].id
    cleared = client.post(
        f"/api/v1/components/{sheet.id}/hazards/{hazard_id}/clearance",
        headers=token_for(owner),
        json={"note": "Removal certificate R-2026-17"},
    )
    assert cleared.status_code == 201
    assert _post(client, sheet, headers, "dismantled").status_code == 201
    assert _events(db, sheet.id) == ["inspected", "note", "dismantled"]


def test_moving_and_storing_wait_for_the_clearance_too(client, db, site, make_component, token_for):
    _owner, contractor, building = site
    panel = make_component(
        building, name="Panel", status="harvested", hazards=[{"kind": "asbestos"}]
    )
    headers = token_for(contractor)
    moved = _post(
        client, panel, headers, "transported", from_location="A", to_location="B", distance_km=3.0
    )
    assert moved.status_code == 409 and moved.json["hazards"] == ["asbestos"]
    stored = _post(client, panel, headers, "stored", location="Depot")
    assert stored.status_code == 409
    assert _events(db, panel.id) == []


def test_a_hazard_of_another_kind_does_not_block(client, db, site, make_component, token_for):
    _owner, contractor, building = site
    door = make_component(building, hazards=[{"kind": "other", "notes": "sharp edges"}])
    assert _post(client, door, token_for(contractor), "dismantled").status_code == 201


def test_the_page_does_not_offer_what_the_hazard_forbids_and_says_why(
    client, db, site, make_component, login, make_user
):
    owner, contractor, building = site
    sheet = make_component(building, name="Roof sheet", hazards=[{"kind": "asbestos"}])
    login(contractor)
    html = client.get(f"/t/{sheet.tag}").get_data(as_text=True)
    assert 'value="inspected"' in html and 'value="dismantled"' not in html
    assert "Until a clearance is recorded, these cannot be recorded here: Dismantled" in html
    assert "owner records the clearance" in html
    body = client.get(f"/t/{sheet.tag}", headers={"Accept": "application/json"}).json
    assert "dismantled" not in body["allowed_events"]

    # A form posted anyway (an old page, a crafted request) is refused and records nothing.
    refused = client.submit(
        f"/t/{sheet.tag}/events", {"kind": "dismantled"}, page=f"/t/{sheet.tag}"
    )
    assert refused.status_code == 409
    assert "contains asbestos, not cleared" in refused.get_data(as_text=True)
    assert _events(db, sheet.id) == []

    as_owner = client.application.test_client()
    as_owner.submit("/login", {"email": owner.email, "password": PASSWORD})
    html = as_owner.get(f"/t/{sheet.tag}").get_data(as_text=True)
    assert f'href="/components/{sheet.id}#hazards">Record a clearance</a>' in html

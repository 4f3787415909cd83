"""Journeys that used to end in a dead end on the passport pages: unknown figures shown as 0,
history times without their zone, a bare "not found" for a building one cannot open, and
counts in broken grammar. Also the API's error messages in the caller's language."""

import re
from datetime import date
from datetime import datetime
from datetime import timedelta

import pytest

from app.models import utcnow
from passports import services
from passports.models import BuildingAccess


@pytest.fixture
def owner(make_user):
    return make_user("owner")


def text_of(html: str) -> str:
    """The page's words without tags, on one line."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def zero_mass(words: str) -> bool:
    """True when the page gives some mass as a plain 0 (not CO2e avoided, a true zero)."""
    return re.search(r"(?<![\d.,])0 (kg|t)(?![A-Za-z])|(?<![\d.,])0 m³", words) is not None


def _no_mass(make_component, building, **overrides):
    """A lot counted in pieces with no volume, materials or mass: its mass cannot be known."""
    return make_component(building, unit="pcs", quantity=3.0, materials=[], **overrides)


# ------------------------------------------------------------------ unknown is not zero
def test_a_building_whose_components_have_no_mass_shows_the_mass_as_unknown(
    client, db, login, owner, make_building, make_component
):
    building = make_building(owner)
    _no_mass(make_component, building, name="Door A")
    _no_mass(make_component, building, name="Door B")
    login(owner)
    page = client.get(f"/buildings/{building.id}").get_data(as_text=True)
    words = text_of(page)
    assert not zero_mass(words)
    assert "unknown" in words
    assert "None of the 2 components has a mass yet." in words
    listing = text_of(client.get(f"/buildings/{building.id}/components").get_data(as_text=True))
    assert not zero_mass(listing) and "unknown" in listing


def test_a_total_says_how_many_components_it_leaves_out(
    client, db, login, owner, make_building, make_component
):
    building = make_building(owner)
    make_component(building, name="Brick wall")  # 10 m³ of brick: a mass
    _no_mass(make_component, building, name="Door A")
    login(owner)
    words = text_of(client.get(f"/buildings/{building.id}").get_data(as_text=True))
    assert "1 component has no mass and is not counted." in words
    _no_mass(make_component, building, name="Door B")
    words = text_of(client.get(f"/buildings/{building.id}").get_data(as_text=True))
    assert "2 components have no mass and are not counted." in words


def test_a_component_without_volume_or_mass_says_so_and_what_to_give(
    client, db, login, owner, make_building, make_component
):
    building = make_building(owner)
    door = _no_mass(make_component, building, name="Door A")
    login(owner)
    words = text_of(client.get(f"/components/{door.id}").get_data(as_text=True))
    assert not zero_mass(words)
    assert "Volume unknown" in words and "Mass unknown" in words
    assert "Give a mass, or a volume and the materials, to know it." in words
    document = text_of(client.get(f"/buildings/{building.id}/passport").get_data(as_text=True))
    assert not zero_mass(document) and "unknown" in document


def test_an_empty_building_weighs_a_true_zero(client, db, login, owner, make_building):
    building = make_building(owner)
    login(owner)
    words = text_of(client.get(f"/buildings/{building.id}").get_data(as_text=True))
    assert "0 kg total mass" in words and "unknown" not in words


# ------------------------------------------------------------------ times with their zone
def _event_at(component, user, moment: datetime):
    event, _names = services.record_event(component, user, {"kind": "note", "occurred_at": moment})
    return event


def test_history_times_are_in_the_users_time_zone_with_the_zone(
    client, db, login, owner, make_building, make_component
):
    building = make_building(owner)
    wall = make_component(building)
    _event_at(wall, owner, datetime(2026, 12, 7, 13, 5))
    owner.timezone = "Europe/Amsterdam"
    owner.locale = "de"
    db.session.commit()
    login(owner)
    words = text_of(client.get(f"/components/{wall.id}").get_data(as_text=True))
    assert "07.12.2026, 14:05 MEZ" in words


def test_history_times_fall_back_to_the_instance_zone(
    app, client, db, login, owner, make_building, make_component
):
    building = make_building(owner)
    wall = make_component(building)
    _event_at(wall, owner, datetime(2026, 12, 7, 13, 5))
    db.session.commit()
    login(owner)
    words = text_of(client.get(f"/components/{wall.id}").get_data(as_text=True))
    zone = app.config["BABEL_DEFAULT_TIMEZONE"]
    assert zone == "UTC" and "1:05 PM UTC" in words


def test_passport_versions_show_when_they_were_frozen_with_the_zone(
    client, db, login, owner, make_building, make_component
):
    building = make_building(owner)
    make_component(building)
    owner.timezone = "Asia/Tokyo"
    db.session.commit()
    login(owner)
    client.submit(f"/buildings/{building.id}/versions", {"label": "As built", "note": ""})
    words = text_of(client.get(f"/buildings/{building.id}/versions").get_data(as_text=True))
    assert re.search(r"\d{1,2}:\d{2} (AM|PM) JST", words) or "+0900" in words


# ------------------------------------------------------------------ a building one cannot open
PLAIN = "There is no building at this address that you can open."
OTHERS = "This building belongs to another organisation"


def test_a_building_of_another_organisation_reads_as_missing_when_its_existence_is_private(
    client, db, login, owner, make_user, make_building
):
    private = make_building(owner)
    stranger = make_user("owner")
    login(stranger)
    hidden = client.get(f"/buildings/{private.id}")
    missing = client.get("/buildings/999999")
    assert hidden.status_code == missing.status_code == 404
    hidden_words, missing_words = (
        text_of(
            re.search(r'<section class="error-page">.*?</section>', r.get_data(as_text=True), re.S)[
                0
            ]
        )
        for r in (hidden, missing)
    )
    assert PLAIN in hidden_words and OTHERS not in hidden_words
    assert hidden_words == missing_words  # nothing tells one from the other
    assert "check your spelling" not in hidden_words
    html = hidden.get_data(as_text=True)
    assert 'href="/buildings"' in html and 'href="/exchange' in html


def test_a_contractor_whose_access_ended_is_told_whose_building_it_is(
    client, db, login, owner, make_user, make_building
):
    building = make_building(owner)
    contractor = make_user("contractor")
    grant = services.grant_access(building, contractor.organisation_id, owner)
    db.session.commit()
    grant.revoked_at = utcnow() - timedelta(days=1)
    db.session.commit()
    login(contractor)
    response = client.get(f"/buildings/{building.id}")
    words = text_of(response.get_data(as_text=True))
    assert response.status_code == 404
    assert OTHERS in words and "access to its passport ended on" in words
    assert 'href="/buildings"' in response.get_data(as_text=True)


def test_a_building_whose_components_are_on_the_exchange_is_known(
    client, db, login, owner, make_user, make_building, make_component
):
    building = make_building(owner)
    wall = make_component(building)
    wall.status = "listed"
    db.session.commit()
    buyer = make_user("owner")
    login(buyer)
    response = client.get(f"/buildings/{building.id}")
    assert response.status_code == 404
    assert OTHERS in text_of(response.get_data(as_text=True))
    component = client.get(f"/components/{wall.id}")
    assert component.status_code == 404 and OTHERS in text_of(component.get_data(as_text=True))


def test_an_expired_grant_counts_as_known_and_the_api_stays_json(
    client, db, owner, make_user, make_building, token_for
):
    building = make_building(owner)
    contractor = make_user("contractor")
    db.session.add(
        BuildingAccess(
            building=building,
            organisation_id=contractor.organisation_id,
            granted_by=owner,
            expires_on=date.today() - timedelta(days=3),
        )
    )
    db.session.commit()
    response = client.get(f"/api/v1/buildings/{building.id}", headers=token_for(contractor))
    assert response.status_code == 404
    assert response.json["code"] == 404 and OTHERS in response.json["message"]
    stranger = make_user("owner")
    plain = client.get(f"/api/v1/buildings/{building.id}", headers=token_for(stranger))
    assert plain.status_code == 404 and PLAIN in plain.json["message"]


# ------------------------------------------------------------------ grammar in counts
def test_counts_and_event_kinds_read_as_sentences(
    client, db, login, owner, make_building, make_component, token_for
):
    building = make_building(owner)
    wall = make_component(building)
    login(owner)
    words = text_of(client.get(f"/buildings/{building.id}").get_data(as_text=True))
    assert "1 component " in words and "1 components" not in words
    headers = token_for(owner)
    missing = client.post(
        f"/api/v1/components/{wall.id}/events", json={"kind": "inspected"}, headers=headers
    )
    assert missing.status_code == 422
    assert missing.json["errors"]["condition"] == ["Required for an inspected event."]
    refused = client.post(
        f"/api/v1/components/{wall.id}/events", json={"kind": "reinstalled"}, headers=headers
    )
    assert refused.status_code == 409
    assert refused.json["message"].startswith(
        "A component that is “Installed” cannot be reinstalled. Allowed now: "
    )
    assert " a reinstalled" not in refused.json["message"]


# ------------------------------------------------------------------ API errors in German
def test_api_errors_follow_accept_language(
    client, db, owner, make_building, make_component, token_for
):
    building = make_building(owner)
    wall = make_component(building)
    headers = {**token_for(owner), "Accept-Language": "de"}
    refused = client.post(
        f"/api/v1/components/{wall.id}/events", json={"kind": "reinstalled"}, headers=headers
    )
    assert refused.status_code == 409
    assert refused.json["message"].startswith(
        "Ein Bauteil im Status „Eingebaut“ kann nicht wieder eingebaut werden."
    )
    assert refused.json["allowed"]  # the codes stay English
    invalid = client.patch(
        f"/api/v1/buildings/{building.id}",
        json={"status": "demolition_planned"},
        headers=headers,
    )
    assert invalid.status_code == 409
    assert invalid.json["errors"]["planned_date"] == [
        "Ein geplanter Status braucht ein geplantes Datum."
    ]
    missing = client.post(
        f"/api/v1/components/{wall.id}/events", json={"kind": "inspected"}, headers=headers
    )
    assert missing.status_code == 422
    assert missing.json["errors"]["condition"] == ["Pflichtangabe für eine Inspektion."]

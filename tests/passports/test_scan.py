"""The tag URL `/t/<tag>`: safe facts for everyone, the passport for users with access,
JSON for programs, GS1 Digital Link forms, a friendly 404, and recording from the page."""

import re

import pytest

from passports import services
from passports.models import Component
from passports.tags import format_tag


@pytest.fixture
def site(make_user, make_building, make_component, db, material_id):
    owner = make_user("owner")
    building = make_building(owner, city="Zutphen")
    component = make_component(
        building,
        name="Oak door",
        category="door",
        quantity=2,
        unit="pcs",
        mass_kg=80.0,
        connection_type="screwed",
        gtin="6291041500213",
        serial_number="D-17",
        description="Lift off the hinges.",
        materials=[{"material_id": material_id("sawn-hardwood"), "fraction": 1.0}],
        hazards=[{"kind": "lead", "notes": "lead paint on frame"}],
    )
    contractor = make_user("contractor")
    services.grant_access(building, contractor.organisation_id, owner)
    db.session.commit()
    return owner, contractor, building, component


def test_anonymous_visitors_see_only_safe_facts(client, site):
    _owner, _contractor, _building, component = site
    html = client.get(f"/t/{component.tag}").get_data(as_text=True)
    assert "Oak door" in html and "Timber" in html and "Zutphen" in html and "Installed" in html
    assert "Log in to see the passport" in html
    for private in ("lead paint", "Lift off the hinges", "Screwed", "80 kg"):
        assert private not in html, private


def test_anyone_who_scans_is_warned_of_hazards_without_their_notes(
    client, db, site, token_for, login, make_user
):
    owner, _contractor, _building, component = site
    html = client.get(f"/t/{component.tag}").get_data(as_text=True)
    assert "Hazardous: Lead" in html and "Lead</strong>: not cleared" in html
    assert "lead paint" not in html
    body = client.get(f"/t/{component.tag}", headers={"Accept": "application/json"}).json
    assert body["hazards"] == [{"kind": "lead", "cleared": False}]
    assert "lead paint" not in str(body)
    hazard = component.hazards[0]
    cleared = client.post(
        f"/api/v1/components/{component.id}/hazards/{hazard.id}/clearance",
        headers=token_for(owner),
        json={"note": "Paint stripped, certificate 2026-114"},
    )
    assert cleared.status_code == 201, cleared.json
    login(make_user("buyer"))  # signed in, but no access to the building
    html = client.get(f"/t/{component.tag}").get_data(as_text=True)
    assert "Lead</strong>: cleared" in html and "Hazardous" not in html
    assert "certificate 2026-114" not in html and "lead paint" not in html
    body = client.get(f"/t/{component.tag}", headers={"Accept": "application/json"}).json
    assert body["access"] == "public"
    assert body["hazards"] == [{"kind": "lead", "cleared": True}]
    assert "certificate" not in str(body) and "lead paint" not in str(body)


def test_anonymous_json_is_the_public_subset(client, site, app):
    component = site[3]
    body = client.get(f"/t/{component.tag}", headers={"Accept": "application/json"}).json
    assert body["access"] == "public"
    assert body["tag_url"] == f"{app.config['PUBLIC_BASE_URL']}/t/{component.tag}"
    assert {k: body[k] for k in ("name", "material_family", "city", "status")} == {
        "name": "Oak door",
        "material_family": "timber",
        "city": "Zutphen",
        "status": "installed",
    }
    assert "component" not in body and "events" not in body and "login_url" in body


def test_contractor_with_access_sees_the_passport(client, site, login):
    _owner, contractor, _building, component = site
    login(contractor)
    html = client.get(f"/t/{component.tag}").get_data(as_text=True)
    for text in (
        "Hazardous: Lead",
        "lead paint on frame",
        "Screwed",
        "Unscrew",
        "Lift off the hinges",
        "Sawn hardwood",
        "Record what happened",
        "History",
        'name="kind"',
        'capture="environment"',
    ):
        assert text in html, text


def test_json_with_access_carries_the_passport_and_next_steps(client, site, token_for):
    _owner, contractor, _building, component = site
    body = client.get(
        f"/t/{component.tag}", headers={**token_for(contractor), "Accept": "application/json"}
    ).json
    assert body["access"] == "full"
    [hazard] = body["component"]["hazards"]
    assert (hazard["kind"], hazard["notes"], hazard["cleared_at"]) == (
        "lead",
        "lead paint on frame",
        None,
    )
    # Lead not cleared: nothing that disturbs the component is offered.
    assert body["allowed_events"] == ["note", "inspected", "disposed"]
    assert body["events"] == []


def test_users_without_access_see_the_public_page(client, site, login, make_user):
    component = site[3]
    login(make_user("buyer"))
    html = client.get(f"/t/{component.tag}").get_data(as_text=True)
    assert "no access" in html and "lead paint" not in html


@pytest.mark.parametrize("variant", [str.lower, format_tag, lambda t: format_tag(t).lower()])
def test_tags_are_case_insensitive(client, site, variant):
    component = site[3]
    response = client.get(f"/t/{variant(component.tag)}", headers={"Accept": "application/json"})
    assert response.status_code == 200 and response.json["tag"] == component.tag


@pytest.mark.parametrize("raw", ["ZZZZZZZZZZZZ", "short", "!!!!", "a" * 300, "%00"])
def test_unknown_or_malformed_tags_get_a_friendly_404(client, site, raw):
    page = client.get(f"/t/{raw}")
    assert page.status_code == 404
    html = page.get_data(as_text=True)
    assert "could not find that tag" in html and 'name="tag"' in html
    api = client.get(f"/t/{raw}", headers={"Accept": "application/json"})
    assert api.status_code == 404 and api.json["code"] == 404


def test_typed_tag_lookup(client, site):
    component = site[3]
    response = client.get(f"/t?tag={format_tag(component.tag).lower()}")
    assert response.status_code == 302 and response.headers["Location"].endswith(component.tag)
    assert client.get("/t?tag=nothing").status_code == 404


def test_gs1_digital_link_forms_resolve(client, site, app):
    component = site[3]
    gtin = client.get("/01/06291041500213/21/D-17")
    assert gtin.status_code == 307 and gtin.headers["Location"].endswith(f"/t/{component.tag}")
    prefix = app.config["GS1_COMPANY_PREFIX"]
    giai = client.get(f"/8004/{prefix}{component.tag}")
    assert giai.status_code == 307 and giai.headers["Location"].endswith(f"/t/{component.tag}")
    assert client.get("/01/06291041500213/21/NOPE").status_code == 404
    assert client.get(f"/8004/999{component.tag}").status_code == 404
    assert client.get("/01/abc/21/x").status_code == 400  # not a GS1 Digital Link URI


def test_recording_from_the_scan_page(client, db, site, login):
    owner, contractor, _building, component = site
    services.clear_hazard(component.hazards[0], owner, "Paint stripped, certificate 2026-114")
    db.session.commit()
    login(contractor)
    page = f"/t/{component.tag}"
    bad = client.submit(
        f"/t/{component.tag}/events", {"kind": "transported", "from_location": "Site"}, page=page
    )
    assert bad.status_code == 422
    assert "Required for a transported event." in bad.get_data(as_text=True)
    ok = client.submit(
        f"/t/{component.tag}/events", {"kind": "dismantled", "notes": "crew 2"}, page=page
    )
    assert ok.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "Dismantled" in html and "crew 2" in html and "Installed → Harvested" in html
    refused = client.submit(f"/t/{component.tag}/events", {"kind": "dismantled"}, page=page)
    assert refused.status_code == 409
    assert "cannot be dismantled" in refused.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Component, component.id).status == "harvested"


def test_anonymous_post_is_sent_to_login_and_writes_nothing(client, site, db):
    component = site[3]
    page = client.get(f"/t/{component.tag}").get_data(as_text=True)
    token = (
        page.split('name="csrf_token" value="')[1].split('"')[0]
        if "csrf_token" in page
        else client.get("/login")
        .get_data(as_text=True)
        .split('name="csrf_token" value="')[1]
        .split('"')[0]
    )
    response = client.post(f"/t/{component.tag}/events", data={"kind": "note", "csrf_token": token})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    db.session.rollback()
    assert db.session.get(Component, component.id).status == "installed"


def test_the_event_form_shows_every_field_it_may_require_without_a_script(client, site, login):
    """No hidden required field: the kind comes first (nothing chosen for the user), and each
    kind's fields stand under its name, marked required, visible without JavaScript."""
    _owner, contractor, _building, component = site
    login(contractor)
    html = client.get(f"/t/{component.tag}").get_data(as_text=True)
    start = html.rindex("<form", 0, html.index('id="event-form"'))
    form = html[start : html.index("</form>", start)]
    assert form.index('id="kind"') < form.index("<fieldset")
    assert re.search(r'<select id="kind" name="kind" required[^>]*>\s*<option value="">', form)
    assert "Fields marked * are required." in form
    assert " hidden" not in form  # a script hides the fields of other kinds, not the page
    # Lead not cleared: inspected and disposed are offered, each with its required field.
    for kind, name, legend in (
        ("inspected", "condition", "Inspected"),
        ("disposed", "disposal_route", "Disposed of"),
    ):
        group = re.search(
            rf'<fieldset class="kind-fields" data-kinds="{kind}">(.*?)</fieldset>', form, re.S
        )
        assert group, kind
        assert f"<legend>{legend}</legend>" in group.group(1)
        assert re.search(
            rf'<label for="{name}">[^<]+<span class="req" aria-hidden="true">\*</span>',
            group.group(1),
        )
        assert re.search(rf'id="{name}" name="{name}" required', group.group(1))
    assert 'data-kinds="transported"' not in form  # not allowed now: not shown


def test_a_refused_form_says_so_at_the_form_and_focuses_the_first_field_in_error(
    client, db, site, login
):
    owner, contractor, _building, component = site
    login(contractor)
    page = f"/t/{component.tag}"
    response = client.submit(f"{page}/events", {"kind": "inspected"}, page=page)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = re.search(
        r'<div class="flash flash-error form-message" role="alert"[^>]*>(.*?)</div>', html, re.S
    )
    assert summary and "The event was not recorded" in summary.group(1)
    assert re.search(
        r'<select id="condition" name="condition" required aria-invalid="true" '
        r'aria-describedby="condition-error" autofocus>',
        html,
    )
    assert html.count("autofocus") == 1
    assert '<p class="field-error" id="condition-error">' in html
    # A refusal of the event itself (not of a field) is said in the same place, which takes the
    # focus.
    response = client.submit(f"{page}/events", {"kind": "dismantled"}, page=page)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    summary = re.search(r'role="alert" id="event-errors" tabindex="-1" autofocus>([^<]*)<', html)
    assert summary and "contains lead, not cleared" in summary.group(1)
    assert html.count("autofocus") == 1

"""The listing rules give one answer on the pages and through the API: the default CPV code,
the hazards that block publishing, a component offered in one open listing only, the pickup
default, what may be edited, and a publish that tells saved searches and emails them once the
publish is committed."""

import html
import re
from datetime import date
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from marketplace.models import Listing
from marketplace.models import Notification
from marketplace.models import SavedSearch
from passports.models import Component


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


def form(**fields) -> dict:
    """The listing form as a browser sends it, blank where not given."""
    blank = [
        "description",
        "cpv_code",
        "condition",
        "price_eur",
        "available_from",
        "available_until",
        "pickup_address",
        "pickup_latitude",
        "pickup_longitude",
        "evidence",
    ]
    return {**dict.fromkeys(blank, ""), "title": "Oak doors", "price_basis": "free", **fields}


def api_create(client, headers, building_id, **body):
    body = {"title": "Oak doors", "price_basis": "free", **body}
    return client.post(f"/api/v1/buildings/{building_id}/listings", headers=headers, json=body)


def text_of(response) -> str:
    """A page's text with its HTML entities decoded, for comparing messages."""
    return html.unescape(response.get_data(as_text=True))


def fresh(listing_id: int) -> Listing:
    """The listing as stored, read past the test's session."""
    db.session.rollback()
    return db.session.get(Listing, listing_id)


def created_on_the_page(response) -> Listing:
    """The listing a form submission created, from where it redirected."""
    assert response.status_code == 303, text_of(response)
    return fresh(int(re.search(r"/exchange/listings/(\d+)$", response.headers["Location"])[1]))


# ------------------------------------------------------------------ the default CPV code
def test_the_default_cpv_code_is_that_of_the_main_material_on_the_page_and_the_api(
    client, login, owner, token_for, make_lot, material_id
):
    steel_mostly = [
        {"material_id": material_id("structural-steel-section"), "fraction": 0.6},
        {"material_id": material_id("sawn-hardwood"), "fraction": 0.4},
    ]
    page_building, page_parts = make_lot(owner, materials=steel_mostly)
    api_building, api_parts = make_lot(owner, materials=steel_mostly)
    login(owner)
    new = f"/buildings/{page_building.id}/listings/new"
    assert "<code>44212520-0</code>" in text_of(client.get(new))  # shown next to the component
    on_page = created_on_the_page(
        client.submit(new, {**form(), "component_ids": [str(page_parts[0].id)]})
    )
    through_api = api_create(
        client, token_for(owner), api_building.id, component_ids=[api_parts[0].id]
    )
    assert through_api.status_code == 201, through_api.json
    assert on_page.cpv_code == through_api.json["cpv_code"] == "44212520-0"


# ------------------------------------------------------------------ hazards
def test_the_same_hazards_block_publishing_on_the_page_and_the_api(
    client, db, login, owner, token_for, make_lot
):
    building, (asbestos, lead) = make_lot(
        owner,
        count=2,
        hazards=[{"kind": "asbestos", "notes": "Adhesive"}, {"kind": "other", "notes": "Dust"}],
    )
    lead_hazard = db.session.get(Component, lead.id).hazards[0]
    headers = token_for(owner)
    cleared = client.post(
        f"/api/v1/components/{lead.id}/hazards/{lead_hazard.id}/clearance",
        headers=headers,
        json={"note": "Removal certificate R-17"},
    )
    assert cleared.status_code == 201, cleared.json
    login(owner)
    new = text_of(client.get(f"/buildings/{building.id}/listings/new"))
    badges = re.findall(r'class="badge hazard"[^>]*>⚠ (\w+)<', new)  # the candidates' badges
    assert badges == ["Asbestos"]
    listing_id = api_create(
        client, headers, building.id, component_ids=[asbestos.id, lead.id]
    ).json["id"]
    here = f"/exchange/listings/{listing_id}"
    blocking = text_of(client.get(here)).split('id="blocking-hazards"')[1].split("</section>")[0]
    assert blocking.count("Record clearance") == 1 and "Asbestos" in blocking
    assert "Dust" not in blocking and "Removal certificate" not in blocking
    api = client.post(f"/api/v1/listings/{listing_id}/publish", headers=headers)
    page = client.submit(f"{here}/publish", page=here)
    assert api.status_code == page.status_code == 409
    hazard = f"{asbestos.name} ({asbestos.tag}): asbestos"  # the kind's code, for programs
    expected = f"Clear these hazards before publishing: {asbestos.name} ({asbestos.tag}): Asbestos."
    assert api.json["message"] == expected and api.json["hazards"] == [hazard]
    assert expected in text_of(page)
    assert fresh(listing_id).status == "draft"


# ------------------------------------------------------------------ already offered
def test_a_component_in_an_open_listing_is_not_offered_again_on_the_page_or_the_api(
    client, login, owner, token_for, make_lot
):
    building, (door,) = make_lot(owner)
    headers = token_for(owner)
    first = api_create(client, headers, building.id, component_ids=[door.id]).json["id"]
    login(owner)
    new = f"/buildings/{building.id}/listings/new"
    assert f'id="component-{door.id}"' not in text_of(client.get(new))
    # Its own listing still offers it when edited.
    assert f'id="component-{door.id}"' in text_of(client.get(f"/exchange/listings/{first}/edit"))
    page = client.submit(new, {**form(), "component_ids": [str(door.id)]})
    api = api_create(client, headers, building.id, component_ids=[door.id])
    # The page shows it on the form; the API names the conflict with what is stored.
    assert (page.status_code, api.status_code) == (422, 409)
    message = f"Already offered in another listing: {door.id}."
    assert api.json["errors"]["component_ids"] == [message] and message in text_of(page)
    # Withdrawn, the listing lets its component go.
    assert client.post(f"/api/v1/listings/{first}/withdraw", headers=headers).status_code == 200
    assert f'id="component-{door.id}"' in text_of(client.get(new))
    assert api_create(client, headers, building.id, component_ids=[door.id]).status_code == 201


# ------------------------------------------------------------------ defaults
def test_pickup_defaults_to_the_building_on_the_page_and_the_api(
    client, login, owner, token_for, make_building, make_lot
):
    building = make_building(owner, address="Kerkstraat 3", city="Zutphen", latitude=52.14)
    _b, (page_part, api_part) = make_lot(owner, count=2, building=building)
    login(owner)
    new = f"/buildings/{building.id}/listings/new"
    prefilled = text_of(client.get(new))
    assert 'value="Kerkstraat 3, Zutphen"' in prefilled and 'value="52.14"' in prefilled
    on_page = created_on_the_page(
        client.submit(new, {**form(), "component_ids": [str(page_part.id)]})
    )
    api = api_create(client, token_for(owner), building.id, component_ids=[api_part.id]).json
    expected = ("Kerkstraat 3, Zutphen", 52.14, 6.15)
    assert (on_page.pickup_address, on_page.pickup_latitude, on_page.pickup_longitude) == expected
    assert (api["pickup_address"], api["pickup_latitude"], api["pickup_longitude"]) == expected


def test_harvested_stock_of_a_building_due_for_demolition_is_available_now_on_both(
    client, login, owner, token_for, make_building, make_lot
):
    """The form used to fill in the planned date for any lot of such a building; the API
    only for future stock. Harvested components are available now, through either."""
    planned = date.today() + timedelta(days=60)
    building = make_building(owner, status="demolition_planned", planned_date=planned)
    _b, (page_part, api_part) = make_lot(owner, count=2, building=building)
    login(owner)
    new = f"/buildings/{building.id}/listings/new"
    assert f'value="{planned.isoformat()}"' not in text_of(client.get(new))
    on_page = created_on_the_page(
        client.submit(new, {**form(), "component_ids": [str(page_part.id)]})
    )
    api = api_create(client, token_for(owner), building.id, component_ids=[api_part.id]).json
    assert on_page.available_from is None and api["available_from"] is None
    assert not on_page.future_stock and not api["future_stock"]


# ------------------------------------------------------------------ the edit guard
@pytest.fixture
def closed_listing(client, owner, buyer, make_listing, token_for):
    """A listing that can no longer be edited: withdrawn, or sold out."""

    def close(how: str) -> Listing:
        listing = make_listing(owner, quantity=4.0)
        if how == "withdrawn":
            url = f"/api/v1/listings/{listing.id}/withdraw"
            assert client.post(url, headers=token_for(owner)).status_code == 200
        else:
            url = f"/api/v1/listings/{listing.id}/reservations"
            response = client.post(url, headers=token_for(buyer), json={"quantity": 4.0})
            assert response.status_code == 201, response.json
        return listing

    return close


@pytest.mark.parametrize("status", ["withdrawn", "sold_out"])
def test_a_closed_listing_cannot_be_edited_on_the_page_or_the_api(
    client, login, owner, token_for, closed_listing, status
):
    listing = closed_listing(status)
    word = {"withdrawn": "Withdrawn", "sold_out": "Sold out"}[status]
    message = f"This listing can no longer be edited (status: {word})."
    api = client.patch(
        f"/api/v1/listings/{listing.id}", headers=token_for(owner), json={"title": "New"}
    )
    assert api.status_code == 409 and api.json["message"] == message
    login(owner)
    edit = f"/exchange/listings/{listing.id}/edit"
    page = client.get(edit)
    assert page.status_code == 409 and message in text_of(page)
    detail = text_of(client.get(f"/exchange/listings/{listing.id}"))
    assert f'href="{edit}"' not in detail  # no Edit button for it
    assert fresh(listing.id).title == "Reclaimed oak doors"


def test_the_components_of_a_published_listing_do_not_change_on_the_page_or_the_api(
    client, login, owner, token_for, make_listing, make_lot
):
    """The form used to drop components sent for a published listing and save the rest;
    the API refused. Both refuse now, and change nothing."""
    building, (door, spare) = make_lot(owner, count=2)
    listing = make_listing(owner, lot=(building, [door]))
    message = "The components of a published listing cannot change."
    api = client.patch(
        f"/api/v1/listings/{listing.id}",
        headers=token_for(owner),
        json={"title": "New", "component_ids": [spare.id]},
    )
    assert api.status_code == 409 and api.json["message"] == message
    login(owner)
    edit = f"/exchange/listings/{listing.id}/edit"
    assert 'name="component_ids"' not in text_of(client.get(edit))
    page = client.submit(edit, {**form(title="New"), "component_ids": [str(spare.id)]})
    assert page.status_code == 409 and message in text_of(page)
    stored = fresh(listing.id)
    assert stored.title == "Reclaimed oak doors"
    assert [item.component_id for item in stored.items] == [door.id]
    assert client.submit(edit, form(title="New")).status_code == 303  # the rest still edits


def test_a_drafts_components_change_on_the_page_and_the_api(
    client, login, owner, token_for, make_lot
):
    """Keeping a component while adding another used to fail with a server error (the old
    link row was inserted again before the old one was deleted)."""
    building, (first, second, third) = make_lot(owner, count=3, quantity=2.0)
    headers = token_for(owner)
    listing_id = api_create(client, headers, building.id, component_ids=[first.id]).json["id"]
    api = client.patch(
        f"/api/v1/listings/{listing_id}",
        headers=headers,
        json={"component_ids": [first.id, second.id]},
    )
    assert api.status_code == 200, api.json
    assert api.json["quantity"] == 4
    login(owner)
    edit = f"/exchange/listings/{listing_id}/edit"
    page = client.submit(edit, {**form(), "component_ids": [str(second.id), str(third.id)]})
    assert page.status_code == 303, text_of(page)
    stored = fresh(listing_id)
    assert sorted(i.component_id for i in stored.items) == [second.id, third.id]
    assert stored.quantity == 4


def test_a_draft_takes_installed_components_only_as_future_stock_on_the_page_and_the_api(
    client, login, owner, token_for, make_lot, make_component
):
    """Creating a listing refused installed components of a building in use, but editing a
    draft's components took them; both refuse now."""
    building, (door,) = make_lot(owner)
    installed = make_component(building, name="Door still in its frame", unit="pcs")
    headers = token_for(owner)
    listing_id = api_create(client, headers, building.id, component_ids=[door.id]).json["id"]
    api = client.patch(
        f"/api/v1/listings/{listing_id}",
        headers=headers,
        json={"component_ids": [door.id, installed.id]},
    )
    assert api.status_code == 409, api.json
    assert "future stock" in str(api.json["errors"]["component_ids"])
    login(owner)
    edit = f"/exchange/listings/{listing_id}/edit"
    assert f'id="component-{installed.id}"' not in text_of(client.get(edit))
    page = client.submit(edit, {**form(), "component_ids": [str(door.id), str(installed.id)]})
    assert page.status_code == 422 and "future stock" in text_of(page)
    assert [item.component_id for item in fresh(listing_id).items] == [door.id]


# ------------------------------------------------------------------ publish, then tell
def test_publishing_on_the_page_tells_saved_searches_and_emails_after_the_commit(
    app,
    client,
    login,
    owner,
    buyer,
    make_listing,
    smtp_server,  # noqa: F811
):
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp_server.port, MAIL_SENDER="exchange@mpx.test"
    )
    db.session.add(SavedSearch(user_id=buyer.id, name="Doors", params={"q": "doors"}))
    db.session.commit()
    listing = make_listing(owner, publish=False)
    login(owner)
    here = f"/exchange/listings/{listing.id}"
    assert client.submit(f"{here}/publish", page=here).status_code == 303
    assert [m.rcpt_tos for m in smtp_server.messages] == [[buyer.email]]
    db.session.rollback()
    note = db.session.scalar(select(Notification).where(Notification.user_id == buyer.id))
    assert note.listing_id == listing.id and note.emailed_at is not None

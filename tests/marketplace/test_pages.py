"""The exchange's pages, driven like a browser: list components from a building page, publish
past a hazard once it is cleared, withdraw, and a reservation from request to collection with
the passports arriving in the buyer's building."""

import re
from datetime import date
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.models import Listing
from marketplace.models import Notification
from marketplace.models import Reservation
from marketplace.models import SavedSearch
from passports.models import Building
from passports.models import Component
from passports.models import ComponentHazard
from tests.conftest import PASSWORD


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


@pytest.fixture
def browser(app):
    """A logged-in browser per user: browser(user)."""

    def open_as(user):
        client = app.test_client()
        response = client.submit("/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302
        return client

    return open_as


def field_errors(html: str) -> set[str]:
    return set(re.findall(r'<p class="field-error" id="([^"]+)-error">', html))


def fresh(db, model, ident):
    db.session.rollback()
    return db.session.get(model, ident)


def listing_form(**fields) -> dict:
    base = {
        "title": "Reclaimed oak doors",
        "description": "",
        "cpv_code": "",
        "condition": "",
        "price_basis": "fixed",
        "price_eur": "35",
        "available_from": "",
        "available_until": "",
        "pickup_address": "",
        "pickup_latitude": "",
        "pickup_longitude": "",
        "evidence": "",
    }
    return {**base, **fields}


def test_owner_lists_components_from_the_building_page(
    browser, db, owner, make_lot, make_component
):
    building, parts = make_lot(owner, count=2, quantity=10.0)
    installed = make_component(building, name="Brick wall in use")
    client = browser(owner)
    page = client.get(f"/buildings/{building.id}").get_data(as_text=True)
    new_url = f"/buildings/{building.id}/listings/new"
    assert "List on the exchange" in page and new_url in page and 'id="listings"' in page
    form = client.get(new_url)
    html = form.get_data(as_text=True)
    assert form.status_code == 200
    assert all(f'value="{c.id}"' in html for c in parts) and installed.name not in html
    assert "03419000-0" in html and "Timber" in html  # the CPV the material gives, labelled
    assert 'value="52.09"' in html and 'value="Markt 1, Brummen"' in html
    filtered = client.get(new_url + "?category=door&status=in_storage").get_data(as_text=True)
    assert all(c.name in filtered for c in parts)
    assert "Oak door" not in client.get(new_url + "?category=roof").get_data(as_text=True)
    response = client.submit(
        new_url,
        {
            **listing_form(
                price_eur="35,5",
                condition="3",
                pickup_latitude="52.09",
                pickup_longitude="6.15",
                pickup_address="Markt 1, Brummen",
            ),
            "component_ids": [str(c.id) for c in parts],
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    listing = db.session.scalar(select(Listing))
    assert response.headers["Location"].endswith(f"/exchange/listings/{listing.id}")
    assert (listing.status, listing.quantity, listing.price_eur) == ("draft", 20, 35.5)
    assert listing.condition == 3 and listing.cpv_code == "03419000-0"
    assert sorted(i.component_id for i in listing.items) == sorted(c.id for c in parts)
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Draft saved" in detail and "Publish on the exchange" in detail
    assert "Reclaimed oak doors" in client.get(f"/buildings/{building.id}").get_data(as_text=True)


def test_a_building_with_nothing_listable_says_what_to_do_instead_of_an_empty_form(
    browser, db, owner, make_building, make_component, make_listing, make_lot
):
    client = browser(owner)
    # Nothing yet: add components or import an inventory.
    empty = make_building(owner)
    page = client.get(f"/buildings/{empty.id}/listings/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Nothing in this building can be listed yet" in html
    assert 'name="component_ids"' not in html and 'id="title"' not in html  # no empty form
    assert f'href="/buildings/{empty.id}/components/new"' in html
    assert f'href="/buildings/{empty.id}/imports"' in html
    # In use, its components still installed, one more offered already: the rule, the counts,
    # and where dismantling and storage are recorded.
    building = make_building(owner)
    make_component(building, name="Brick wall", status="installed")
    make_component(building, name="Roof tiles", status="to_harvest")
    make_listing(owner, lot=make_lot(owner, building=building))
    html = client.get(f"/buildings/{building.id}/listings/new").get_data(as_text=True)
    assert 'name="component_ids"' not in html and 'id="title"' not in html
    assert "Harvested" in html and "In storage" in html  # what makes a component listable
    assert "one open listing at a time" in html
    assert "clearance record" in html  # hazards stop publishing, not listing
    assert "2 components are still installed or waiting to be harvested." in html
    assert "1 component is already offered in an open listing" in html
    assert f'href="/buildings/{building.id}/components"' in html  # the office's way
    assert 'href="/scan"' in html  # the contractor's way, on site
    assert "records that it was dismantled, then stored" in html
    # Filters that match nothing keep the form: the building does have something to list.
    stock = make_building(owner)
    make_component(stock, name="Stored door", status="in_storage", category="door")
    filtered = client.get(f"/buildings/{stock.id}/listings/new?category=roof")
    assert 'id="title"' in filtered.get_data(as_text=True)
    assert "No components can be listed with these filters." in filtered.get_data(as_text=True)


def test_listing_form_shows_the_api_errors_next_to_the_fields(browser, db, owner, make_lot):
    building, parts = make_lot(owner)
    client = browser(owner)
    url = f"/buildings/{building.id}/listings/new"
    response = client.submit(
        url, listing_form(title="", price_eur="-4", condition="9", available_from="soon")
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert {"title", "price_eur", "condition", "available_from", "component_ids"} <= field_errors(
        html
    )
    assert "Select at least one component." in html and 'value="-4"' in html
    response = client.submit(
        url, {**listing_form(cpv_code="12345678-9"), "component_ids": [str(parts[0].id)]}
    )
    assert response.status_code == 422 and "cpv_code" in field_errors(
        response.get_data(as_text=True)
    )
    assert f'value="{parts[0].id}" id="component-{parts[0].id}" checked' in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(Listing.id)) is None


def test_hazard_blocks_publishing_on_the_page_until_a_clearance_is_recorded(
    browser, db, owner, make_lot, make_listing, make_user
):
    lot = make_lot(owner, hazards=[{"kind": "pcb", "notes": "Sealant joints, 1985"}])
    listing = make_listing(owner, lot=lot, publish=False, title="Windows")
    component = lot[1][0]
    hazard_id = db.session.scalar(select(ComponentHazard.id))
    watcher = make_user("buyer")
    db.session.add(SavedSearch(user_id=watcher.id, name="Windows", params={"q": "windows"}))
    db.session.commit()
    client = browser(owner)
    here = f"/exchange/listings/{listing.id}"
    page = client.get(here).get_data(as_text=True)
    assert "Not ready to publish" in page and "PCB" in page and "Publishing is blocked" in page
    clear_link = f"/components/{component.id}?next=/exchange/listings/{listing.id}"
    assert clear_link in page
    blocked = client.submit(f"{here}/publish", page=here)
    assert blocked.status_code == 409 and "Clear these hazards" in blocked.get_data(as_text=True)
    assert fresh(db, Listing, listing.id).status == "draft"
    # The passport page offers the clearance form next to the hazard, and comes back here.
    passport = client.get(clear_link).get_data(as_text=True)
    action = f"/components/{component.id}/hazards/{hazard_id}/clearance"
    assert action in passport and "Record clearance" in passport
    empty = client.submit(action, {"note": " ", "next": here}, page=clear_link)
    assert empty.status_code == 422 and "note-" in empty.get_data(as_text=True)
    done = client.submit(
        action, {"note": "Lab result: PCB below 50 mg/kg", "next": here}, page=clear_link
    )
    assert done.status_code == 303 and done.headers["Location"] == here
    assert fresh(db, ComponentHazard, hazard_id).clearance_note.startswith("Lab result")
    published = client.submit(f"{here}/publish", page=here)
    assert published.status_code == 303
    assert fresh(db, Listing, listing.id).status == "published"
    note = db.session.scalar(select(Notification).where(Notification.user_id == watcher.id))
    assert note is not None and note.listing_id == listing.id  # saved searches are told
    passport = client.get(f"/components/{component.id}").get_data(as_text=True)
    assert "cleared" in passport and "Lab result" in passport


def test_future_stock_is_shown_plainly(
    browser, db, owner, make_building, make_component, make_user
):
    planned = date.today() + timedelta(days=90)
    hospital = make_building(owner, status="demolition_planned", planned_date=planned)
    wall = make_component(hospital, status="to_harvest", name="Facing brick, north")
    client = browser(owner)
    url = f"/buildings/{hospital.id}/listings/new"
    form = client.get(url).get_data(as_text=True)
    shown = f"{planned.day} {planned:%b %Y}"  # dates are written for the reader (en: 7 Mar 2027)
    assert "Future stock." in form and f"the planned date ({shown})" in form
    response = client.submit(
        url,
        {
            **listing_form(
                title="Facing brick",
                price_basis="free",
                price_eur="",
                available_from=planned.isoformat(),
            ),
            "component_ids": [str(wall.id)],
        },
    )
    assert response.status_code == 303
    listing = db.session.scalar(select(Listing))
    assert listing.future_stock and listing.available_from == planned
    client.submit(
        f"/exchange/listings/{listing.id}/publish", page=f"/exchange/listings/{listing.id}"
    )
    buyer_page = browser(make_user("buyer")).get(f"/exchange/listings/{listing.id}")
    html = buyer_page.get_data(as_text=True)
    assert "Future stock" in html and f"collected from {shown}" in html
    assert f'action="/exchange/listings/{listing.id}/reserve"' in html


def test_owner_edits_and_withdraws_a_listing(browser, db, owner, make_listing):
    listing = make_listing(owner, price_basis="fixed", price_eur=10.0)
    client = browser(owner)
    edit = f"/exchange/listings/{listing.id}/edit"
    assert 'value="Reclaimed oak doors"' in client.get(edit).get_data(as_text=True)
    saved = client.submit(edit, listing_form(title="Oak doors, 24", price_eur="12"))
    assert saved.status_code == 303
    stored = fresh(db, Listing, listing.id)
    assert (stored.title, stored.price_eur, stored.cpv_code) == (
        "Oak doors, 24",
        12.0,
        "03419000-0",
    )
    here = f"/exchange/listings/{listing.id}"
    response = client.submit(f"{here}/withdraw", page=here)
    assert response.status_code == 303
    assert fresh(db, Listing, listing.id).status == "withdrawn"
    assert client.get(edit).status_code == 409


def test_another_organisation_cannot_act_through_the_pages(
    browser, db, owner, make_user, make_listing, make_lot
):
    published = make_listing(owner)
    draft = make_listing(owner, publish=False, lot=make_lot(owner))
    other = browser(make_user("owner"))
    assert other.get(f"/exchange/listings/{draft.id}").status_code == 404
    assert other.get(f"/exchange/listings/{published.id}/edit").status_code == 403
    assert other.get(f"/buildings/{published.building_id}/listings/new").status_code == 404
    token_page = f"/exchange/listings/{published.id}"
    assert other.submit(f"{token_page}/withdraw", page=token_page).status_code == 403
    assert fresh(db, Listing, published.id).status == "published"
    contractor = browser(make_user("contractor"))
    response = contractor.submit(f"{token_page}/reserve", {"quantity": "1"}, page=token_page)
    assert response.status_code == 403


def test_reservation_from_request_to_collection(browser, db, owner, buyer, make_listing):
    listing = make_listing(owner, quantity=40.0, price_basis="fixed", price_eur=20.0)
    lot_tag = listing.items[0].component.tag
    school = Building(
        organisation_id=buyer.organisation_id,
        name="Katrinedals Skole",
        city="København",
        country="DK",
        latitude=55.67,
        longitude=12.5,
        use_type="education",
        status="in_use",
    )
    db.session.add(school)
    db.session.commit()
    school_id = school.id
    shopper = browser(buyer)
    here = f"/exchange/listings/{listing.id}"
    page = shopper.get(here).get_data(as_text=True)
    assert "Reserve" in page and "Katrinedals Skole" in page and "Our storage" in page
    too_much = shopper.submit(f"{here}/reserve", {"quantity": "41"}, page=here)
    assert too_much.status_code == 409 and "Only 40 pcs left" in too_much.get_data(as_text=True)
    bad = shopper.submit(f"{here}/reserve", {"quantity": "many", "needed_by": "someday"}, page=here)
    assert bad.status_code == 422
    assert {"quantity", "needed_by"} <= field_errors(bad.get_data(as_text=True))
    halves = shopper.submit(f"{here}/reserve", {"quantity": "2.5"}, page=here)
    assert halves.status_code == 422 and "whole numbers" in halves.get_data(as_text=True)
    made = shopper.submit(
        f"{here}/reserve",
        {
            "quantity": "15",
            "needed_by": "2031-01-31",
            "destination_building_id": str(school_id),
            "message": "For the new facade",
        },
        page=here,
    )
    assert made.status_code == 303
    reservation = db.session.scalar(select(Reservation))
    assert (reservation.quantity, reservation.destination_building_id) == (15, school_id)
    detail_url = f"/exchange/reservations/{reservation.id}"
    assert made.headers["Location"] == detail_url
    mine = shopper.get("/exchange/reservations").get_data(as_text=True)
    assert "Made by us (1)" in mine and f"/reservations/{reservation.id}/cancel" in mine
    assert f"/reservations/{reservation.id}/accept" not in mine

    seller = browser(owner)
    received = seller.get("/exchange/reservations").get_data(as_text=True)
    assert "Received (1)" in received and buyer.organisation.name in received
    assert f"/reservations/{reservation.id}/accept" in received
    assert (
        seller.submit(
            f"{detail_url}/accept",
            {"next": "/exchange/reservations"},
            page="/exchange/reservations",
        ).status_code
        == 303
    )
    assert fresh(db, Reservation, reservation.id).status == "accepted"
    assert "ocds.json" in seller.get(detail_url).get_data(as_text=True)
    collected = seller.submit(f"{detail_url}/collect", page=detail_url)
    assert collected.status_code == 303 and collected.headers["Location"] == detail_url
    assert fresh(db, Reservation, reservation.id).status == "collected"

    # The buyer finds the passports in their building, history included.
    after = shopper.get(detail_url).get_data(as_text=True)
    moved = db.session.scalar(select(Component).where(Component.building_id == school_id))
    assert moved.quantity == 15 and moved.tag != lot_tag
    assert f"/components/{moved.id}" in after and "Passports handed over" in after
    record = shopper.get(f"/components/{moved.id}")
    assert record.status_code == 200
    assert f'href="/t/{moved.tag}#timeline"' in record.get_data(as_text=True)  # its history
    components = shopper.get(f"/buildings/{school_id}/components").get_data(as_text=True)
    assert moved.name in components
    history = shopper.get(f"/t/{moved.tag}").get_data(as_text=True)
    assert "kind-transferred" in history and f"reservation {reservation.id}" in history
    assert ", Brummen → Katrinedals Skole, København" in history  # where it went


def test_buyer_cancels_and_seller_rejects_through_the_pages(
    browser, db, owner, buyer, make_user, make_listing, token_for, client
):
    listing = make_listing(owner, quantity=10.0)
    headers = token_for(buyer)
    first, second = (
        client.post(
            f"/api/v1/listings/{listing.id}/reservations", headers=headers, json={"quantity": q}
        ).json["id"]
        for q in (4, 6)
    )
    shopper, seller = browser(buyer), browser(owner)
    assert (
        shopper.submit(
            f"/exchange/reservations/{first}/cancel", page="/exchange/reservations"
        ).status_code
        == 303
    )
    assert (
        seller.submit(
            f"/exchange/reservations/{second}/reject", page="/exchange/reservations"
        ).status_code
        == 303
    )
    assert fresh(db, Reservation, first).status == "cancelled"
    assert fresh(db, Reservation, second).status == "rejected"
    assert fresh(db, Listing, listing.id).quantity_available == 10
    again = seller.submit(f"/exchange/reservations/{second}/accept", page="/exchange/reservations")
    assert again.status_code == 303
    assert "cannot be accepted" in seller.get("/exchange/reservations").get_data(as_text=True)
    wrong_side = shopper.submit(
        f"/exchange/reservations/{second}/accept", page="/exchange/reservations"
    )
    assert wrong_side.status_code == 403
    stranger = browser(make_user("buyer"))
    assert stranger.get(f"/exchange/reservations/{first}").status_code == 404


def test_reservation_pages_filter_by_status(
    browser, db, owner, buyer, make_listing, client, token_for
):
    listing = make_listing(owner, quantity=10.0)
    client.post(
        f"/api/v1/listings/{listing.id}/reservations",
        headers=token_for(buyer),
        json={"quantity": 2},
    )
    seller = browser(owner)
    assert "Reclaimed oak doors" in seller.get(
        "/exchange/reservations?side=received&status=requested"
    ).get_data(as_text=True)
    empty = seller.get("/exchange/reservations?side=received&status=collected")
    assert "No reservations received with the status “Collected”" in empty.get_data(as_text=True)
    assert seller.get("/exchange/reservations?status=lost").status_code == 400

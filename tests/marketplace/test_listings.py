"""Listings through the API and the CLI: create, validate, hazards and clearances, future stock,
withdraw, who may act, `flask exchange expire` and `flask exchange demo`."""

from datetime import date
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlalchemy import select

from marketplace.models import Listing
from marketplace.models import Reservation
from passports.models import Building
from passports.models import Component


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


def fresh(db, model, ident):
    db.session.rollback()
    return db.session.get(model, ident)


def field_errors(response) -> dict:
    """Field errors of a 422: from the schema (under "json") or from the service."""
    errors = response.json["errors"]
    return errors.get("json", errors)


def create(client, headers, building_id, **body):
    return client.post(f"/api/v1/buildings/{building_id}/listings", headers=headers, json=body)


def test_create_a_listing_through_the_api(client, db, owner, make_lot, token_for):
    building, parts = make_lot(owner, count=2, quantity=12.0)
    response = create(
        client,
        token_for(owner),
        building.id,
        title="Oak doors",
        component_ids=[c.id for c in parts],
        price_basis="fixed",
        price_eur=40.0,
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "draft" and body["future_stock"] is False
    assert (body["quantity"], body["unit"], body["quantity_available"]) == (24, "pcs", 0)
    # The CPV code defaults from the main material (sawn hardwood) and comes with its label.
    assert body["cpv_code"] == "03419000-0" and body["cpv_label"] == "Timber"
    assert body["mass_kg"] == pytest.approx(600) and body["co2_avoided_kg"] > 0
    assert (body["pickup_latitude"], body["pickup_longitude"]) == (52.09, 6.15)
    assert body["pickup_address"] == "Markt 1, Brummen" and body["condition"] == 4
    assert body["seller"] == owner.organisation.name


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"cpv_code": "44111100-3"}, "cpv_code"),  # wrong check digit
        ({"cpv_code": "99999999-9"}, "cpv_code"),
        ({"price_eur": -1.0}, "price_eur"),
        ({"price_eur": "12"}, "price_eur"),  # numbers are JSON numbers
        ({"price_basis": "barter"}, "price_basis"),
        ({"condition": 0}, "condition"),
        ({"pickup_latitude": 91.0, "pickup_longitude": 6.0}, "pickup_latitude"),
        ({"colour": "red"}, "colour"),
        ({"component_ids": []}, "component_ids"),
        ({"title": ""}, "title"),
    ],
)
def test_invalid_listings_are_422_and_save_nothing(
    client, db, owner, make_lot, token_for, extra, field
):
    building, parts = make_lot(owner)
    body = {
        "title": "Oak doors",
        "component_ids": [parts[0].id],
        "price_basis": "fixed",
        "price_eur": 10.0,
        **extra,
    }
    response = create(client, token_for(owner), building.id, **body)
    assert response.status_code == 422, response.json
    assert field in field_errors(response) and response.json["code"] == 422
    assert db.session.scalar(select(func.count(Listing.id))) == 0


def test_fixed_price_needs_a_price(client, owner, make_lot, token_for):
    building, parts = make_lot(owner)
    response = create(
        client, token_for(owner), building.id, title="Doors", component_ids=[parts[0].id]
    )
    assert response.status_code == 422 and "price_eur" in field_errors(response)


def test_negative_reservation_quantity_is_422(client, owner, buyer, make_listing, token_for):
    listing = make_listing(owner)
    response = client.post(
        f"/api/v1/listings/{listing.id}/reservations",
        headers=token_for(buyer),
        json={"quantity": -2},
    )
    assert response.status_code == 422 and "quantity" in field_errors(response)


def test_components_must_be_of_the_building_listable_and_of_one_unit(
    client, db, owner, make_lot, make_component, token_for
):
    building, parts = make_lot(owner)
    _other, foreign = make_lot(owner)
    metres = make_component(building, unit="m", quantity=5.0, status="in_storage")
    headers = token_for(owner)
    # Ids not of this building are unknown here (404); a lot of mixed units conflicts (409).
    for ids, status in (([foreign[0].id], 404), ([parts[0].id, metres.id], 409), ([999999], 404)):
        response = create(
            client, headers, building.id, title="Mixed", component_ids=ids, price_basis="free"
        )
        assert response.status_code == status and "component_ids" in field_errors(response)
    installed = make_component(building)  # in a building in use: harvest first
    response = create(
        client, headers, building.id, title="Wall", component_ids=[installed.id], price_basis="free"
    )
    assert response.status_code == 409
    assert "future stock" in str(field_errors(response)["component_ids"])


def test_a_component_is_offered_in_one_open_listing_only(client, owner, make_lot, token_for):
    building, parts = make_lot(owner)
    headers = token_for(owner)
    body = {"title": "Doors", "component_ids": [parts[0].id], "price_basis": "free"}
    assert create(client, headers, building.id, **body).status_code == 201
    again = create(client, headers, building.id, **body)
    assert again.status_code == 409 and "Already offered" in str(again.json["errors"])


def test_hazard_blocks_publishing_until_cleared(client, db, owner, make_lot, token_for):
    building, parts = make_lot(
        owner,
        count=2,
        hazards=[
            {"kind": "asbestos", "notes": "Adhesive, survey 2025"},
            {"kind": "other", "notes": "dust"},
        ],
    )
    headers = token_for(owner)
    listing = create(
        client,
        headers,
        building.id,
        title="Doors",
        price_basis="free",
        component_ids=[c.id for c in parts],
    ).json
    blocked = client.post(f"/api/v1/listings/{listing['id']}/publish", headers=headers)
    assert blocked.status_code == 409
    assert len(blocked.json["hazards"]) == 2 and "Asbestos" in blocked.json["message"]
    assert fresh(db, Listing, listing["id"]).status == "draft"
    for part in parts:
        hazard = next(h for h in db.session.get(Component, part.id).hazards if h.kind == "asbestos")
        url = f"/api/v1/components/{part.id}/hazards/{hazard.id}/clearance"
        assert client.post(url, headers=headers, json={"note": ""}).status_code == 422
        cleared = client.post(url, headers=headers, json={"note": "Removal certificate R-17"})
        assert cleared.status_code == 201, cleared.json
        if part is parts[0]:
            still = client.post(f"/api/v1/listings/{listing['id']}/publish", headers=headers)
            assert still.status_code == 409 and len(still.json["hazards"]) == 1
    published = client.post(f"/api/v1/listings/{listing['id']}/publish", headers=headers)
    assert published.status_code == 200 and published.json["status"] == "published"
    assert published.json["quantity_available"] == 80  # "other" hazards do not block


def test_future_stock_from_a_building_due_for_demolition(
    client, db, owner, buyer, make_building, make_component, token_for
):
    planned = date.today() + timedelta(days=200)
    hospital = make_building(owner, status="demolition_planned", planned_date=planned)
    bricks = [make_component(hospital, status=s) for s in ("installed", "to_harvest")]
    headers = token_for(owner)
    early = create(
        client,
        headers,
        hospital.id,
        title="Bricks",
        price_basis="free",
        component_ids=[c.id for c in bricks],
        available_from=(planned - timedelta(days=1)).isoformat(),
    )
    # It meets the building's stored planned date: a 409 naming the conflict.
    assert early.status_code == 409 and "available_from" in field_errors(early)
    body = create(
        client,
        headers,
        hospital.id,
        title="Bricks",
        price_basis="free",
        component_ids=[c.id for c in bricks],
    ).json
    assert body["future_stock"] is True and body["available_from"] == planned.isoformat()
    assert client.post(f"/api/v1/listings/{body['id']}/publish", headers=headers).status_code == 200
    # Buyers reserve ahead of the harvest.
    reserved = client.post(
        f"/api/v1/listings/{body['id']}/reservations",
        headers=token_for(buyer),
        json={"quantity": 5.0},
    )
    assert reserved.status_code == 201 and reserved.json["status"] == "requested"
    assert fresh(db, Component, bricks[0].id).status == "installed"


def test_withdraw_rejects_open_requests_and_closes_the_listing(
    client, db, owner, buyer, make_listing, token_for
):
    listing = make_listing(owner)
    bh, sh = token_for(buyer), token_for(owner)
    request = client.post(
        f"/api/v1/listings/{listing.id}/reservations", headers=bh, json={"quantity": 5}
    ).json
    withdrawn = client.post(f"/api/v1/listings/{listing.id}/withdraw", headers=sh)
    assert withdrawn.status_code == 200 and withdrawn.json["status"] == "withdrawn"
    assert withdrawn.json["quantity_available"] == 0
    assert fresh(db, Reservation, request["id"]).status == "rejected"
    late = client.post(
        f"/api/v1/listings/{listing.id}/reservations", headers=bh, json={"quantity": 1}
    )
    assert late.status_code == 404  # a withdrawn listing is off the exchange
    assert client.post(f"/api/v1/listings/{listing.id}/withdraw", headers=sh).status_code == 409
    # Its components are back in storage, with the step in their history, and can be relisted.
    component = fresh(db, Component, listing.items[0].component_id)
    assert component.status == "in_storage"
    history = client.get(f"/api/v1/components/{component.id}/events", headers=sh).json["items"]
    assert history[0]["kind"] == "status_changed" and "withdrawn" in history[0]["notes"]
    again = create(
        client,
        sh,
        listing.building_id,
        title="Oak doors again",
        component_ids=[component.id],
        price_basis="free",
    )
    assert again.status_code == 201, again.json


def test_accepted_reservations_block_withdrawal(client, owner, buyer, make_listing, token_for):
    listing = make_listing(owner)
    r = client.post(
        f"/api/v1/listings/{listing.id}/reservations",
        headers=token_for(buyer),
        json={"quantity": 5},
    ).json
    client.post(f"/api/v1/reservations/{r['id']}/accept", headers=token_for(owner))
    refused = client.post(f"/api/v1/listings/{listing.id}/withdraw", headers=token_for(owner))
    assert refused.status_code == 409 and "Accepted" in refused.json["message"]


def test_another_organisation_cannot_act_on_a_listing(
    client, db, owner, make_user, make_lot, make_listing, token_for
):
    published = make_listing(owner)
    draft = make_listing(owner, publish=False, lot=make_lot(owner))
    other = token_for(make_user("owner"))
    assert client.get(f"/api/v1/listings/{published.id}", headers=other).status_code == 200
    assert client.get(f"/api/v1/listings/{draft.id}", headers=other).status_code == 404
    assert client.post(f"/api/v1/listings/{draft.id}/publish", headers=other).status_code == 404
    for action in ("publish", "withdraw"):
        url = f"/api/v1/listings/{published.id}/{action}"
        assert client.post(url, headers=other).status_code == 403
    patched = client.patch(
        f"/api/v1/listings/{published.id}", headers=other, json={"title": "Mine now"}
    )
    assert patched.status_code == 403
    building = published.building_id
    assert (
        create(
            client, other, building, title="Steal", component_ids=[1], price_basis="free"
        ).status_code
        == 404
    )
    contractor = token_for(make_user("contractor"))
    assert (
        client.post(f"/api/v1/listings/{published.id}/withdraw", headers=contractor).status_code
        == 403
    )
    stored = fresh(db, Listing, published.id)
    assert (stored.status, stored.title) == ("published", "Reclaimed oak doors")


def test_flask_exchange_expire(runner, db, owner, make_listing):
    old = make_listing(owner)
    current = make_listing(owner, available_until=date.today() + timedelta(days=3))
    old.available_until = date.today() - timedelta(days=1)
    db.session.commit()
    result = runner.invoke(args=["exchange", "expire"])
    assert result.exit_code == 0 and "Expired 1 listing." in result.output
    assert fresh(db, Listing, old.id).status == "expired"
    assert fresh(db, Listing, current.id).status == "published"
    assert "Expired 0 listings." in runner.invoke(args=["exchange", "expire"]).output


def test_flask_exchange_demo_puts_the_demo_world_on_the_exchange(runner, db):
    result = runner.invoke(args=["exchange", "demo"])
    assert result.exit_code == 0, result.output
    listings = {li.title: li for li in db.session.scalars(select(Listing))}
    bricks = next(li for title, li in listings.items() if "facing brick" in title.lower())
    hospital = db.session.get(Building, bricks.building_id)
    assert bricks.status == "published" and bricks.future_stock
    assert bricks.available_from == hospital.planned_date and bricks.cpv_code == "44111100-2"
    assert len(bricks.items) == 4 and bricks.mass_kg / 1000 == pytest.approx(275, rel=0.1)
    listed = {item.component.name for li in listings.values() for item in li.items}
    assert not any("asbestos" in name for name in listed)
    assert any(li.status == "draft" for li in listings.values())  # blocked by its PCB
    harvested = [li for li in listings.values() if li.building.city == "Brummen"]
    # Brummen's doors all went into the school's bundle of doors from two sellers.
    assert harvested and all(not li.future_stock for li in harvested)
    assert {li.status for li in harvested} == {"published", "sold_out"}
    assert all(
        item.component.status in ("harvested", "in_storage", "listed")
        for li in harvested
        for item in li.items
    )
    reservation = db.session.scalar(select(Reservation).order_by(Reservation.id))
    assert reservation.status == "requested" and reservation.buyer.email == "buyer@kk.example"
    assert reservation.listing_id == bricks.id and reservation.destination is not None
    again = runner.invoke(args=["exchange", "demo"])
    assert again.exit_code == 0 and "already loaded" in again.output
    assert db.session.scalar(select(func.count(Listing.id))) == len(listings)
    # The brick reservation, and the two parts of the bundle of doors.
    assert db.session.scalar(select(func.count(Reservation.id))) == 3


def test_a_window_that_ends_before_it_starts_is_a_409_and_saves_nothing(
    client, db, owner, make_lot, token_for
):
    building, parts = make_lot(owner)
    window = {"available_from": "2027-05-01", "available_until": "2027-04-01"}
    response = create(
        client,
        token_for(owner),
        building.id,
        title="Oak doors",
        component_ids=[parts[0].id],
        price_basis="free",
        **window,
    )
    assert response.status_code == 409 and "available_until" in field_errors(response)
    assert db.session.scalar(select(func.count(Listing.id))) == 0

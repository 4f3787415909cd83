"""Reservations: never oversold under concurrency, the seller's and buyer's actions, and the
passport following the material on collection."""

import threading

import pytest
from sqlalchemy import func
from sqlalchemy import select

from marketplace.models import Listing
from marketplace.models import Reservation
from passports.models import Building
from passports.models import Component
from passports.models import ComponentEvent


@pytest.fixture
def seller(make_user):
    return make_user("owner")


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


def fresh(db, model, ident):
    db.session.rollback()
    return db.session.get(model, ident)


def reserve(client, headers, listing_id, quantity, **extra):
    return client.post(
        f"/api/v1/listings/{listing_id}/reservations",
        headers=headers,
        json={"quantity": quantity, **extra},
    )


def test_fifty_buyers_racing_never_oversell(app, db, seller, make_user, make_listing, token_for):
    listing = make_listing(seller, quantity=37.0)
    listing_id = listing.id
    buyers = [token_for(make_user("buyer")) for _ in range(10)]
    results, start = [], threading.Barrier(50)

    def race(i):
        with app.test_client() as c:
            start.wait()
            results.append(reserve(c, buyers[i % 10], listing_id, 1))

    threads = [threading.Thread(target=race, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results)
    assert codes.count(201) == 37 and codes.count(409) == 13, codes
    refused = next(r for r in results if r.status_code == 409)
    assert refused.json["quantity_available"] == 0
    stored = fresh(db, Listing, listing_id)
    reserved = db.session.scalar(
        select(func.sum(Reservation.quantity)).where(Reservation.listing_id == listing_id)
    )
    assert reserved == 37 and stored.quantity_available == 0 and stored.status == "sold_out"


def test_racing_for_uneven_amounts_reserves_exactly_what_is_there(
    app, db, seller, buyer, make_listing, token_for
):
    listing = make_listing(seller, quantity=100.0)
    listing_id, headers = listing.id, token_for(buyer)
    results, start = [], threading.Barrier(50)

    def race(i):
        with app.test_client() as c:
            start.wait()
            results.append(reserve(c, headers, listing_id, 1 + i % 7))

    threads = [threading.Thread(target=race, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    granted = db.session.scalar(
        select(func.sum(Reservation.quantity)).where(Reservation.listing_id == listing_id)
    )
    assert granted == sum(r.json["quantity"] for r in results if r.status_code == 201)
    assert granted <= 100 and fresh(db, Listing, listing_id).quantity_available == 100 - granted
    assert any(r.status_code == 409 for r in results)


def test_too_large_a_reservation_is_409_with_the_quantity_left(
    client, db, seller, buyer, make_listing, token_for
):
    listing = make_listing(seller, quantity=40.0)
    response = reserve(client, token_for(buyer), listing.id, 41)
    assert response.status_code == 409
    assert response.json["quantity_available"] == 40 and response.json["unit"] == "pcs"
    assert db.session.scalar(select(func.count(Reservation.id))) == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({"quantity": -3}, "quantity"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": "3"}, "quantity"),
        ({"quantity": 2, "colour": "red"}, "colour"),
    ],
)
def test_bad_reservations_are_422(client, db, seller, buyer, make_listing, token_for, body, field):
    listing = make_listing(seller)
    response = client.post(
        f"/api/v1/listings/{listing.id}/reservations", headers=token_for(buyer), json=body
    )
    assert response.status_code == 422
    assert field in str(response.json["errors"])
    assert fresh(db, Listing, listing.id).quantity_available == 40


def test_accept_reject_cancel_return_quantities(client, db, seller, buyer, make_listing, token_for):
    listing = make_listing(seller, quantity=40.0)
    sh, bh = token_for(seller), token_for(buyer)
    first = reserve(client, bh, listing.id, 30).json
    second = reserve(client, bh, listing.id, 10).json
    assert fresh(db, Listing, listing.id).status == "sold_out"
    assert (
        client.post(f"/api/v1/reservations/{second['id']}/reject", headers=sh).json["status"]
        == "rejected"
    )
    stored = fresh(db, Listing, listing.id)
    assert (stored.quantity_available, stored.status) == (10, "published")
    assert (
        client.post(f"/api/v1/reservations/{first['id']}/accept", headers=sh).json["status"]
        == "accepted"
    )
    again = client.post(f"/api/v1/reservations/{first['id']}/accept", headers=sh)
    assert again.status_code == 409 and again.json["current_status"] == "accepted"
    assert (
        client.post(f"/api/v1/reservations/{first['id']}/cancel", headers=bh).json["status"]
        == "cancelled"
    )
    assert fresh(db, Listing, listing.id).quantity_available == 40
    assert client.post(f"/api/v1/reservations/{first['id']}/collect", headers=sh).status_code == 409


def test_only_the_right_party_acts(client, db, seller, buyer, make_user, make_listing, token_for):
    listing = make_listing(seller)
    r = reserve(client, token_for(buyer), listing.id, 5).json
    assert (
        client.post(f"/api/v1/reservations/{r['id']}/accept", headers=token_for(buyer)).status_code
        == 403
    )
    assert (
        client.post(f"/api/v1/reservations/{r['id']}/cancel", headers=token_for(seller)).status_code
        == 403
    )
    stranger = token_for(make_user("buyer"))
    assert (
        client.post(f"/api/v1/reservations/{r['id']}/cancel", headers=stranger).status_code == 404
    )
    assert client.get(f"/api/v1/reservations/{r['id']}", headers=stranger).status_code == 404
    contractor = token_for(make_user("contractor"))
    assert reserve(client, contractor, listing.id, 1).status_code == 403
    assert reserve(client, token_for(seller), listing.id, 1).status_code == 403
    assert fresh(db, Reservation, r["id"]).status == "requested"


def test_collecting_part_of_a_lot_splits_it_and_the_passport_follows(
    client, db, seller, buyer, make_listing, token_for
):
    listing = make_listing(seller, quantity=40.0)
    lot = listing.items[0].component
    lot_id, lot_tag = lot.id, lot.tag
    client.post(
        f"/api/v1/components/{lot_id}/events",
        headers=token_for(seller),
        json={"kind": "inspected", "condition": 4, "notes": "before sale"},
    )
    destination = Building(
        organisation_id=buyer.organisation_id,
        name="Katrinedals Skole",
        city="København",
        country="DK",
        latitude=55.67,
        longitude=12.51,
        use_type="education",
        status="in_use",
    )
    db.session.add(destination)
    db.session.commit()
    r = reserve(
        client, token_for(buyer), listing.id, 20, destination_building_id=destination.id
    ).json
    assert r["distance_km"] > 100 and r["co2_avoided_kg"] is not None
    sh = token_for(seller)
    client.post(f"/api/v1/reservations/{r['id']}/accept", headers=sh)
    done = client.post(f"/api/v1/reservations/{r['id']}/collect", headers=sh)
    assert done.status_code == 200 and done.json["status"] == "collected"
    db.session.rollback()
    kept = db.session.get(Component, lot_id)
    moved = db.session.scalar(select(Component).where(Component.split_from_id == lot_id))
    assert (kept.quantity, moved.quantity) == (20, 20)
    assert kept.mass_kg == pytest.approx(500) and moved.mass_kg == pytest.approx(500)
    assert moved.building_id == destination.id and moved.tag != lot_tag
    assert (moved.status, moved.reuse_cycles) == ("transferred", 1)
    assert kept.building_id == listing.building_id and kept.status == "listed"
    stored = fresh(db, Listing, listing.id)
    assert (stored.quantity, stored.quantity_available) == (20, 20)
    history = client.get(f"/api/v1/components/{moved.id}/events", headers=token_for(buyer))
    assert history.status_code == 200
    assert [e["kind"] for e in history.json["items"]] == [
        "transferred",
        "inspected",
        "status_changed",
    ]
    # What is left of the lot is still on offer: readable, without the seller's notes.
    rest = client.get(f"/api/v1/components/{lot_id}/events", headers=token_for(buyer))
    assert rest.status_code == 200
    assert all(e["notes"] == "" and e["user"] is None for e in rest.json["items"])
    events = db.session.scalars(
        select(ComponentEvent).where(ComponentEvent.component_id == moved.id)
    ).all()
    assert [(e.kind, e.building_id) for e in events] == [("transferred", destination.id)]
    assert events[0].notes.startswith(f"Collected under reservation {r['id']}")


def test_collecting_everything_into_the_buyers_storage(
    client, db, seller, buyer, make_listing, make_lot, token_for
):
    lot = make_lot(seller, count=2, quantity=10.0)
    listing = make_listing(seller, lot=lot)
    r = reserve(client, token_for(buyer), listing.id, 20).json
    sh = token_for(seller)
    client.post(f"/api/v1/reservations/{r['id']}/accept", headers=sh)
    assert client.post(f"/api/v1/reservations/{r['id']}/collect", headers=sh).status_code == 200
    db.session.rollback()
    store = db.session.scalar(
        select(Building).where(Building.organisation_id == buyer.organisation_id)
    )
    assert store.use_type == "storage" and buyer.organisation.name in store.name
    moved = db.session.scalars(select(Component).where(Component.building_id == store.id)).all()
    assert sorted(c.id for c in moved) == sorted(c.id for c in lot[1])
    assert all(c.status == "transferred" and c.reuse_cycles == 1 for c in moved)
    stored = fresh(db, Listing, listing.id)
    assert (stored.quantity, stored.status) == (0, "sold_out")


def test_future_stock_is_reserved_ahead_but_collected_only_when_it_comes_down(
    client, db, seller, buyer, make_lot, make_building, make_listing, token_for
):
    from datetime import date
    from datetime import timedelta

    demolition = date.today() + timedelta(days=90)
    hospital = make_building(seller, status="demolition_planned", planned_date=demolition)
    lot = make_lot(seller, quantity=40.0, status="installed", building=hospital)
    listing = make_listing(seller, lot=lot)
    assert listing.future_stock and listing.available_from == demolition
    r = reserve(client, token_for(buyer), listing.id, 10).json
    sh = token_for(seller)
    assert client.post(f"/api/v1/reservations/{r['id']}/accept", headers=sh).status_code == 200
    early = client.post(f"/api/v1/reservations/{r['id']}/collect", headers=sh)
    assert early.status_code == 409 and early.json["available_from"] == demolition.isoformat()
    assert fresh(db, Reservation, r["id"]).status == "accepted"


def test_pieces_are_reserved_in_whole_numbers_a_409_of_the_lots_unit(
    client, db, seller, buyer, make_listing, token_for
):
    listing = make_listing(seller)
    response = client.post(
        f"/api/v1/listings/{listing.id}/reservations",
        headers=token_for(buyer),
        json={"quantity": 2.5},
    )
    assert response.status_code == 409 and "quantity" in response.json["errors"]
    assert fresh(db, Listing, listing.id).quantity_available == 40

"""Matching a wanted request: published listings now and future stock (installed components of
buildings due for demolition before the date), ranked best first with distance and CO2 net
of transport (checked by hand below); the notices after a publish and after a demolition is
planned (once each); and an owner's offer from the building page and the API."""

from datetime import date
from datetime import timedelta

import pytest
from sqlalchemy import select

from marketplace.models import Listing
from marketplace.models import Notification
from marketplace.models import WantedRequest
from marketplace.queries.ranking import describe
from marketplace.queries.ranking import find_matches
from marketplace.services import wanted as wanted_services
from passports.metrics import haversine_km
from tests.conftest import PASSWORD

ZUTPHEN = (52.14, 6.20)
BRUMMEN = (52.09, 6.15)
DEVENTER = (52.25, 6.16)
APELDOORN = (52.21, 5.97)
AMSTERDAM = (52.37, 4.90)
FACTOR = 0.107  # TRANSPORT_KGCO2E_PER_TKM
DOOR = {"category": "door", "width_mm": 830.0, "height_mm": 2110.0, "depth_mm": 40.0}


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


@pytest.fixture
def wanted(db, buyer):
    """20 timber doors of 830 × 2110 mm (± 10) near Zutphen, within 50 km, in 90 days."""
    request = wanted_services.post_wanted(
        buyer,
        {
            "title": "Doors for the Zutphen school",
            "material_family": "timber",
            "quantity": 20.0,
            "unit": "pcs",
            "width_mm": 830.0,
            "height_mm": 2110.0,
            "tolerance_mm": 10.0,
            "latitude": ZUTPHEN[0],
            "longitude": ZUTPHEN[1],
            "radius_km": 50.0,
            "needed_by": date.today() + timedelta(days=90),
        },
    )
    db.session.commit()
    return request


def measured(rows, **door):
    """Give components (and their listing) the doors' measures. (Recording measures through
    the component and listing services is the measures' own work; matching only reads them.)"""
    from app.extensions import db

    for row in rows:
        for key, value in {**DOOR, **door}.items():
            if key != "category":
                setattr(row, key, value)
    db.session.commit()
    return rows


def doors_lot(make_user, make_building, make_lot, at, count, owner=None, **door):
    owner = owner or make_user("owner")
    building = make_building(owner, latitude=at[0], longitude=at[1])
    building, parts = make_lot(owner, building=building, quantity=count, category="door")
    return owner, (building, measured(parts, **door))


def doors_listing(make_user, make_building, make_lot, make_listing, at, count, owner=None, **door):
    owner, lot = doors_lot(make_user, make_building, make_lot, at, count, owner, **door)
    listing = make_listing(owner, lot=lot, publish=False)
    measured([listing], **door)
    from marketplace import services

    services.publish_listing(listing, owner)
    from app.extensions import db

    db.session.commit()
    return listing


def doomed_building(make_user, make_building, make_component, material_id, at, count, days=30):
    owner = make_user("owner")
    building = make_building(
        owner,
        latitude=at[0],
        longitude=at[1],
        status="demolition_planned",
        planned_date=date.today() + timedelta(days=days),
    )
    measured(
        [
            make_component(
                building,
                name="Flush door",
                category="door",
                quantity=float(count),
                unit="pcs",
                mass_kg=25.0 * count,
                materials=[{"material_id": material_id("sawn-hardwood"), "fraction": 1.0}],
            )
        ]
    )
    return owner, building


def net(mass_kg, co2_kg, at):
    """CO2 avoided less the transport of `mass_kg` from `at` to Zutphen (t × km × factor)."""
    return co2_kg - mass_kg / 1000 * haversine_km(*ZUTPHEN, *at) * FACTOR


def test_ranking_best_first(
    db,
    wanted,
    buyer,
    make_user,
    make_building,
    make_lot,
    make_listing,
    make_component,
    material_id,
):
    build = (make_user, make_building, make_lot, make_listing)
    brummen = doors_listing(*build, BRUMMEN, 20)  # whole, 6.6 km
    zutphen = doors_listing(*build, ZUTPHEN, 10)  # half, on the spot
    deventer = doors_listing(*build, DEVENTER, 20)  # whole, 12 km
    _owner, apeldoorn = doomed_building(
        make_user, make_building, make_component, material_id, APELDOORN, 30
    )
    # What does not match: too wide, too far, the buyer's own, demolished after the date.
    doors_listing(*build, BRUMMEN, 20, width_mm=900.0)
    doors_listing(*build, AMSTERDAM, 20)
    colleague = make_user("owner", org=buyer.organisation)
    doors_listing(*build, BRUMMEN, 20, owner=colleague)
    doomed_building(make_user, make_building, make_component, material_id, APELDOORN, 30, 200)

    request = db.session.get(WantedRequest, wanted.id)
    matches = describe(find_matches(request), request)
    order = [(m.kind, m.listing_id or m.building_id) for m in matches]
    # Whole lots first, by CO2 net of transport: 20 doors (500 kg, 120 kg CO2 avoided at
    # 0.24 kgCO2e/kg) from Brummen (6.6 km) > Deventer (12.4 km) > 20 of Apeldoorn's 30
    # (17.5 km); then the half lot from Zutphen.
    assert order == [
        ("listing", brummen.id),
        ("listing", deventer.id),
        ("future_stock", apeldoorn.id),
        ("listing", zutphen.id),
    ]
    first, _deventer, future, half = matches
    assert first.covers == 20 and first.coverage == 1.0
    assert first.distance_km == pytest.approx(haversine_km(*ZUTPHEN, *BRUMMEN))
    assert first.co2_avoided_kg == pytest.approx(net(500.0, 120.0, BRUMMEN))
    assert first.transport_kg == pytest.approx(0.5 * haversine_km(*ZUTPHEN, *BRUMMEN) * FACTOR)
    assert future.available == 30 and future.covers == 20
    assert len(future.component_ids) == 1
    assert future.co2_avoided_kg == pytest.approx(net(500.0, 120.0, APELDOORN))
    assert future.available_from == apeldoorn.planned_date
    assert future.title == apeldoorn.name
    assert half.coverage == 0.5
    assert half.co2_avoided_kg == pytest.approx(60.0)
    assert first.title == "Reclaimed oak doors" and first.organisation_name


def test_matches_api_is_the_buyers(
    client, token_for, wanted, buyer, make_user, make_building, make_lot, make_listing
):
    listing = doors_listing(make_user, make_building, make_lot, make_listing, BRUMMEN, 20)
    response = client.get(f"/api/v1/wanted/{wanted.id}/matches", headers=token_for(buyer))
    assert response.status_code == 200, response.json
    assert response.json["total"] == 1
    item = response.json["items"][0]
    assert (item["kind"], item["listing_id"], item["covers"]) == ("listing", listing.id, 20)
    assert item["distance_km"] == pytest.approx(6.6, abs=0.1)
    assert item["co2_avoided_kg"] == pytest.approx(net(500.0, 120.0, BRUMMEN))
    assert (
        client.get(f"/api/v1/wanted/{wanted.id}/matches?x=1", headers=token_for(buyer)).status_code
        == 422
    )


def notes_of(db, user, kind):
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == kind)
    ).all()


def test_publish_tells_the_buyer_and_the_seller(
    client, db, token_for, wanted, buyer, make_user, make_building, make_lot, make_listing
):
    seller, lot = doors_lot(make_user, make_building, make_lot, BRUMMEN, 20)
    draft = make_listing(seller, lot=lot, publish=False)
    measured([draft])
    response = client.post(f"/api/v1/listings/{draft.id}/publish", headers=token_for(seller))
    assert response.status_code == 200, response.json
    told = notes_of(db, buyer, "wanted_match")
    assert [(n.wanted_request_id, n.listing_id) for n in told] == [(wanted.id, draft.id)]
    assert "Doors for the Zutphen school" in told[0].text
    demand = notes_of(db, seller, "wanted_demand")
    assert [(n.wanted_request_id, n.listing_id) for n in demand] == [(wanted.id, draft.id)]
    # Once per request and listing.
    assert wanted_services.notify_wanted_for_listing(db.session.get(Listing, draft.id)) == []


def test_planned_demolition_tells_the_buyer_and_the_owner(
    client, db, token_for, wanted, buyer, make_user, make_building, make_component, material_id
):
    owner = make_user("owner")
    building = make_building(owner, latitude=APELDOORN[0], longitude=APELDOORN[1])
    measured(
        [
            make_component(
                building,
                name="Flush door",
                category="door",
                quantity=24.0,
                unit="pcs",
                mass_kg=600.0,
                materials=[{"material_id": material_id("sawn-hardwood"), "fraction": 1.0}],
            )
        ]
    )
    assert notes_of(db, buyer, "wanted_match") == []
    planned = (date.today() + timedelta(days=40)).isoformat()
    url = f"/api/v1/buildings/{building.id}"
    response = client.patch(
        url,
        headers=token_for(owner),
        json={"status": "demolition_planned", "planned_date": planned},
    )
    assert response.status_code == 200, response.json
    told = notes_of(db, buyer, "wanted_match")
    assert [(n.wanted_request_id, n.building_id) for n in told] == [(wanted.id, building.id)]
    assert "24" in told[0].text and building.name in told[0].text
    demand = notes_of(db, owner, "wanted_demand")
    assert [(n.wanted_request_id, n.building_id) for n in demand] == [(wanted.id, building.id)]
    # Planned again (back in use, then demolition again): no second notice.
    client.patch(url, headers=token_for(owner), json={"status": "in_use"})
    client.patch(url, headers=token_for(owner), json={"status": "demolition_planned"})
    assert len(notes_of(db, buyer, "wanted_match")) == 1


def test_owner_sees_demand_and_offers(
    client,
    db,
    login,
    token_for,
    wanted,
    buyer,
    make_user,
    make_building,
    make_component,
    material_id,
):
    owner, building = doomed_building(
        make_user, make_building, make_component, material_id, APELDOORN, 24
    )
    component_id = building_components(db, building)[0]
    login(owner)
    page = client.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert "Doors for the Zutphen school" in page
    assert "1 buyer wants components like these" in page
    # Someone else may not offer this building's components.
    stranger = make_user("owner")
    refused = client.post(
        f"/api/v1/wanted/{wanted.id}/offers",
        headers=token_for(stranger),
        json={"building_id": building.id, "component_ids": [component_id]},
    )
    assert refused.status_code in (403, 404)
    response = client.post(
        f"/api/v1/wanted/{wanted.id}/offers",
        headers=token_for(owner),
        json={"building_id": building.id, "component_ids": [component_id]},
    )
    assert response.status_code == 201, response.json
    listing = db.session.get(Listing, response.json["id"])
    assert (listing.status, listing.wanted_request_id) == ("draft", wanted.id)
    told = notes_of(db, buyer, "wanted_offer")
    assert [(n.wanted_request_id, n.listing_id) for n in told] == [(wanted.id, listing.id)]
    # The same components cannot be offered twice.
    again = client.post(
        f"/api/v1/wanted/{wanted.id}/offers",
        headers=token_for(owner),
        json={"building_id": building.id, "component_ids": [component_id]},
    )
    assert again.status_code == 409
    # The buyer sees the offer; another seller sees requests but not others' offers.
    offers = client.get(f"/api/v1/wanted/{wanted.id}/offers", headers=token_for(buyer)).json
    assert [o["id"] for o in offers["items"]] == [listing.id]
    other = client.get(f"/api/v1/wanted/{wanted.id}/offers", headers=token_for(stranger)).json
    assert other["items"] == []


def building_components(db, building):
    from passports.models import Component

    return db.session.scalars(
        select(Component.id).where(Component.building_id == building.id).order_by(Component.id)
    ).all()


def test_owner_offers_from_the_building_page(
    client, db, login, wanted, buyer, make_user, make_building, make_component, material_id
):
    owner, building = doomed_building(
        make_user, make_building, make_component, material_id, APELDOORN, 24
    )
    login(owner)
    page = f"/buildings/{building.id}"
    response = client.submit(f"{page}/wanted/{wanted.id}/offer", {}, page=page)
    assert response.status_code == 303, response.get_data(as_text=True)
    listing = db.session.scalar(select(Listing).where(Listing.wanted_request_id == wanted.id))
    assert response.headers["Location"].endswith(f"/exchange/listings/{listing.id}")
    assert listing.status == "draft" and listing.quantity == 24
    assert len(notes_of(db, buyer, "wanted_offer")) == 1
    # Offered: the building page no longer lists the request, and the buyer sees the offer.
    assert 'id="wanted"' not in client.get(page).get_data(as_text=True)
    reader = client.application.test_client()
    reader.submit("/login", {"email": buyer.email, "password": PASSWORD})
    detail = reader.get(f"/exchange/wanted/{wanted.id}").get_data(as_text=True)
    assert f"/exchange/listings/{listing.id}" not in detail  # a draft: not the buyer's to open
    assert owner.organisation.name in detail

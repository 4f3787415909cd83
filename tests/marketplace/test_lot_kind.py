"""A lot is components of one kind: one unit, one category, one main material, and measures
within LOT_TOLERANCE_MM of each other. Anything else is refused with a 409 on component_ids
that says what differs; a lot of one kind carries its category and measures."""

import pytest

from marketplace.models import Listing


@pytest.fixture
def owner(make_user):
    return make_user("owner")


def create(client, headers, building_id, ids, **body):
    return client.post(
        f"/api/v1/buildings/{building_id}/listings",
        headers=headers,
        json={"title": "Lot", "price_basis": "free", "component_ids": ids, **body},
    )


def _messages(response) -> str:
    assert response.status_code == 409, response.json
    return " ".join(response.json["errors"]["component_ids"])


def test_window_sills_and_a_hardwood_door_are_not_one_lot(
    client, db, owner, make_lot, make_component, material_id, token_for
):
    building, (door,) = make_lot(owner, quantity=1.0, width_mm=830.0, height_mm=2110.0)
    sills = make_component(
        building,
        name="Window sill, blue stone",
        category="window",
        quantity=12.0,
        unit="pcs",
        mass_kg=180.0,
        status="in_storage",
        materials=[{"material_id": material_id("granite"), "fraction": 1.0}],
        width_mm=1200.0,
        depth_mm=60.0,
    )
    response = create(client, token_for(owner), building.id, [door.id, sills.id])
    text = _messages(response)
    assert "components of one kind" in text
    assert "different categories: Door, Window" in text
    assert "main materials differ: Sawn hardwood, Granite" in text
    assert "widths differ by more than 10 mm: 830 and 1,200 mm" in text
    db.session.rollback()
    assert db.session.query(Listing).count() == 0


def test_doors_of_other_sizes_are_not_one_lot_but_within_the_tolerance_they_are(
    client, app, db, owner, make_lot, make_component, material_id, token_for
):
    headers = token_for(owner)
    building, (narrow,) = make_lot(owner, width_mm=830.0, height_mm=2110.0, depth_mm=40.0)
    oak = [{"material_id": material_id("sawn-hardwood"), "fraction": 1.0}]
    door = {"category": "door", "unit": "pcs", "status": "in_storage", "materials": oak}
    wide = make_component(
        building,
        name="Oak door, wide",
        quantity=10.0,
        mass_kg=300.0,
        width_mm=930.0,
        height_mm=2110.0,
        **door,
    )
    text = _messages(create(client, headers, building.id, [narrow.id, wide.id]))
    assert text == (
        "A lot is made of components of one kind. "
        "Their widths differ by more than 10 mm: 830 and 930 mm."
    )
    # 5 mm apart, one without a recorded depth: one lot, whose measures are the mean by
    # quantity (40 doors of 830 mm, 10 of 835 mm).
    close = make_component(
        building,
        name="Oak door",
        quantity=10.0,
        mass_kg=300.0,
        width_mm=835.0,
        height_mm=2115.0,
        **door,
    )
    created = create(client, headers, building.id, [narrow.id, close.id])
    assert created.status_code == 201, created.json
    body = created.json
    assert body["category"] == "door"
    assert (body["width_mm"], body["height_mm"], body["depth_mm"], body["length_mm"]) == (
        831.0,
        2111.0,
        40.0,
        None,
    )
    # 40 doors of 25 kg and 10 of 30 kg.
    assert body["unit_mass_kg"] == pytest.approx(26.0)

    # A wider tolerance for the instance takes the wide door in.
    app.config["LOT_TOLERANCE_MM"] = 100
    _b, (other,) = make_lot(owner, building=building, width_mm=830.0)
    assert create(client, headers, building.id, [other.id, wide.id]).status_code == 201


def test_the_listing_page_and_card_show_the_lot_s_measures(
    client, db, owner, make_lot, make_listing, login, make_user
):
    lot = make_lot(owner, count=2, quantity=10.0, width_mm=830.0, height_mm=2110.0, depth_mm=40.0)
    listing = make_listing(owner, lot=lot, title="Interior doors 830")
    buyer = make_user("buyer")
    login(buyer)
    page = client.get(f"/exchange/listings/{listing.id}").get_data(as_text=True)
    assert "830 × 2,110 × 40 mm" in page
    results = client.get("/exchange?q=doors").get_data(as_text=True)
    assert "830 × 2,110 × 40 mm" in results
    dutch = client.get(f"/exchange/listings/{listing.id}", headers={"Accept-Language": "nl"})
    assert "830 × 2.110 × 40 mm" in dutch.get_data(as_text=True)

"""Searching the exchange by measures with a tolerance: the API, the page and saved searches;
bad measures and a tolerance without a measure are refused with field messages."""

import pytest


@pytest.fixture
def seller(make_user):
    return make_user("owner")


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


@pytest.fixture
def headers(buyer, token_for):
    return token_for(buyer)


@pytest.fixture
def doors(seller, make_lot, make_listing):
    """Three published lots of doors of different sizes, and one of unknown size."""

    def lot(title, **measures):
        return make_listing(seller, lot=make_lot(seller, quantity=10.0, **measures), title=title)

    lot("Doors 830 × 2110", width_mm=830.0, height_mm=2110.0, depth_mm=40.0)
    lot("Doors 838 × 2115", width_mm=838.0, height_mm=2115.0)
    lot("Doors 930 × 2315", width_mm=930.0, height_mm=2315.0, depth_mm=54.0)
    lot("Doors, size not recorded")


def titles(client, headers, **params) -> list[str]:
    response = client.get("/api/v1/listings", query_string=params, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return sorted(item["title"] for item in response.json["items"])


def test_the_api_finds_lots_within_the_tolerance(client, headers, doors):
    # 10 mm unless told otherwise: 838 is 8 mm off, 2115 is 5 mm off.
    assert titles(client, headers, width_mm=830, height_mm=2110) == [
        "Doors 830 × 2110",
        "Doors 838 × 2115",
    ]
    assert titles(client, headers, width_mm=830, height_mm=2110, tolerance_mm=5) == [
        "Doors 830 × 2110"
    ]
    assert titles(client, headers, width_mm=830, tolerance_mm=0) == ["Doors 830 × 2110"]
    assert titles(client, headers, width_mm=900, tolerance_mm=100) == [
        "Doors 830 × 2110",
        "Doors 838 × 2115",
        "Doors 930 × 2315",
    ]
    # A lot whose depth is not recorded cannot promise one.
    assert titles(client, headers, width_mm=830, depth_mm=40) == ["Doors 830 × 2110"]
    assert titles(client, headers, length_mm=2110) == []
    body = client.get("/api/v1/listings", query_string={"width_mm": 930}, headers=headers).json[
        "items"
    ][0]
    assert (body["width_mm"], body["height_mm"], body["depth_mm"]) == (930.0, 2315.0, 54.0)
    assert body["category"] == "door" and body["unit_mass_kg"] == pytest.approx(25.0)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"width_mm": -830}, "width_mm"),
        ({"height_mm": 0}, "height_mm"),
        ({"width_mm": 830, "tolerance_mm": -1}, "tolerance_mm"),
        ({"tolerance_mm": 10}, "tolerance_mm"),
        ({"depth_mm": "thick"}, "depth_mm"),
    ],
)
def test_bad_measures_are_422_with_the_field(client, headers, params, field):
    response = client.get("/api/v1/listings", query_string=params, headers=headers)
    assert response.status_code == 422
    errors = response.json["errors"]
    assert field in str(errors), errors


def test_the_spec_states_that_a_tolerance_needs_a_measure(client):
    spec = client.get("/api/v1/openapi.json").json
    query = spec["components"]["schemas"]["ListingQueryArgs"]
    assert {"properties": {"tolerance_mm": {"not": {}}}} in query["allOf"][0]["anyOf"]
    assert query["properties"]["tolerance_mm"]["minimum"] == 0


def test_the_search_page_takes_the_measures(client, login, buyer, doors):
    login(buyer)
    page = client.get("/exchange?width_mm=830&height_mm=2110")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Doors 838 × 2115" in html and "Doors 930 × 2315" not in html
    assert "830 mm wide · 2,110 mm high · ± 10 mm" in html
    assert 'name="width_mm"' in html and 'value="830"' in html
    bad = client.get("/exchange?tolerance_mm=5")
    assert bad.status_code == 422
    assert "A tolerance needs a width, height, depth or length" in bad.get_data(as_text=True)
    dutch = client.get(
        "/exchange?width_mm=830&tolerance_mm=12.5", headers={"Accept-Language": "nl"}
    )
    assert "± 12,5 mm" in dutch.get_data(as_text=True)


def test_a_saved_search_keeps_its_measures_and_matches_a_new_lot(
    client, db, buyer, seller, headers, make_lot, make_listing, token_for
):
    params = {"width_mm": 830, "height_mm": 2110, "tolerance_mm": 10}
    saved = client.post(
        "/api/v1/saved-searches", headers=headers, json={"name": "Doors 830", "params": params}
    )
    assert saved.status_code == 201, saved.json
    assert saved.json["params"] == {
        "width_mm": 830.0,
        "height_mm": 2110.0,
        "tolerance_mm": 10.0,
        "sort": "relevance",
    }
    assert "width_mm=830" in saved.json["url"]
    bad = client.post(
        "/api/v1/saved-searches",
        headers=headers,
        json={"name": "Loose", "params": {"tolerance_mm": 10}},
    )
    assert bad.status_code == 422
    for title, width in (("Wide", 930.0), ("Close", 834.0)):
        lot = make_lot(seller, width_mm=width, height_mm=2105.0)
        draft = make_listing(seller, lot=lot, title=title, publish=False)
        published = client.post(f"/api/v1/listings/{draft.id}/publish", headers=token_for(seller))
        assert published.status_code == 200, published.json
    inbox = client.get("/api/v1/notifications", headers=headers).json["items"]
    assert len(inbox) == 1 and "Close" in inbox[0]["message"]

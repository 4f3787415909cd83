"""Search of the exchange, through the API and the page: full text, every filter, facets that
reflect the other filters, every sort, pagination, distance, provenance, CO2, bad input and
who may search. Expected figures are worked out by hand in the comments."""

import re
from datetime import date
from datetime import timedelta

import pytest
from sqlalchemy import update

from app.models import utcnow
from marketplace import services
from marketplace.models import Listing

# Great-circle distances (haversine, R = 6371.0088 km), worked by hand:
# Brummen (52.09, 6.15) → Zutphen (52.14, 6.20): Δφ = Δλ = 0.05° = 8.7266e-4 rad,
#   a = sin²(Δφ/2) + cos 52.09° · cos 52.14° · sin²(Δλ/2)
#     = 1.90385e-7 + 0.61448 · 0.61379 · 1.90385e-7 = 2.62192e-7,
#   d = 2R · asin(√a) = 2 · 6371.0088 · 5.12047e-4 = 6.524 km.
# Brummen → Copenhagen (55.68, 12.57): Δφ = 3.59°, Δλ = 6.42°,
#   a = sin²(1.795°) + 0.61448 · 0.56360 · sin²(3.21°) = 9.8126e-4 + 0.34632 · 3.1355e-3
#     = 2.0672e-3, d = 2R · asin(0.045466) = 579.5 km.
BRUMMEN, ZUTPHEN, COPENHAGEN = (52.09, 6.15), (52.14, 6.20), (55.68, 12.57)
BRUMMEN_ZUTPHEN_KM, BRUMMEN_COPENHAGEN_KM = 6.524, 579.56
PLACES = {"Brummen": BRUMMEN, "Zutphen": ZUTPHEN, "København": COPENHAGEN}
MATERIAL = {
    "bricks": "common-clay-brick",
    "oak": "sawn-hardwood",
    "steel": "structural-steel-section",
    "glass": "float-glass",
    "blocks": "concrete-block",
}


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
def offer(db, seller, make_building, make_lot, make_listing, material_id):
    """Publish a listing of one lot: offer("Title", city="Zutphen", material="bricks", ...)."""

    def build(
        title,
        *,
        city="Brummen",
        material="oak",
        quantity=10.0,
        unit="t",
        condition=4,
        manufacturer="",
        description="",
        year_built=1970,
        publish=True,
        building_name=None,
        **fields,
    ):
        lat, lon = PLACES[city]
        building = make_building(
            seller,
            city=city,
            latitude=lat,
            longitude=lon,
            year_built=year_built,
            **({"name": building_name} if building_name else {}),
        )
        mass = quantity * 1000.0 if unit == "t" else quantity * 25.0
        lot = make_lot(
            seller,
            building=building,
            quantity=quantity,
            unit=unit,
            mass_kg=mass,
            condition=condition,
            manufacturer=manufacturer,
            name=f"{title} lot",
            materials=[{"material_id": material_id(MATERIAL[material]), "fraction": 1.0}],
        )
        return make_listing(
            seller, lot=lot, title=title, description=description, publish=publish, **fields
        )

    return build


def find(client, headers, **params):
    response = client.get("/api/v1/listings", query_string=params, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def titles(body) -> list[str]:
    return [item["title"] for item in body["items"]]


def facet(body, name) -> dict:
    return {f["value"]: f["count"] for f in body["facets"][name]}


# ------------------------------------------------------------------------------ full text
def test_words_of_title_description_material_and_manufacturer_match(client, headers, offer):
    offer("Reclaimed facade bricks", material="bricks")
    offer("Oak doors", description="Solid panels from the council chamber")
    offer("Beams", material="steel", manufacturer="ArcelorMittal")
    offer("Window panes", material="glass")
    assert titles(find(client, headers, q="facade")) == ["Reclaimed facade bricks"]
    assert titles(find(client, headers, q="chamber")) == ["Oak doors"]
    assert titles(find(client, headers, q="hardwood")) == ["Oak doors"]  # Sawn hardwood
    assert titles(find(client, headers, q="arcelormittal")) == ["Beams"]
    assert titles(find(client, headers, q="float")) == ["Window panes"]  # Float glass
    assert find(client, headers, q="granite")["total"] == 0


def test_every_word_must_match_as_a_prefix_in_any_case(client, headers, offer):
    offer("Reclaimed facade bricks", material="bricks")
    offer("Oak doors")
    assert titles(find(client, headers, q="BRIC")) == ["Reclaimed facade bricks"]
    assert titles(find(client, headers, q="reclai fac")) == ["Reclaimed facade bricks"]
    assert find(client, headers, q="reclaimed oak")["total"] == 0
    assert titles(find(client, headers, q="Oak DOOR")) == ["Oak doors"]


def test_accents_and_special_letters_fold_the_same_way_on_both_databases(client, headers, offer):
    offer("Béton cellulaire", description="Façade blocks from Malmö")
    offer("Mursten fra København", material="bricks", manufacturer="Straße & Søn")
    assert titles(find(client, headers, q="beton")) == ["Béton cellulaire"]
    assert titles(find(client, headers, q="BÉTON façade")) == ["Béton cellulaire"]
    assert titles(find(client, headers, q="malmo")) == ["Béton cellulaire"]
    assert titles(find(client, headers, q="kobenhavn")) == ["Mursten fra København"]
    assert titles(find(client, headers, q="københ")) == ["Mursten fra København"]
    assert titles(find(client, headers, q="strasse son")) == ["Mursten fra København"]
    assert titles(find(client, headers, q="straße")) == ["Mursten fra København"]


def test_punctuation_in_a_query_is_ignored(client, headers, offer):
    offer("Oak doors")
    assert titles(find(client, headers, q='oak" * ( doors: -')) == ["Oak doors"]
    assert find(client, headers, q="_ - ;")["total"] == 1  # no words: no text condition


# ------------------------------------------------------------------------------ filters
def test_cpv_prefix_check_digit_and_padded_codes(client, headers, offer):
    offer("Bricks", material="bricks")  # 44111100-2
    offer("Blocks", material="blocks")  # 44111600-7
    offer("Beams", material="steel")  # 44212520-0
    offer("Oak", material="oak")  # 03419000-0
    assert sorted(titles(find(client, headers, cpv="4411"))) == ["Blocks", "Bricks"]
    assert sorted(titles(find(client, headers, cpv="44"))) == ["Beams", "Blocks", "Bricks"]
    assert sorted(titles(find(client, headers, cpv="44111000"))) == ["Blocks", "Bricks"]
    assert titles(find(client, headers, cpv="44111100-2")) == ["Bricks"]
    assert titles(find(client, headers, cpv="03")) == ["Oak"]
    assert find(client, headers, cpv="45")["total"] == 0


def test_material_family_condition_and_city(client, headers, offer):
    offer("Bricks A", material="bricks", condition=5, city="Zutphen")
    offer("Bricks B", material="bricks", condition=3)
    offer("Oak", condition=4)
    assert sorted(titles(find(client, headers, material_family="masonry"))) == [
        "Bricks A",
        "Bricks B",
    ]
    assert sorted(titles(find(client, headers, condition_min=4))) == ["Bricks A", "Oak"]
    assert titles(find(client, headers, condition_min=5)) == ["Bricks A"]
    assert titles(find(client, headers, city="zutphen")) == ["Bricks A"]


def test_quantity_date_price_and_free(client, headers, offer):
    june = date.today() + timedelta(days=60)
    offer("Small", quantity=5.0)
    offer("Large", quantity=300.0, price_basis="fixed", price_eur=12.0)
    offer(
        "Later",
        quantity=300.0,
        available_from=june + timedelta(days=10),
        price_basis="fixed",
        price_eur=30.0,
    )
    offer("Ask", quantity=50.0, price_basis="on_request")
    assert sorted(titles(find(client, headers, min_quantity=275))) == ["Large", "Later"]
    assert sorted(
        titles(find(client, headers, min_quantity=275, available_by=june.isoformat()))
    ) == ["Large"]
    assert sorted(titles(find(client, headers, max_price=20))) == ["Large", "Small"]
    assert titles(find(client, headers, max_price=0)) == ["Small"]
    assert titles(find(client, headers, free="true")) == ["Small"]


def test_radius_with_real_coordinates(client, headers, offer):
    offer("Here", city="Brummen")
    offer("Zutphen lot", city="Zutphen")
    offer("Copenhagen lot", city="København")
    lat, lon = BRUMMEN
    near = find(client, headers, lat=lat, lon=lon, radius_km=5, sort="distance")
    assert titles(near) == ["Here"]
    assert near["items"][0]["distance_km"] == pytest.approx(0.0, abs=1e-6)
    # 6.524 km: inside a 7 km circle, outside a 6.5 km one.
    assert titles(find(client, headers, lat=lat, lon=lon, radius_km=6.5)) == ["Here"]
    seven = find(client, headers, lat=lat, lon=lon, radius_km=7, sort="distance")
    assert titles(seven) == ["Here", "Zutphen lot"]
    assert seven["items"][1]["distance_km"] == pytest.approx(BRUMMEN_ZUTPHEN_KM, abs=0.001)
    everything = find(client, headers, lat=lat, lon=lon, sort="distance")
    assert titles(everything) == ["Here", "Zutphen lot", "Copenhagen lot"]
    assert everything["items"][2]["distance_km"] == pytest.approx(BRUMMEN_COPENHAGEN_KM, abs=0.05)
    assert find(client, headers, lat=lat, lon=lon, radius_km=579)["total"] == 2
    assert find(client, headers, lat=lat, lon=lon, radius_km=580)["total"] == 3


def test_listings_without_a_location_sort_last_by_distance(client, db, headers, offer):
    nowhere = offer("Nowhere")
    db.session.execute(
        update(Listing)
        .where(Listing.id == nowhere.id)
        .values(pickup_latitude=None, pickup_longitude=None)
    )
    db.session.commit()
    offer("Zutphen lot", city="Zutphen")
    body = find(client, headers, lat=BRUMMEN[0], lon=BRUMMEN[1], sort="distance")
    assert titles(body) == ["Zutphen lot", "Nowhere"]
    assert body["items"][1]["distance_km"] is None
    assert titles(find(client, headers, lat=BRUMMEN[0], lon=BRUMMEN[1], radius_km=1000)) == [
        "Zutphen lot"
    ]


# ------------------------------------------------------------------------------ facets
def test_facets_count_with_the_other_filters_but_not_their_own(client, headers, offer):
    offer("B1", material="bricks", city="Brummen", condition=5)
    offer("B2", material="bricks", city="Zutphen", condition=3)
    offer("B3", material="bricks", city="Zutphen", condition=4)
    offer("S1", material="steel", city="Zutphen", condition=4)
    offer("O1", material="oak", city="Brummen", condition=2)
    offer("O2", material="oak", city="Zutphen", condition=5)
    body = find(client, headers, material_family="masonry", city="Zutphen")
    assert sorted(titles(body)) == ["B2", "B3"] and body["total"] == 2
    # Family counts ignore the family filter but keep the city: Zutphen has B2, B3 (masonry),
    # S1 (steel), O2 (timber).
    assert facet(body, "material_family") == {"masonry": 2, "steel": 1, "timber": 1}
    # City counts ignore the city filter but keep masonry: B1 in Brummen, B2, B3 in Zutphen.
    assert facet(body, "city") == {"Zutphen": 2, "Brummen": 1}
    # Conditions of masonry in Zutphen: 3 (B2) and 4 (B3); each entry is "that or better".
    assert facet(body, "condition") == {4: 1, 3: 2}
    # Divisions of masonry in Zutphen: both bricks are 44…
    assert facet(body, "cpv_division") == {"44": 2}
    labels = {f["value"]: f["label"] for f in body["facets"]["cpv_division"]}
    assert labels["44"].startswith("Construction structures and materials")


def test_condition_and_cpv_facets_ignore_only_their_own_filter(client, headers, offer):
    offer("B1", material="bricks", condition=5)
    offer("B2", material="bricks", condition=3)
    offer("S1", material="steel", condition=4)
    offer("O1", material="oak", condition=4)
    body = find(client, headers, condition_min=4, cpv="4411")
    assert titles(body) == ["B1"]
    # Condition counts ignore condition_min, keep cpv 4411 (B1 grade 5, B2 grade 3).
    assert facet(body, "condition") == {5: 1, 3: 2}
    # Division counts ignore cpv, keep condition ≥ 4: B1 (44), S1 (44), O1 (03).
    assert facet(body, "cpv_division") == {"44": 2, "03": 1}
    assert facet(body, "material_family") == {"masonry": 1}
    assert facet(body, "city") == {"Brummen": 1}


def test_facets_follow_the_text_query(client, headers, offer):
    offer("Facade bricks", material="bricks", city="Zutphen")
    offer("Garden bricks", material="bricks")
    offer("Oak doors")
    body = find(client, headers, q="bricks")
    assert facet(body, "material_family") == {"masonry": 2}
    assert facet(body, "city") == {"Brummen": 1, "Zutphen": 1}


# ------------------------------------------------------------------------------ sorts
def test_every_sort(client, db, headers, offer):
    today = date.today()
    a = offer(
        "Oak doors",
        description="bricks were nearby",
        quantity=2.0,
        city="Zutphen",
        available_from=today + timedelta(days=20),
    )
    b = offer("Bricks", material="bricks", quantity=100.0, city="København")
    c = offer(
        "Brick arches", material="bricks", quantity=40.0, available_from=today + timedelta(days=5)
    )
    now = utcnow()
    for listing, days in ((a, 3), (b, 1), (c, 2)):
        db.session.execute(
            update(Listing)
            .where(Listing.id == listing.id)
            .values(published_at=now - timedelta(days=days))
        )
    db.session.commit()
    lat, lon = BRUMMEN

    def order(sort, **extra):
        return titles(find(client, headers, sort=sort, **extra))

    # Title matches (weight A) rank above a description match (weight C).
    assert order("relevance", q="brick")[-1] == "Oak doors"
    assert set(order("relevance", q="brick")[:2]) == {"Bricks", "Brick arches"}
    assert order("relevance") == ["Bricks", "Brick arches", "Oak doors"]  # no words: newest
    assert order("newest") == ["Bricks", "Brick arches", "Oak doors"]
    assert order("distance", lat=lat, lon=lon) == ["Brick arches", "Oak doors", "Bricks"]
    # Available now (no date) first, then the earliest date.
    assert order("available_from") == ["Bricks", "Brick arches", "Oak doors"]
    # CO2 avoided grows with the brick mass: 100 t, then 40 t; 2 t of oak avoids the least.
    assert order("co2_avoided") == ["Bricks", "Brick arches", "Oak doors"]


def test_pagination_totals(client, headers, offer, seller, make_lot, make_listing):
    for i in range(12):
        offer(f"Lot {i:02d}")
    pages = [find(client, headers, page=p, per_page=5, sort="newest") for p in (1, 2, 3, 4)]
    assert [len(p["items"]) for p in pages] == [5, 5, 2, 0]
    assert {p["total"] for p in pages} == {12}
    seen = [t for p in pages for t in titles(p)]
    assert sorted(seen) == [f"Lot {i:02d}" for i in range(12)]
    assert pages[1]["page"] == 2 and pages[1]["per_page"] == 5


# ------------------------------------------------------------------------------ results
def test_result_has_provenance_distance_and_co2(client, headers, offer, app):
    listing = offer(
        "Reclaimed facade bricks",
        material="bricks",
        quantity=275.0,
        city="Zutphen",
        year_built=1934,
        building_name="Gasthuis Zutphen",
    )
    body = find(client, headers, q="bricks", lat=BRUMMEN[0], lon=BRUMMEN[1])
    item = body["items"][0]
    assert item["id"] == listing.id and item["url"] == f"/exchange/listings/{listing.id}"
    assert item["cpv_code"] == "44111100-2" and item["cpv_label"] == "Bricks"
    p = item["provenance"]
    assert (p["building"], p["city"], p["year_built"]) == ("Gasthuis Zutphen", "Zutphen", 1934)
    tag = listing.items[0].component.tag
    assert p["components"][0]["tag"] == tag
    assert p["components"][0]["tag_url"] == f"https://mpx.test/t/{tag}"
    # 275 t of common clay brick: 275,000 kg × (0.24 − 0.0027) kgCO2e/kg = 65,257.5 kg.
    assert item["mass_kg"] == pytest.approx(275_000)
    assert item["co2_avoided_kg"] == pytest.approx(65_257.5)
    # Less the haul from Zutphen: 275 t × 6.524 km × 0.107 kgCO2e/tkm = 191.97 kg.
    assert item["distance_km"] == pytest.approx(BRUMMEN_ZUTPHEN_KM, abs=0.001)
    assert item["co2_avoided_here_kg"] == pytest.approx(65_257.5 - 191.97, abs=0.1)
    assert find(client, headers)["items"][0]["co2_avoided_here_kg"] == pytest.approx(65_257.5)


def test_drafts_withdrawn_sold_out_and_expired_listings_never_appear(
    client, db, headers, offer, seller
):
    offer("Visible bricks", material="bricks")
    offer("Draft bricks", material="bricks", publish=False)
    withdrawn = offer("Withdrawn bricks", material="bricks")
    services.withdraw_listing(db.session.get(Listing, withdrawn.id))
    expired = offer(
        "Expired bricks", material="bricks", available_until=date.today() + timedelta(days=3)
    )
    sold = offer("Sold bricks", material="bricks")
    # The window ended yesterday, before any job marked the listing expired.
    db.session.execute(
        update(Listing)
        .where(Listing.id == expired.id)
        .values(available_until=date.today() - timedelta(days=1))
    )
    db.session.execute(
        update(Listing).where(Listing.id == sold.id).values(status="sold_out", quantity_available=0)
    )
    db.session.commit()
    for params in (
        {},
        {"q": "bricks"},
        {"material_family": "masonry"},
        {"lat": 52.09, "lon": 6.15, "radius_km": 50, "sort": "distance"},
    ):
        body = find(client, headers, **params)
        assert titles(body) == ["Visible bricks"], params
        assert body["total"] == 1 and facet(body, "material_family") == {"masonry": 1}


# ------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    "params, field",
    [
        ({"cpv": "44a1"}, "cpv"),
        ({"cpv": "bricks"}, "cpv"),
        ({"cpv": "441111000"}, "cpv"),
        ({"min_quantity": -5}, "min_quantity"),
        ({"min_quantity": "lots"}, "min_quantity"),
        ({"radius_km": 50}, "radius_km"),
        ({"lat": 52.1, "radius_km": 50}, "lon"),
        ({"sort": "distance"}, "sort"),
        ({"sort": "cheapest"}, "sort"),
        ({"condition_min": 6}, "condition_min"),
        ({"available_by": "June"}, "available_by"),
        ({"lat": 91, "lon": 6}, "lat"),
        ({"material_family": "wood"}, "material_family"),
        ({"max_price": -1}, "max_price"),
    ],
)
def test_bad_search_input_is_422_with_field_messages(client, headers, params, field):
    response = client.get("/api/v1/listings", query_string=params, headers=headers)
    assert response.status_code == 422
    body = response.json
    assert body["code"] == 422 and field in str(body["errors"]), body


def test_bad_input_on_the_page_is_422_with_the_messages_next_to_the_fields(client, login, buyer):
    login(buyer)
    response = client.get("/exchange?cpv=abc&min_quantity=-3&radius_km=50")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="cpv-error"' in html and "A CPV code or its first digits." in html
    assert 'id="min_quantity-error"' in html
    assert 'id="radius_km-error"' in html and "needs a latitude and longitude" in html
    assert 'value="abc"' in html  # what was typed stays in the form


# ------------------------------------------------------------------------------ who
def test_visitors_search_without_an_account(client):
    # The exchange is open to visitors (tests/marketplace/test_visitors.py); a token that
    # does not hold is still refused.
    assert client.get("/api/v1/listings").status_code == 200
    assert client.get("/exchange").status_code == 200
    response = client.get("/api/v1/listings", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401 and response.json["code"] == 401


@pytest.mark.parametrize("role", ["buyer", "owner", "contractor", "admin"])
def test_every_role_may_search(client, make_user, token_for, offer, role):
    offer("Oak doors")
    user = make_user(role)
    assert titles(find(client, token_for(user), q="oak")) == ["Oak doors"]


# ------------------------------------------------------------------------------ the page
def test_the_page_shows_results_with_provenance_facets_and_links(client, login, buyer, offer):
    listing = offer(
        "Reclaimed facade bricks",
        material="bricks",
        quantity=275.0,
        city="Zutphen",
        year_built=1934,
        building_name="Gasthuis Zutphen",
    )
    offer("Oak doors")
    login(buyer)
    response = client.get("/exchange?q=bricks&lat=52.09&lon=6.15")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Reclaimed facade bricks" in html and "Oak doors" not in html
    assert f'href="/exchange/listings/{listing.id}"' in html and "View listing" in html
    assert "Gasthuis Zutphen" in html and "built 1934" in html
    tag = listing.items[0].component.tag
    assert f'href="/t/{tag}"' in html
    assert "6.5 km" in html  # 6.524 km
    assert "≈ 65.1 t CO₂e" in html  # 65,257.5 − 191.97 kg
    # Facets are links that set their filter, keeping the search.
    assert re.search(r'href="/exchange\?[^"]*material_family=masonry', html)
    assert "44111000 – Building materials" in html  # the CPV choices by name
    assert 'src="/static/js/geo.js"' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)", html) and " style=" not in html


def test_the_page_measures_from_the_organisations_first_building(
    client, login, make_user, make_building, offer
):
    offer("Zutphen lot", city="Zutphen")
    buyer = make_user("buyer")
    make_building(buyer, name="Depot", latitude=None, longitude=None)
    make_building(buyer, name="Raadhuis", city="Brummen", latitude=52.09, longitude=6.15)
    login(buyer)
    html = client.get("/exchange").get_data(as_text=True)
    assert 'value="52.09000"' in html and 'value="6.15000"' in html
    assert "From Raadhuis, Brummen" in html and "6.5 km" in html
    # An emptied location means no point at all, and a radius then needs one.
    response = client.get("/exchange?lat=&lon=&radius_km=10")
    assert response.status_code == 422


def test_a_facet_link_filters_and_an_active_facet_link_removes_its_filter(
    client, login, buyer, offer
):
    offer("Bricks", material="bricks")
    offer("Oak doors")
    login(buyer)
    html = client.get("/exchange?material_family=masonry").get_data(as_text=True)
    assert "Oak doors" not in html
    active = re.search(r'<a class="facet-link is-active" href="([^"]+)"', html)
    assert active and "material_family" not in active.group(1)
    assert "Oak doors" in client.get(active.group(1).replace("&amp;", "&")).get_data(as_text=True)


@pytest.mark.parametrize(
    "query, field",
    [
        ("materal_family=timber", "materal_family"),
        ("page=abc", "page"),
        ("per_page=500", "per_page"),
    ],
)
def test_unknown_or_bad_paging_arguments_are_422_not_ignored(client, headers, query, field):
    response = client.get(f"/api/v1/listings?{query}", headers=headers)
    assert response.status_code == 422
    assert field in response.json["errors"]["query"]

"""The city dashboard's urban mine: surveyed + estimated with its range, the shares surveyed, the
estimate's error where a passport surveys a register building, future supply per year next to
the exchange's listings and requests, in the page and the API, and who may see it."""

import pytest

from tests.dashboard import mine_world
from tests.dashboard.mine_world import NEXT_YEAR
from tests.dashboard.mine_world import REGISTER


@pytest.fixture
def world(db, make_user, make_building, make_component, material_id):
    return mine_world.build(db, make_user, make_building, make_component, material_id)


def test_the_city_api_adds_the_estimate_to_the_surveyed_mine(client, world, token_for):
    d = client.get("/api/v1/dashboard/cities/BRUMMEN", headers=token_for(world.owner)).json
    mine = d["mine"]
    assert mine["register"] == {
        "register": 4,
        "with_passport": 1,
        "without_passport": 3,
        "estimated": 2,
        "not_estimated": 1,
        "floor_area_m2": 2120.0,
    }
    want = mine_world.estimate(REGISTER[:2])
    got = {f["family"]: f for f in mine["families"]}
    for family, (m, lo, hi) in want.items():
        assert got[family]["estimated_kg"] == pytest.approx(m)
        assert got[family]["estimated_low_kg"] == pytest.approx(lo)
        assert got[family]["estimated_high_kg"] == pytest.approx(hi)
    # Surveyed: the passports' own figures (20 t of brick, 30 t of concrete).
    assert got["masonry"]["surveyed_kg"] == pytest.approx(20000.0)
    assert got["concrete"]["surveyed_kg"] == pytest.approx(30000.0)
    assert mine["total"]["surveyed_kg"] == pytest.approx(d["mass_kg"])
    estimated = sum(m for m, _lo, _hi in want.values())
    assert mine["total"]["estimated_kg"] == pytest.approx(estimated)
    assert mine["surveyed_share_mass"] == pytest.approx(50000.0 / (50000.0 + estimated))
    # One building with a passport, three register buildings without.
    assert mine["buildings_total"] == 4
    assert mine["surveyed_share_buildings"] == pytest.approx(0.25)
    # The error of the estimate on the surveyed register building (BAG4, 500 m²).
    bag4 = mine_world.estimate(REGISTER[3:])
    mape = {r["family"]: r for r in mine["mape"]}
    assert mape["masonry"]["buildings"] == 1
    assert mape["masonry"]["mape_percent"] == pytest.approx(
        abs(bag4["masonry"][0] - 20000.0) / 20000.0 * 100
    )
    assert mine["mape_buildings"] == 1 and mine["trust"] == "few"


def test_future_supply_per_year_next_to_listings_and_requests(client, world, token_for):
    d = client.get("/api/v1/dashboard/cities/brummen", headers=token_for(world.owner)).json
    supply = d["future_supply"]
    assert supply["years"][0]["year"] == NEXT_YEAR - 1 and len(supply["years"]) == 10
    year = next(y for y in supply["years"] if y["year"] == NEXT_YEAR)
    masonry = next(f for f in year["families"] if f["family"] == "masonry")
    assert masonry["surveyed_kg"] == pytest.approx(20000.0)  # the town hall, due next year
    assert masonry["estimated_kg"] == pytest.approx(mine_world.estimate(REGISTER[:1])["masonry"][0])
    # Half the listed bricks are left; 5 t are asked for.
    assert masonry["listed_kg"] == pytest.approx(10000.0) and masonry["listings"] == 1
    assert masonry["wanted_kg"] == pytest.approx(5000.0) and masonry["wanted_requests"] == 1
    assert supply["years"][0]["total"]["estimated_kg"] == 0.0


def test_the_city_page_shows_the_mine_its_trust_and_its_method(client, world, login):
    login(world.owner)
    html = client.get("/dashboard/cities/Brummen").get_data(as_text=True)
    assert "The whole urban mine: surveyed and estimated" in html
    assert "1 building has no floor area in the register and is not estimated." in html
    assert "Only a few buildings are both estimated and surveyed" in html
    assert "https://doi.org/10.1038/s41597-019-0021-x" in html
    assert "Future supply from planned demolitions" in html
    assert f"/dashboard/cities/Brummen/monitoring/{NEXT_YEAR - 1}.pdf" in html
    # Dutch: the page speaks it (numbers and words).
    nl = client.get("/dashboard/cities/Brummen", headers={"Accept-Language": "nl"})
    assert nl.status_code == 200


def test_others_do_not_see_the_register_of_a_closed_city(client, world, make_user, token_for):
    stranger = make_user("owner")
    assert (
        client.get("/api/v1/dashboard/cities/Brummen", headers=token_for(stranger)).status_code
        == 404
    )
    admin = make_user("admin")
    d = client.get("/api/v1/dashboard/cities/Brummen", headers=token_for(admin)).json
    assert d["mine"]["register"]["register"] == 4

"""The register's read aggregates: the estimated mine by family equals the sum of the buildings'
own estimates, counts, planned demolitions per year, and the estimate's error on a building
that also has a passport."""

from datetime import date

import pytest

from mine import queries
from mine.estimate import embodied_carbon
from mine.estimate import estimate_building
from mine.intensity import period_for
from mine.intensity import region_key
from mine.intensity import structure_key
from mine.intensity import use_key
from mine.models import RegisterBuilding

# (register id, use, structure, year, floor area m², planned demolition)
BUILDINGS = (
    ("R1", "residential", "masonry", 1930, 120.0, date(2030, 5, 1)),
    ("R2", "residential", "masonry", 1935, 80.0, date(2030, 9, 1)),
    ("R3", "office", "concrete", 1985, 2000.0, date(2031, 1, 1)),
    ("R4", "office", "", 1960, None, None),
)


def key_for(use, structure, year, country="NL") -> str:
    return "|".join((use_key(use), structure_key(structure), period_for(year), region_key(country)))


def add_register(db, org, rows=BUILDINGS, city="Brummen", **extra):
    for register_id, use, structure, year, area, demolition in rows:
        db.session.add(
            RegisterBuilding(
                organisation_id=org.id,
                register_id=register_id,
                city=city,
                country="NL",
                use_type=use,
                structure=structure,
                year_built=year,
                floor_area_m2=area,
                planned_demolition=demolition,
                intensity_key=key_for(use, structure, year),
                **extra,
            )
        )
    db.session.commit()


def expected(rows=BUILDINGS) -> dict:
    """The sum of the per-building estimates (mine.estimate.estimate_building)."""
    total: dict = {}
    for _id, use, structure, year, area, _d in rows:
        for family, (m, lo, hi) in estimate_building(area, use, structure, year, "NL").items():
            t = total.setdefault(family, [0.0, 0.0, 0.0])
            t[0], t[1], t[2] = t[0] + m, t[1] + lo, t[2] + hi
    return total


def test_the_estimated_mine_is_the_sum_of_the_buildings_estimates(db, make_org):
    org = make_org()
    add_register(db, org)
    mine = queries.estimated_mine(queries.register_condition(organisation_id=org.id))
    want = expected()
    got = {r["family"]: r for r in mine["families"]}
    assert got.keys() == want.keys()
    for family, (m, lo, hi) in want.items():
        assert got[family]["mass_kg"] == pytest.approx(m)
        assert got[family]["low_kg"] == pytest.approx(lo)
        assert got[family]["high_kg"] == pytest.approx(hi)
    carbon = embodied_carbon({f: tuple(v) for f, v in want.items()})
    assert mine["total"]["carbon_a1a3_kg"] == pytest.approx(sum(c[0] for c in carbon.values()))
    assert mine["total"]["low_kg"] < mine["total"]["mass_kg"] < mine["total"]["high_kg"]
    assert mine["buildings"] == {
        "register": 4,
        "with_passport": 0,
        "without_passport": 4,
        "estimated": 3,
        "not_estimated": 1,
    }
    assert mine["floor_area_m2"] == pytest.approx(2200.0)
    # Brick homes of the 1930s: masonry dominates them.
    r1 = estimate_building(120.0, "residential", "masonry", 1930, "NL")
    assert max(r1, key=lambda f: r1[f][0]) in ("masonry", "concrete")


def test_city_spellings_match_without_regard_to_case(db, make_org):
    org = make_org()
    add_register(db, org, BUILDINGS[:1], city="København")
    add_register(db, org, [("X2", "office", "", 1990, 10.0, None)], city="KØBENHAVN")
    assert set(queries.city_spellings("københavn")) == {"København", "KØBENHAVN"}
    mine = queries.estimated_mine(
        queries.register_condition(cities=queries.city_spellings("København"))
    )
    assert mine["buildings"]["register"] == 2


def test_planned_demolitions_per_year(db, make_org):
    org = make_org()
    add_register(db, org)
    condition = queries.register_condition(organisation_id=org.id)
    years = queries.demolitions_by_year(condition, 2030, years=2)
    assert list(years) == [2030, 2031]
    homes, office = expected(BUILDINGS[:2]), expected(BUILDINGS[2:3])
    for family, (m, _lo, _hi) in homes.items():
        assert years[2030][family][0] == pytest.approx(m)
    for family, (m, _lo, _hi) in office.items():
        assert years[2031][family][0] == pytest.approx(m)
    # Before the first year: due already, counted in it; after the window: left out.
    late = queries.demolitions_by_year(condition, 2031, years=1)
    assert list(late) == [2031]
    assert late[2031]["concrete"][0] == pytest.approx(homes["concrete"][0] + office["concrete"][0])


def test_mape_on_a_building_with_both(db, make_org, make_user, make_building):
    org = make_org()
    owner = make_user("owner", org)
    building = make_building(owner, city="Brummen")
    add_register(db, org, BUILDINGS[2:3], building_id=building.id)
    condition = queries.register_condition(organisation_id=org.id)
    estimates = queries.linked_estimates(condition)
    concrete = estimates[building.id]["concrete"][0]
    assert concrete == pytest.approx(expected(BUILDINGS[2:3])["concrete"][0])
    # Surveyed: half the estimated concrete, so the estimate is 100 % off; steel exact.
    steel = estimates[building.id]["steel"][0]
    surveys = {building.id: {"concrete": concrete / 2, "steel": steel, "glass": 0.0}}
    table = {r["family"]: r for r in queries.mape_table(estimates, surveys)}
    assert table["concrete"] == {
        "family": "concrete",
        "mape_percent": pytest.approx(100.0),
        "buildings": 1,
    }
    assert table["steel"]["mape_percent"] == pytest.approx(0.0)
    assert "glass" not in table
    # The linked building is not estimated again.
    assert queries.estimated_mine(condition)["buildings"]["with_passport"] == 1
    assert queries.estimated_mine(condition)["families"] == []

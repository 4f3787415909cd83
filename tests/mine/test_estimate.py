"""The urban mine's estimate of a building: floor area, mass by family with its range, embodied
carbon from the material library's factors, and the estimate's error against surveys."""

from __future__ import annotations

import csv

import pytest

from mine import estimate
from mine.estimate import embodied_carbon
from mine.estimate import estimate_building
from mine.estimate import floor_area
from mine.estimate import mape
from mine.estimate import mape_with_counts
from mine.intensity import intensity_for
from passports.models.vocab import MATERIAL_FAMILIES
from passports.services.materials import MATERIALS_CSV

# --- floor area ----------------------------------------------------------------------------


def test_floor_area_as_registered_or_footprint_times_storeys():
    assert floor_area(gross_floor_area=1200.0) == 1200.0
    assert floor_area(gross_floor_area=1200.0, footprint_m2=100.0, storeys=3) == 1200.0
    assert floor_area(footprint_m2=250.0, storeys=4) == 1000.0
    assert floor_area(footprint_m2=120.0, storeys=2.5) == 300.0
    assert floor_area(footprint_m2=250.0) is None
    assert floor_area(storeys=4) is None
    assert floor_area() is None
    # A gross floor area of 0 is not an area: the footprint decides.
    assert floor_area(gross_floor_area=0, footprint_m2=80.0, storeys=2) == 160.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"gross_floor_area": -1.0},
        {"footprint_m2": -5.0, "storeys": 2},
        {"footprint_m2": 5.0, "storeys": -2},
    ],
)
def test_floor_area_refuses_negative_figures(kwargs):
    with pytest.raises(ValueError):
        floor_area(**kwargs)


# --- mass by family --------------------------------------------------------------------------


def test_mass_is_intensity_times_area_with_the_interquartile_range():
    # North American timber houses of 1946-1970: timber median 94.0207, q1 73.8238, q3 111.948
    # kg/m² (hand-checked in test_intensity.py); a 150 m² house.
    masses = estimate_building(150.0, "residential", "timber", 1960, "US")
    mass, low, high = masses["timber"]
    assert mass == pytest.approx(150 * 94.0207312, rel=1e-5)
    assert low == pytest.approx(150 * 73.8237595, rel=1e-5)
    assert high == pytest.approx(150 * 111.9483316, rel=1e-5)
    figures = intensity_for("residential", "timber", 1960, "US")
    for family, (m, lo, hi) in masses.items():
        i = figures[family]
        assert (m, lo, hi) == (i.median * 150.0, i.q1 * 150.0, i.q3 * 150.0)
        assert lo <= m <= hi


def test_estimate_families_are_the_apps():
    masses = estimate_building(1000.0, "office", "concrete", 1985, "NL")
    assert tuple(masses) == MATERIAL_FAMILIES


def test_estimate_of_no_area_is_zero_and_a_negative_area_is_refused():
    assert all(
        v == (0.0, 0.0, 0.0) for v in estimate_building(0.0, "residential", None, None).values()
    )
    with pytest.raises(ValueError):
        estimate_building(-10.0, "residential", None, None)
    assert estimate_building(None, "residential", None, None) == {}
    assert estimate_building(floor_area(footprint_m2=80.0), "residential", None, None) == {}


# --- embodied carbon -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def library() -> dict[str, dict[str, str]]:
    with MATERIALS_CSV.open(encoding="utf-8", newline="") as fh:
        return {row["slug"]: row for row in csv.DictReader(fh)}


def test_every_family_has_a_library_material_of_that_family(library):
    assert set(estimate.FAMILY_CARBON_MATERIAL) == set(MATERIAL_FAMILIES)
    for family, slug in estimate.FAMILY_CARBON_MATERIAL.items():
        assert library[slug]["family"] == family


def test_carbon_factors_are_the_librarys_not_copies(library):
    factors = estimate.family_carbon_factors()
    for factor, slug, source in factors.values():
        assert factor == float(library[slug]["carbon_a1a3_kgco2e_per_kg"])
        assert source == library[slug]["carbon_source"]
    assert factors["masonry"][:2] == (0.24, "common-clay-brick")


def test_embodied_carbon_of_masses_and_of_ranges():
    # 10 t of brick at 0.24 kgCO2e/kg (ICE v2 common brick) and 1 t of rebar at 1.40.
    assert embodied_carbon({"masonry": 10_000.0, "steel": 1_000.0}) == {
        "masonry": pytest.approx(2_400.0),
        "steel": pytest.approx(1_400.0),
    }
    carbon = embodied_carbon({"masonry": (10_000.0, 5_000.0, 20_000.0)})
    assert carbon["masonry"] == pytest.approx((2_400.0, 1_200.0, 4_800.0))
    assert embodied_carbon({"steel": 2.0}, factors={"steel": 3.0}) == {"steel": 6.0}
    with pytest.raises(KeyError):
        embodied_carbon({"unobtainium": 1.0})


def test_embodied_carbon_of_an_estimate():
    masses = estimate_building(500.0, "residential", "masonry", 1900, "AT")
    carbon = embodied_carbon(masses)
    factors = estimate.family_carbon_factors()
    assert set(carbon) == set(masses)
    for family, (m, lo, hi) in masses.items():
        c = factors[family][0]
        assert carbon[family] == pytest.approx((m * c, lo * c, hi * c))


# --- median absolute percentage error --------------------------------------------------------


def test_mape_is_the_median_over_buildings_with_a_survey_above_zero():
    estimates = {
        "a": {"steel": (110.0, 90.0, 130.0), "glass": 5.0},
        "b": {"steel": 80.0, "glass": 10.0},
        "c": {"steel": 300.0, "glass": 1.0},
        "only-estimated": {"steel": 1.0},
    }
    surveys = {
        "a": {"steel": 100.0, "glass": 0.0},  # steel |110-100|/100 = 10 %; glass 0: not counted
        "b": {"steel": 100.0, "glass": 5.0},  # steel 20 %; glass |10-5|/5 = 100 %
        "c": {"steel": 100.0, "copper": 2.0},  # steel 200 %; copper not estimated: |0-2|/2 = 100 %
        "only-surveyed": {"steel": 1.0},
    }
    assert mape_with_counts(estimates, surveys) == {
        "steel": (20.0, 3),  # median of 10, 20, 200
        "copper": (100.0, 1),
        "glass": (100.0, 1),
    }
    assert mape(estimates, surveys) == {"steel": 20.0, "copper": 100.0, "glass": 100.0}


def test_mape_of_an_even_count_is_the_mean_of_the_middle_two():
    estimates = {
        1: {"timber": 50.0},
        2: {"timber": 150.0},
        3: {"timber": 100.0},
        4: {"timber": 40.0},
    }
    surveys = {
        1: {"timber": 100.0},
        2: {"timber": 100.0},
        3: {"timber": 100.0},
        4: {"timber": 100.0},
    }
    # errors 50, 50, 0, 60 -> sorted 0, 50, 50, 60 -> 50
    assert mape(estimates, surveys) == {"timber": 50.0}


def test_mape_without_common_buildings_is_empty():
    assert mape({1: {"steel": 1.0}}, {2: {"steel": 1.0}}) == {}
    assert mape({}, {}) == {}

"""The metric formulas against hand-checked vectors: MCI (EMF), end-of-life defaults,
disassembly score (DGBC scale), embodied carbon and CO2 avoided (Katrinedals School)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from passports.metrics import co2_avoided_kg
from passports.metrics import disassembly_score
from passports.metrics import embodied_carbon_kg
from passports.metrics import harmonic_mean
from passports.metrics import mci_terms
from passports.metrics import parts_carbon_kg
from passports.metrics import transport_kg
from passports.metrics import utility
from passports.metrics.circularity import RECYCLING_BY_FAMILY
from passports.metrics.circularity import default_reuse_fraction
from passports.metrics.circularity import end_of_life
from passports.metrics.circularity import family_recycling_rate
from passports.metrics.disassembly import ACCESSIBILITY_SCORES
from passports.metrics.disassembly import CONNECTION_SCORES
from passports.metrics.disassembly import EDGE_ENCLOSURE_SCORES
from passports.metrics.disassembly import INTERSECTION_SCORES
from passports.models import MATERIAL_FAMILIES
from passports.models.vocab import ACCESSIBILITY
from passports.models.vocab import CONNECTION_TYPES
from passports.models.vocab import EDGE_ENCLOSURES
from passports.models.vocab import INTERSECTIONS

fraction = st.floats(min_value=0, max_value=1, allow_nan=False)


# ---------------------------------------------------------------- MCI
def test_a_fully_linear_product_scores_one_tenth():
    # V = M, W = W0 = M, LFI = 2M / 2M = 1, F(1) = 0.9: MCI = 1 − 0.9 = 0.1.
    terms = mci_terms(0, 0, 0, 0)
    assert (terms.v, terms.w, terms.lfi, terms.f_x) == (1, 1, 1, 0.9)
    assert mci_terms(0, 0, 0, 0).mci == pytest.approx(0.1)


def test_a_fully_reused_and_reusable_product_scores_one():
    # F_U = 1 and C_U = 1: V = 0, W0 = 0, W_F = W_C = 0, LFI = 0: MCI = 1.
    assert mci_terms(0, 1, 0, 1).mci == pytest.approx(1.0)


def test_half_reused_in_and_out():
    # V = 0.5, W = W0 = 0.5, LFI = 1 / 2 = 0.5, MCI = 1 − 0.5 × 0.9 = 0.55.
    assert mci_terms(0, 0.5, 0, 0.5).mci == pytest.approx(0.55)


def test_half_recycled_in_and_out_with_default_efficiencies():
    # V = 0.5; W0 = 0.5; W_F = 0.5 × 0.25 / 0.75 = 1/6; W_C = 0.25 × 0.5 = 1/8;
    # W = 0.5 + (1/6 + 1/8)/2 = 0.5 + 7/48 = 31/48; LFI = (24/48 + 31/48) / (2 + (1/6 − 1/8)/2)
    # = (55/48) / (97/48) = 55/97; MCI = 1 − 0.9 × 55/97 = 1 − 49.5/97 = 0.489691…
    terms = mci_terms(0.5, 0, 0.5, 0)
    assert terms.w_f == pytest.approx(1 / 6) and terms.w_c == pytest.approx(1 / 8)
    assert terms.lfi == pytest.approx(55 / 97)
    assert terms.mci == pytest.approx(1 - 49.5 / 97)


def test_fully_recycled_in_and_out():
    # W_F = 1/3, W_C = 1/4, W = 7/24, LFI = (7/24) / (2 + 1/24) = 7/49 = 1/7;
    # MCI = 1 − 0.9/7 = 61/70 = 0.871428…
    assert mci_terms(1, 0, 1, 0).mci == pytest.approx(61 / 70)


def test_utility_scales_the_linear_flow():
    # Linear, lasting twice the average: F(2) = 0.45, MCI = 0.55; half as long: 1.8 → 0.
    assert mci_terms(0, 0, 0, 0, x=2).mci == pytest.approx(0.55)
    assert mci_terms(0, 0, 0, 0, x=0.5).mci == 0.0
    assert utility(100, 50) == 2.0 and utility(None, 50) == 1.0 and utility(60, None) == 1.0
    assert utility(50, 50, 3, 2) == 1.5


def test_mass_cancels_out():
    assert mci_terms(0.3, 0.2, 0.4, 0.1, mass=1234.5).mci == pytest.approx(
        mci_terms(0.3, 0.2, 0.4, 0.1).mci
    )


@pytest.mark.parametrize(
    "args, kwargs",
    [
        ((1.2, 0, 0, 0), {}),
        ((0.6, 0.6, 0, 0), {}),
        ((0, 0, 0.7, 0.5), {}),
        ((0, 0, 0, 0), {"e_f": 0}),
        ((0, 0, 0, 0), {"x": 0}),
    ],
)
def test_impossible_inputs_are_refused(args, kwargs):
    with pytest.raises(ValueError):
        mci_terms(*args, **kwargs)


@given(fraction, fraction, fraction, fraction, st.floats(min_value=0.05, max_value=20))
def test_mci_stays_between_zero_and_one(a, b, c, d, x):
    f_r, f_u = a, b * (1 - a)
    c_r, c_u = c, d * (1 - c)
    assert 0.0 <= mci_terms(f_r, f_u, c_r, c_u, x=x).mci <= 1.0


# ---------------------------------------------------------------- end-of-life defaults
def test_default_reuse_from_connection_and_condition():
    # Bolted (0.85) in good condition (4 → 1.0): C_U = 0.85; lime mortar (0.7) fair (3 → 0.8):
    # 0.56; cement mortar: nothing; an uncleared hazard: nothing.
    assert default_reuse_fraction("bolted", 4, False) == pytest.approx(0.85)
    assert default_reuse_fraction("lime_mortar", 3, False) == pytest.approx(0.56)
    assert default_reuse_fraction("cement_mortar", 5, False) == 0.0
    assert default_reuse_fraction("dry", 5, True) == 0.0
    assert default_reuse_fraction(None, 5, False) == 0.0
    assert default_reuse_fraction("screwed", None, False) == pytest.approx(0.8 * 0.8)


def test_default_recycling_takes_what_is_not_reused():
    # Steel beam, bolted, condition 5: C_U = 0.85, C_R = 0.15 × 0.85 = 0.1275.
    eol = end_of_life(
        None,
        None,
        connection_type="bolted",
        condition=5,
        hazardous=False,
        family_shares=[("steel", 1.0)],
    )
    assert (eol.reuse, eol.recycle) == (pytest.approx(0.85), pytest.approx(0.1275))
    assert eol.reuse_default and eol.recycle_default
    # 3 parts concrete (0.5) to 1 part steel (0.85): r = 0.5875.
    assert family_recycling_rate([("concrete", 3), ("steel", 1)]) == pytest.approx(0.5875)


def test_recorded_end_of_life_wins_and_never_exceeds_one():
    eol = end_of_life(
        None,
        0.9,
        connection_type="dry",
        condition=5,
        hazardous=False,
        family_shares=[("timber", 1)],
    )
    assert eol.recycle == 0.9 and eol.reuse == pytest.approx(0.1) and not eol.recycle_default
    eol = end_of_life(
        0.3,
        None,
        connection_type=None,
        condition=None,
        hazardous=True,
        family_shares=[("steel", 1)],
    )
    assert (eol.reuse, eol.recycle) == (0.3, 0.0)


def test_every_family_has_a_recycling_rate():
    assert set(RECYCLING_BY_FAMILY) == set(MATERIAL_FAMILIES)
    assert all(0 <= r <= 1 for r in RECYCLING_BY_FAMILY.values())


# ---------------------------------------------------------------- disassembly
def test_the_scales_cover_the_vocabularies_and_run_from_a_tenth_to_one():
    for scale, vocabulary in (
        (CONNECTION_SCORES, CONNECTION_TYPES),
        (ACCESSIBILITY_SCORES, ACCESSIBILITY),
        (INTERSECTION_SCORES, INTERSECTIONS),
        (EDGE_ENCLOSURE_SCORES, EDGE_ENCLOSURES),
    ):
        assert set(scale) == set(vocabulary)
        assert min(scale.values()) >= 0.1 and max(scale.values()) == 1.0


def test_disassembly_is_the_harmonic_mean_of_four_factors():
    # All best: 1.0. Bolted, extra actions, incidental, overlapping:
    # 4 / (1/0.8 + 1/0.8 + 1/0.4 + 1/0.8) = 4 / 6.25 = 0.64.
    assert disassembly_score("dry", "free", "none", "open").score == 1.0
    ds = disassembly_score("bolted", "extra_actions", "incidental", "overlapping")
    assert ds.score == pytest.approx(0.64) and ds.defaulted == ()
    # Glued but easy to reach: 4 / (10 + 1 + 1 + 1) = 4/13 = 0.3077: one poor factor dominates.
    assert disassembly_score("glued", "free", "none", "open").score == pytest.approx(4 / 13)
    assert harmonic_mean([0.1, 0.1]) == pytest.approx(0.1)


def test_unrecorded_factors_take_documented_defaults():
    # Unknown connection 0.1; the rest default to 0.8, 0.4, 0.8: 4 / (10 + 1.25 + 2.5 + 1.25).
    ds = disassembly_score(None, None, None, None)
    assert ds.score == pytest.approx(4 / 15)
    assert ds.defaulted == ("connection_type", "accessibility", "intersections", "edge_enclosure")


# ---------------------------------------------------------------- carbon
def test_katrinedals_school_bricks_avoid_sixty_to_seventy_tonnes():
    # 275 t of clay brick: 275,000 × 0.24 = 66,000 kg new; cleaning 275 t × 2.7 kg/t = 742.5 kg;
    # transport 275 t × 30 km × 0.107 = 882.75 kg; avoided 64,374.75 kg.
    avoided = co2_avoided_kg(275_000, 0.24, 0.0027, 30)
    assert avoided == pytest.approx(64_374.75)
    assert 60_000 <= avoided <= 70_000


def test_carbon_parts_and_transport():
    assert embodied_carbon_kg(1000, 0.24) == pytest.approx(240)
    assert transport_kg(2000, 100, 0.1) == pytest.approx(20)
    # 500 kg steel at 1.55 + 2,000 kg concrete at 0.1 = 775 + 200 = 975 kgCO2e.
    assert parts_carbon_kg([(500, 1.55), (2000, 0.1), (None, 9.9)]) == pytest.approx(975)
    assert parts_carbon_kg([(None, 1.0)]) is None and parts_carbon_kg([]) is None

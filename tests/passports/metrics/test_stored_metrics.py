"""Each component's metrics are stored when it is written, through the app, and a building
aggregates them by mass; missing data is counted, never a crash."""

import pytest
from sqlalchemy import select

from passports.models import Component
from passports.models import Material


@pytest.fixture
def owner(make_user):
    return make_user("owner")


def _create(client, headers, building_id, **data):
    response = client.post(
        f"/api/v1/buildings/{building_id}/components", headers=headers, json=data
    )
    assert response.status_code == 201, response.json
    return response.json


def test_components_are_scored_when_written(client, owner, make_building, token_for, material_id):
    building = make_building(owner)
    headers = token_for(owner)
    steel = material_id("structural-steel-section")
    beam = _create(
        client,
        headers,
        building.id,
        name="Beam",
        quantity=1000,
        unit="kg",
        materials=[{"material_id": steel, "fraction": 1.0}],
        connection_type="bolted",
        condition=5,
        accessibility="free",
        intersections="none",
        edge_enclosure="open",
        eol_reuse_fraction=0.5,
        eol_recycle_fraction=0.5,
        service_life_years=100,
    )
    # Steel's reference life is 100 years: X = 1. F_R = F_U = 0; C_U = C_R = 0.5:
    # V = 1, W0 = 0, W_C = 0.25 × 0.5 = 0.125, W = 0.0625, LFI = 1.0625 / (2 − 0.0625)
    # = 0.548387; MCI = 1 − 0.9 × 0.548387 = 0.506452.
    assert beam["metrics"]["mci"] == pytest.approx(1 - 0.9 * 1.0625 / 1.9375)
    # DS = 4 / (1/0.8 + 1 + 1 + 1) = 4 / 4.25.
    assert beam["metrics"]["disassembly_score"] == pytest.approx(4 / 4.25)
    carbon = db_carbon = beam["metrics"]["carbon_a1a3_kg"]
    assert carbon == pytest.approx(1000 * _factor("structural-steel-section"))
    assert beam["metrics"]["quality"] == "full" and db_carbon > 0

    changed = client.patch(
        f"/api/v1/components/{beam['id']}",
        headers=headers,
        json={"eol_reuse_fraction": 1.0, "eol_recycle_fraction": 0.0},
    )
    assert changed.status_code == 200
    # Linear in, fully reused out: V = 1, W = 0, LFI = 0.5, MCI = 0.55.
    assert changed.json["metrics"]["mci"] == pytest.approx(0.55)


def _factor(slug):
    from app.extensions import db

    return db.session.scalar(select(Material.carbon_a1a3).where(Material.slug == slug))


def test_a_component_without_mass_or_material_is_counted_not_crashed(
    client, db, owner, make_building, token_for, material_id
):
    building = make_building(owner)
    headers = token_for(owner)
    bare = _create(client, headers, building.id, name="Unknown panel", quantity=12, unit="pcs")
    assert bare["mass_kg"] is None
    assert bare["metrics"]["quality"] == "none" and bare["metrics"]["carbon_a1a3_kg"] is None
    assert 0 <= bare["metrics"]["mci"] <= 1
    _create(client, headers, building.id, name="Ballast", quantity=2, unit="t")  # no material
    summary = client.get(f"/api/v1/buildings/{building.id}/passport.json", headers=headers)
    assert summary.status_code == 200
    s = summary.json["summary"]
    assert s["components_without_mass"] == 1 and s["total_mass_kg"] == 2000
    assert s["completeness"]["none_kg"] == 2000 and s["completeness"]["none_share"] == 1.0
    assert s["carbon_a1a3_kg"] is None


def test_building_figures_are_weighted_by_mass(
    client, db, owner, make_building, token_for, material_id
):
    building = make_building(owner)
    headers = token_for(owner)
    brick = material_id("common-clay-brick")
    # 3,000 kg fully reused in and out (MCI 1), 1,000 kg linear (MCI 0.1, X = 1 by default
    # since no service life): building MCI = (3000 × 1 + 1000 × 0.1) / 4000 = 0.775.
    _create(
        client,
        headers,
        building.id,
        name="Reclaimed bricks",
        quantity=3000,
        unit="kg",
        materials=[{"material_id": brick, "fraction": 1.0}],
        reused_content=1.0,
        eol_reuse_fraction=1.0,
        eol_recycle_fraction=0.0,
        connection_type="dry",
        accessibility="free",
        intersections="none",
        edge_enclosure="open",
    )
    _create(
        client,
        headers,
        building.id,
        name="New bricks",
        quantity=1000,
        unit="kg",
        materials=[{"material_id": brick, "fraction": 1.0}],
        eol_reuse_fraction=0.0,
        eol_recycle_fraction=0.0,
        connection_type="cement_mortar",
        accessibility="free",
        intersections="none",
        edge_enclosure="open",
    )
    doc = client.get(f"/api/v1/buildings/{building.id}/passport.json", headers=headers).json
    s = doc["summary"]
    assert s["mci"] == pytest.approx(0.775)
    # DS: 3000 × 1.0 + 1000 × 4/(10 + 3) → (3000 + 4000/13) / 4000.
    assert s["disassembly_score"] == pytest.approx((3000 + 4000 / 13) / 4000)
    assert s["carbon_a1a3_kg"] == pytest.approx(4000 * 0.24)
    assert s["mass_by_family"] == [
        {"family": "masonry", "mass_kg": 4000.0, "carbon_a1a3_kg": pytest.approx(960.0)}
    ]
    # Service life unknown for both: defaults. The passport says so.
    assert s["completeness"]["defaults_share"] == 1.0
    assert {c["metrics"]["quality"] for c in doc["components"]} == {"defaults"}


def test_hazards_library_changes_and_clearances_rescore(
    client, db, owner, make_building, token_for, material_id
):
    building = make_building(owner)
    headers = token_for(owner)
    timber = material_id("sawn-softwood")
    door = _create(
        client,
        headers,
        building.id,
        name="Door",
        quantity=50,
        unit="kg",
        materials=[{"material_id": timber, "fraction": 1.0}],
        connection_type="dry",
        condition=5,
        hazards=[{"kind": "lead", "notes": "paint"}],
    )
    # Hazard uncleared: C_U = C_R = 0, linear: 0.1.
    assert door["metrics"]["mci"] == pytest.approx(0.1)
    hazard_id = door["hazards"][0]["id"]
    cleared = client.post(
        f"/api/v1/components/{door['id']}/hazards/{hazard_id}/clearance",
        headers=headers,
        json={"note": "Paint stripped, survey 12/2026"},
    )
    assert cleared.status_code == 201
    db.session.rollback()
    component = db.session.get(Component, door["id"])
    # Cleared: C_U = 0.9 × 1.0, C_R = 0.1 × 0.1 (timber) = 0.01: MCI rises.
    expected = 1 - 0.9 * ((1 + 0.09 + (0.25 * 0.01) / 2) / (2 - (0.25 * 0.01) / 2))
    assert component.mci == pytest.approx(expected)
    before = component.carbon_a1a3_kg
    material = db.session.get(Material, timber)
    material.carbon_a1a3 = material.carbon_a1a3 * 2
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Component, door["id"]).carbon_a1a3_kg == pytest.approx(2 * before)


def test_end_of_life_fractions_are_validated(client, owner, make_building, token_for):
    building = make_building(owner)
    headers = token_for(owner)
    bad = client.post(
        f"/api/v1/buildings/{building.id}/components",
        headers=headers,
        json={
            "name": "X",
            "quantity": 1,
            "unit": "pcs",
            "eol_reuse_fraction": 0.7,
            "eol_recycle_fraction": 0.6,
        },
    )
    assert bad.status_code == 422 and "eol_recycle_fraction" in bad.json["errors"]["json"]
    strings = client.post(
        f"/api/v1/buildings/{building.id}/components",
        headers=headers,
        json={
            "name": "X",
            "quantity": 1,
            "unit": "pcs",
            "eol_reuse_fraction": "0.5",
            "accessibility": "sometimes",
        },
    )
    assert strings.status_code == 422
    assert {"eol_reuse_fraction", "accessibility"} <= set(strings.json["errors"]["json"])
    made = _create(
        client, headers, building.id, name="Y", quantity=1, unit="pcs", eol_reuse_fraction=0.7
    )
    # A later edit that would push the pair past 1 is refused by the service, not the database.
    over = client.patch(
        f"/api/v1/components/{made['id']}", headers=headers, json={"eol_recycle_fraction": 0.5}
    )
    # It meets the stored reuse fraction: a 409 naming the field.
    assert over.status_code == 409 and "eol_recycle_fraction" in over.json["errors"]

"""The material library: loaded from the curated CSV, searchable, edited by admins only."""

import pytest
from sqlalchemy import func
from sqlalchemy import select

from passports.cpv import cpv_codes
from passports.models import MATERIAL_FAMILIES
from passports.models import Material

NEW = {
    "slug": "rammed-earth",
    "name": "Rammed earth",
    "family": "other",
    "density_kg_m3": 2000.0,
    "carbon_a1a3": 0.024,
    "carbon_source": "ICE v2 (Hammond & Jones 2011), Clay / General / Clay",
    "cpv_code": "44111000-1",
    "reference_service_life_years": 100,
    "aliases": ["pisé"],
}


def test_library_has_at_least_forty_materials_with_sources_and_real_cpv(db):
    materials = db.session.scalars(select(Material)).all()
    assert len(materials) >= 40
    codes = cpv_codes()
    for m in materials:
        assert m.density_kg_m3 > 0 and m.carbon_a1a3 > 0, m
        assert m.carbon_source.strip(), m
        assert m.cpv_code in codes, m
        assert m.family in MATERIAL_FAMILIES


def test_loading_the_library_twice_updates_rather_than_duplicates(runner, db):
    before = db.session.scalar(select(func.count(Material.id)))
    result = runner.invoke(args=["passports", "load-materials"])
    assert result.exit_code == 0 and "0 added" in result.output
    assert db.session.scalar(select(func.count(Material.id))) == before


def test_search_by_name_alias_and_family(client, make_user, token_for):
    headers = token_for(make_user("buyer"))
    by_name = client.get("/api/v1/materials?q=glulam", headers=headers).json["items"]
    assert [m["slug"] for m in by_name] == ["glulam"]
    by_alias = client.get("/api/v1/materials?q=baksteen", headers=headers).json["items"]
    assert "common-clay-brick" in [m["slug"] for m in by_alias]
    family = client.get("/api/v1/materials?family=insulation&per_page=100", headers=headers)
    slugs = {m["slug"] for m in family.json["items"]}
    assert {"eps", "pir-pur", "wood-fibre-insulation", "stone-wool", "glass-wool"} <= slugs
    one = family.json["items"][0]
    assert {"density_kg_m3", "carbon_a1a3", "carbon_source", "cpv_code", "cpv_label"} <= set(one)
    assert one["cpv_label"]


def test_admin_adds_and_edits_a_material(client, make_user, token_for):
    headers = token_for(make_user("admin"))
    created = client.post("/api/v1/materials", json=NEW, headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["aliases"] == ["pisé"]
    edited = client.patch(
        f"/api/v1/materials/{created.json['id']}", headers=headers, json={"density_kg_m3": 1900.0}
    )
    assert edited.status_code == 200 and edited.json["density_kg_m3"] == 1900.0


@pytest.mark.parametrize(
    "change, field",
    [
        ({"cpv_code": "44111000-9"}, "cpv_code"),
        ({"cpv_code": "03000000-1"}, "cpv_code"),
        ({"density_kg_m3": 0}, "density_kg_m3"),
        ({"density_kg_m3": "2000"}, "density_kg_m3"),
        ({"family": "unobtainium"}, "family"),
        ({"slug": "Rammed Earth"}, "slug"),
        ({"slug": "glulam"}, "slug"),
        ({"carbon_source": ""}, "carbon_source"),
    ],
)
def test_bad_material_input_is_422(client, db, make_user, token_for, change, field):
    before = db.session.scalar(select(func.count(Material.id)))
    response = client.post(
        "/api/v1/materials", json={**NEW, **change}, headers=token_for(make_user("admin"))
    )
    assert response.status_code == 422
    errors = response.json["errors"]
    assert field in errors.get("json", errors)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Material.id))) == before


@pytest.mark.parametrize("role", ["owner", "contractor", "buyer"])
def test_only_admins_change_the_library(client, make_user, token_for, role):
    headers = token_for(make_user(role))
    assert client.post("/api/v1/materials", json=NEW, headers=headers).status_code == 403
    assert (
        client.patch("/api/v1/materials/1", json={"name": "x"}, headers=headers).status_code == 403
    )


def test_admin_material_form(client, db, login, make_user):
    login(make_user("admin"))
    bad = client.submit(
        "/materials/new",
        {**{k: str(v) for k, v in NEW.items()}, "aliases": "pisé", "density_kg_m3": "-3"},
    )
    assert bad.status_code == 422
    assert "field-error" in bad.get_data(as_text=True)
    ok = client.submit(
        "/materials/new",
        {
            **{k: str(v) for k, v in NEW.items()},
            "aliases": "pisé; stampflehm",
            "density_kg_m3": "2000,5",
        },
    )
    assert ok.status_code == 302
    stored = db.session.scalar(select(Material).where(Material.slug == "rammed-earth"))
    assert stored.density_kg_m3 == 2000.5 and stored.aliases == "pisé;stampflehm"

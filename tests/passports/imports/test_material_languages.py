"""The material library in every shipped language: each material has a name and words in
nl, da, de, ja and zh_Hans; readers see the name in their language; imports match a material
column written in any of them ("Ziegel" is the common clay brick)."""

import csv
from pathlib import Path

import pytest
from flask_babel import refresh
from sqlalchemy import select

from passports.imports.matching import MaterialMatcher
from passports.imports.matching import material_key
from passports.models import Material
from passports.services.materials import read_material_names
from tests.passports.imports.conftest import CSV_HEADER

DATA = Path(__file__).resolve().parents[3] / "passports" / "data"
LOCALES = ("nl", "da", "de", "ja", "zh_Hans")


def _library() -> list[dict]:
    with (DATA / "materials.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_every_material_has_a_name_in_every_shipped_language():
    names = read_material_names()
    for row in _library():
        by_locale, _words = names[row["slug"]]
        assert sorted(by_locale) == sorted(LOCALES), row["slug"]
        assert all(name.strip() for name in by_locale.values()), row["slug"]
    assert set(names) == {row["slug"] for row in _library()}


def test_no_name_or_word_of_one_material_names_another():
    names = read_material_names()
    owner: dict[str, str] = {}
    clashes = []
    for row in _library():
        _by_locale, words = names[row["slug"]]
        for term in [row["name"], row["slug"], *row["aliases"].split(";"), *words]:
            key = material_key(term)
            if term.strip():
                assert key, f"{row['slug']}: {term!r} folds to nothing"
            if key and owner.setdefault(key, row["slug"]) != row["slug"]:
                clashes.append((term, owner[key], row["slug"]))
    assert not clashes


def test_the_loader_stores_the_names_and_adds_every_word_to_the_aliases(db):
    brick = db.session.scalar(select(Material).where(Material.slug == "common-clay-brick"))
    assert brick.name == "Common clay brick"
    assert brick.names == {
        "nl": "Baksteen",
        "da": "Mursten (tegl)",
        "de": "Mauerziegel",
        "ja": "普通れんが",
        "zh_Hans": "普通黏土砖",
    }
    aliases = brick.aliases.split(";")
    for word in ("baksteen", "metselsteen", "mursten", "ziegel", "レンガ", "煉瓦", "砖", "砖块"):
        assert word in aliases
    assert len(aliases) == len(set(aliases))


@pytest.mark.parametrize(
    ("language", "name"),
    [
        ("en", "Common clay brick"),
        ("nl", "Baksteen"),
        ("da", "Mursten (tegl)"),
        ("de", "Mauerziegel"),
        ("ja", "普通れんが"),
        ("zh-CN", "普通黏土砖"),
    ],
)
def test_a_reader_sees_the_material_in_their_language(app, db, language, name):
    brick = db.session.scalar(select(Material).where(Material.slug == "common-clay-brick"))
    with app.test_request_context(headers={"Accept-Language": language}):
        refresh()
        assert brick.local_name == name
    assert brick.local_name == "Common clay brick"  # outside a request: English


def test_the_materials_api_shows_the_names_in_every_language(client, make_user, token_for):
    body = client.get(
        "/api/v1/materials", query_string={"q": "common-clay"}, headers=token_for(make_user())
    ).json
    (brick,) = [m for m in body["items"] if m["slug"] == "common-clay-brick"]
    assert brick["name"] == "Common clay brick"
    assert brick["names"]["de"] == "Mauerziegel"
    assert "ziegel" in brick["aliases"]


@pytest.mark.parametrize(
    ("written", "slug"),
    [
        ("Ziegel", "common-clay-brick"),
        ("ZIEGEL", "common-clay-brick"),
        ("baksteen", "common-clay-brick"),
        ("Mursten", "common-clay-brick"),
        ("レンガ", "common-clay-brick"),
        ("砖", "common-clay-brick"),
        ("Mauerziegel 65690", "common-clay-brick"),
        ("Gevelsteen (klei)", "facing-brick"),
        ("Blødstrøgen mursten", "facing-brick"),
        ("beton", "concrete-c30-37"),
        ("コンクリート", "concrete-c30-37"),
        ("混凝土", "concrete-c30-37"),
        ("Gipsplaat", "plasterboard"),
        ("石膏ボード", "plasterboard"),
        ("Stahlbeton", "reinforced-concrete"),
        ("钢筋混凝土", "reinforced-concrete"),
        ("Aluminium", "aluminium-extruded"),
        ("アルミ", "aluminium-extruded"),
        ("Kupfer", "copper"),
        ("铜", "copper"),
        ("Steinwolle (Dämmung)", "stone-wool"),
        ("グラスウール", "glass-wool"),
        ("Nåletræ (skåret)", "sawn-softwood"),
        ("木材", "sawn-softwood"),
    ],
)
def test_a_name_in_any_language_matches_its_material(db, written, slug):
    matcher = MaterialMatcher(list(db.session.scalars(select(Material))), {})
    found = matcher.resolve(written)
    assert found is not None and found.slug == slug, written


def test_an_import_row_with_material_ziegel_maps_to_brick(post_import, components, building):
    body = CSV_HEADER + (
        "W-1,Gevel,external_wall,00,12.5,m3,Ziegel,4\n"
        "W-2,外壁,external_wall,01,2,m3,レンガ 85%; 石灰モルタル 15%,3\n"
    )
    response = post_import(body.encode("utf-8"))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["unmatched_materials"] == []
    wall, japanese = components(building.id)
    assert [cm.material.slug for cm in wall.materials] == ["common-clay-brick"]
    assert [(cm.material.slug, cm.fraction) for cm in japanese.materials] == [
        ("common-clay-brick", 0.85),
        ("lime-mortar", 0.15),
    ]


def test_a_mapping_saved_before_names_in_every_script_matched_is_still_found(db):
    # Keys used to keep ASCII letters only: "Blødstrøgen sten" was saved as "bldstrgensten".
    materials = list(db.session.scalars(select(Material)))
    brick = next(m for m in materials if m.slug == "common-clay-brick")
    matcher = MaterialMatcher(materials, {"bldstrgensten": brick.id})
    assert matcher.resolve("Blødstrøgen sten") is brick
    assert material_key("Blødstrøgen sten") == "blodstrogensten"
    assert material_key("レンガ") and material_key("レンガ") != material_key("煉瓦")


def test_unmatched_japanese_and_chinese_names_get_suggestions(db):
    matcher = MaterialMatcher(list(db.session.scalars(select(Material))), {})
    suggestions = [m.slug for m in matcher.suggest("赤レンガ積み")]
    assert "common-clay-brick" in suggestions

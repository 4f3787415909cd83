"""The machine-readable passport: valid against the committed JSON Schema, stable identifiers,
a lossless round trip through another organisation, and refusals that write nothing."""

import copy
import json
from datetime import date
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy import update

from app.auth.models import ORG_KINDS
from passports.models import Building
from passports.models import Component
from passports.models import vocab
from passports.tags import new_tag

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[3] / "passports/schema/passport.schema.json").read_text()
)
VOLATILE = ("generated_at", "source", "owner")


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def passport(client, db, owner, make_building, token_for, material_id):
    """A building with varied components, hazards (one cleared) and a history."""
    building = make_building(
        owner,
        name="Bispebjerg Ward Block K",
        city="København",
        country="DK",
        status="demolition_planned",
        planned_date=date(2027, 4, 1),
        gross_floor_area_m2=6800.0,
    )
    headers = token_for(owner)
    brick, mortar = material_id("facing-brick"), material_id("lime-mortar")
    steel = material_id("structural-steel-section")
    specs = [
        {
            "name": "Facing brick, east",
            "category": "facade",
            "storey": "Facade",
            "quantity": 33.0,
            "unit": "m3",
            "condition": 4,
            "connection_type": "lime_mortar",
            "materials": [
                {"material_id": brick, "fraction": 0.8},
                {"material_id": mortar, "fraction": 0.2},
            ],
            "external_id": "F-E",
            "install_year": 1962,
            "service_life_years": 150,
            "status": "to_harvest",
        },
        {
            "name": "Steel beam HEA 300",
            "category": "structure",
            "storey": "01 First floor",
            "quantity": 12.0,
            "unit": "pcs",
            "mass_kg": 1320.5,
            "connection_type": "bolted",
            "accessibility": "extra_actions",
            "intersections": "none",
            "edge_enclosure": "overlapping",
            "eol_reuse_fraction": 0.6,
            "eol_recycle_fraction": 0.4,
            "recycled_content": 0.5,
            "gtin": "05012345678900",
            "serial_number": "B-17",
            "manufacturer": "ArcelorMittal",
            "materials": [{"material_id": steel, "fraction": 1.0}],
            "ifc_guid": "2O2Fr$t4X7Zf8NOew3FLOH",
            "ifc_class": "IfcBeam",
            "description": "Bolted to columns, fire paint.",
        },
        {
            "name": "Vinyl tiles with asbestos adhesive",
            "category": "finish",
            "storey": "02 Second floor",
            "quantity": 640.0,
            "unit": "m2",
            "volume_m3": 1.6,
            "materials": [{"material_id": material_id("vinyl-flooring"), "fraction": 1.0}],
            "hazards": [{"kind": "asbestos", "notes": "Adhesive"}, {"kind": "lead"}],
            "condition": 2,
        },
        {"name": "Unknown fixtures", "quantity": 3.0, "unit": "pcs"},
    ]
    ids = []
    for spec in specs:
        response = client.post(
            f"/api/v1/buildings/{building.id}/components", headers=headers, json=spec
        )
        assert response.status_code == 201, response.json
        ids.append(response.json["id"])
    vinyl = client.get(f"/api/v1/components/{ids[2]}", headers=headers).json
    lead = next(h for h in vinyl["hazards"] if h["kind"] == "lead")
    client.post(
        f"/api/v1/components/{ids[2]}/hazards/{lead['id']}/clearance",
        headers=headers,
        json={"note": "XRF survey: below limits"},
    )
    for body in (
        {"kind": "inspected", "condition": 4, "notes": "Before demolition"},
        {"kind": "dismantled", "location": "East facade"},
        {"kind": "stored", "location": "Yard 3"},
    ):
        assert (
            client.post(
                f"/api/v1/components/{ids[0]}/events", headers=headers, json=body
            ).status_code
            == 201
        )
    return building


def _export(client, headers, building_id):
    response = client.get(f"/api/v1/buildings/{building_id}/passport.json", headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.json


def test_the_export_validates_against_the_committed_schema(client, owner, passport, token_for):
    doc = _export(client, token_for(owner), passport.id)
    Draft202012Validator.check_schema(SCHEMA)
    assert list(Draft202012Validator(SCHEMA).iter_errors(doc)) == []
    assert doc["schema_version"] == "1.0"
    served = client.get("/api/v1/passports/schema.json")
    assert served.status_code == 200 and json.loads(served.data) == SCHEMA
    # Stable identifiers: every component's tag and the tag URL printed on its label.
    for c in doc["components"]:
        assert c["tag_url"] == f"https://mpx.test/t/{c['tag']}"
    assert doc["source"]["building_url"] == f"https://mpx.test/buildings/{passport.id}"
    events = next(c for c in doc["components"] if c["external_id"] == "F-E")["events"]
    assert [e["kind"] for e in events] == ["inspected", "dismantled", "stored"]


def test_the_schema_names_every_vocabulary():
    d = SCHEMA["$defs"]
    assert d["component"]["properties"]["category"]["enum"] == list(vocab.CATEGORIES)
    assert d["component"]["properties"]["status"]["enum"] == list(vocab.COMPONENT_STATUSES)
    assert d["component"]["properties"]["unit"]["enum"] == list(vocab.UNITS)
    assert d["component"]["properties"]["connection_type"]["enum"][:-1] == list(
        vocab.CONNECTION_TYPES
    )
    assert d["material"]["properties"]["family"]["enum"] == list(vocab.MATERIAL_FAMILIES)
    assert d["hazard"]["properties"]["kind"]["enum"] == list(vocab.HAZARD_KINDS)
    assert d["event"]["properties"]["kind"]["enum"] == list(vocab.ALL_EVENT_KINDS)
    assert SCHEMA["properties"]["owner"]["properties"]["kind"]["enum"] == list(ORG_KINDS)
    for name, values in (
        ("accessibility", vocab.ACCESSIBILITY),
        ("intersections", vocab.INTERSECTIONS),
        ("edge_enclosure", vocab.EDGE_ENCLOSURES),
    ):
        assert d["component"]["properties"][name]["enum"][:-1] == list(values)


def _normalised(doc: dict) -> dict:
    doc = copy.deepcopy(doc)
    for key in VOLATILE:
        doc.pop(key)
    for c in doc["components"]:
        c["tag"] = c["tag_url"] = c["origin_tag_url"] = c["split_from_tag"] = None
    return doc


def _as_if_on_another_instance(db):
    """Forget the serial numbers registered here: a GTIN and serial name one component on an
    instance, so a passport carrying them can only be imported where they are free."""
    db.session.execute(update(Component).values(serial_number=None))
    db.session.commit()


def test_round_trip_through_another_organisation_is_lossless(
    client, db, owner, passport, make_user, token_for
):
    first = _export(client, token_for(owner), passport.id)
    other = make_user("owner")
    headers = token_for(other)
    _as_if_on_another_instance(db)
    imported = client.post("/api/v1/passports/import", headers=headers, json=first)
    assert imported.status_code == 201, imported.json
    body = imported.json
    assert body["building"]["organisation_id"] == other.organisation_id
    assert body["component_count"] == 4 and body["tags_renewed"] == 4  # tags are never reused
    second = _export(client, headers, body["building"]["id"])
    assert second["owner"]["name"] == other.organisation.name
    # The new components remember the tag URLs printed on the old labels, in the same order.
    assert [c["origin_tag_url"] for c in second["components"]] == [
        c["tag_url"] for c in first["components"]
    ]
    assert _normalised(second) == _normalised(first)
    # And once more: a passport imported twice still points at the very first labels.
    _as_if_on_another_instance(db)
    again = client.post("/api/v1/passports/import", headers=headers, json=second).json
    third = _export(client, headers, again["building"]["id"])
    assert [c["origin_tag_url"] for c in third["components"]] == [
        c["tag_url"] for c in first["components"]
    ]
    assert _normalised(third) == _normalised(first)


def test_tags_never_used_here_are_kept(client, db, owner, passport, make_user, token_for):
    doc = _export(client, token_for(owner), passport.id)
    for c in doc["components"]:
        c["tag"] = new_tag()
        c["tag_url"] = f"https://passports.other-city.example/t/{c['tag']}"
    other = make_user("owner")
    _as_if_on_another_instance(db)
    result = client.post("/api/v1/passports/import", headers=token_for(other), json=doc).json
    assert (result["tags_kept"], result["tags_renewed"]) == (4, 0)
    back = _export(client, token_for(other), result["building"]["id"])
    assert [c["tag"] for c in back["components"]] == [c["tag"] for c in doc["components"]]
    assert [c["origin_tag_url"] for c in back["components"]] == [
        c["tag_url"] for c in doc["components"]
    ]


def _counts(db):
    db.session.rollback()
    return (
        db.session.scalar(select(func.count(Building.id))),
        db.session.scalar(select(func.count(Component.id))),
    )


def test_a_document_against_the_schema_is_refused_with_json_paths(
    client, db, owner, passport, token_for
):
    headers = token_for(owner)
    doc = _export(client, headers, passport.id)
    doc["components"][1]["quantity"] = -1
    doc["components"][0]["unit"] = "bags"
    doc["components"][3]["materials"][0]["fraction"] = "1"
    del doc["building"]["name"]
    doc["surprise"] = True
    before = _counts(db)
    response = client.post("/api/v1/passports/import", headers=headers, json=doc)
    assert response.status_code == 422
    errors = response.json["errors"]
    assert {
        "$.components[1].quantity",
        "$.components[0].unit",
        "$.components[3].materials[0].fraction",
        "$.building",
        "$",
    } <= set(errors)
    assert "name" in " ".join(errors["$.building"])
    assert _counts(db) == before


def test_what_a_schema_cannot_say_is_refused_too(client, db, owner, passport, token_for):
    headers = token_for(owner)
    doc = _export(client, headers, passport.id)
    at = {c["name"].split()[0]: i for i, c in enumerate(doc["components"])}
    brick, steel, vinyl, bare = at["Facing"], at["Steel"], at["Vinyl"], at["Unknown"]
    doc["components"][brick]["materials"][0]["slug"] = "unobtainium"
    doc["components"][steel]["materials"][0]["fraction"] = 0.5
    doc["components"][bare]["tag"] = doc["components"][vinyl]["tag"]
    doc["components"][steel]["gtin"] = "05012345678901"
    doc["components"][brick]["events"][0]["occurred_at"] = "2026-02-30T10:00:00Z"
    before = _counts(db)
    response = client.post("/api/v1/passports/import", headers=headers, json=doc)
    assert response.status_code == 422
    assert {
        f"$.components[{brick}].materials[0].slug",
        f"$.components[{steel}].materials",
        f"$.components[{max(bare, vinyl)}].tag",
        f"$.components[{steel}].gtin",
        f"$.components[{brick}].events[0].occurred_at",
    } <= set(response.json["errors"])
    assert _counts(db) == before
    assert client.post("/api/v1/passports/import", headers=headers, json=[1, 2]).status_code == 422
    assert (
        client.post(
            "/api/v1/passports/import",
            headers=headers,
            data="{not json",
            content_type="application/json",
        ).status_code
        == 400
    )
    assert _counts(db) == before


def test_who_may_export_and_import(client, db, owner, passport, make_user, token_for):
    doc = _export(client, token_for(owner), passport.id)
    for role in ("buyer", "contractor"):
        assert (
            client.post(
                "/api/v1/passports/import", headers=token_for(make_user(role)), json=doc
            ).status_code
            == 403
        )
    assert client.post("/api/v1/passports/import", json=doc).status_code == 401
    stranger = token_for(make_user("owner"))
    assert (
        client.get(f"/api/v1/buildings/{passport.id}/passport.json", headers=stranger).status_code
        == 404
    )

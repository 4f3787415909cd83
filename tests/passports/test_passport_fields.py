"""The component field list has one home (`passports.models.PASSPORT_FIELDS`): every passport
field is taken by the create service, exported in the passport document, and survives an
import into another organisation."""

import json
from pathlib import Path

from sqlalchemy import select

from passports.models import PASSPORT_FIELDS
from passports.models import RECORDED_FIELDS
from passports.models import Component
from passports.services import create_component

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "passports/schema/passport.schema.json").read_text()
)

# A value for every recorded field, each unlike the column's default so a field that is lost
# on the way shows. A new passport field fails `test_every_recorded_field_has_a_value` until
# it is given one here, and then it is checked everywhere below.
RECORDED_VALUES = {
    "name": "Oak door, panelled",
    "category": "door",
    "storey": "01 First floor",
    "quantity": 40.0,
    "unit": "pcs",
    "volume_m3": 2.0,
    "width_mm": 830.0,
    "height_mm": 2110.0,
    "depth_mm": 40.0,
    "length_mm": 2150.0,
    "unit_mass_kg": 21.5,
    "condition": 3,
    "connection_type": "screwed",
    "accessibility": "extra_actions",
    "intersections": "incidental",
    "edge_enclosure": "overlapping",
    "eol_reuse_fraction": 0.5,
    "eol_recycle_fraction": 0.25,
    "install_year": 1962,
    "service_life_years": 80,
    "recycled_content": 0.1,
    "reused_content": 0.2,
    "manufacturer": "Houtbouw Brummen",
    "gtin": "08712345678906",
    "serial_number": "SN-0042",
    "ifc_guid": "2O2Fr$t4X7Zf8NOew3FLOH",
    "ifc_class": "IfcDoor",
    "external_id": "D-01",
    "import_source": "ifc",
    "data_complete": False,
    "description": "Four-panel doors from the 1962 wing.",
}


def lot_with_every_field(db, building, material_id) -> Component:
    """A component with a non-default value in every passport field."""
    component = create_component(
        building,
        {
            **RECORDED_VALUES,
            "mass_kg": 900.0,
            "materials": [{"material_id": material_id("sawn-hardwood"), "fraction": 1.0}],
        },
    )
    # Set by the lifecycle and by transfers, never by the create service.
    component.status, component.reuse_cycles = "to_harvest", 2
    db.session.commit()
    return component


def _column_default(name: str):
    default = Component.__table__.c[name].default
    return default.arg if default is not None and default.is_scalar else None


def test_every_recorded_field_has_a_value():
    assert set(RECORDED_VALUES) == set(RECORDED_FIELDS)


def test_every_passport_field_is_in_the_documents_schema():
    properties = SCHEMA["$defs"]["component"]["properties"]
    assert set(PASSPORT_FIELDS) <= set(properties)


def test_every_passport_field_is_exported_and_survives_an_import(
    client, db, make_user, make_building, token_for, material_id
):
    owner = make_user("owner")
    component = lot_with_every_field(db, make_building(owner), material_id)
    stored = {name: getattr(component, name) for name in PASSPORT_FIELDS}
    assert {name: stored[name] for name in RECORDED_FIELDS} == RECORDED_VALUES
    assert [n for n, value in stored.items() if value == _column_default(n)] == []

    response = client.get(
        f"/api/v1/buildings/{component.building_id}/passport.json", headers=token_for(owner)
    )
    assert response.status_code == 200
    [exported] = response.json["components"]
    assert {name: exported[name] for name in PASSPORT_FIELDS} == stored

    # The passport moves to another instance: its GTIN and serial leave this one.
    db.session.delete(component)
    db.session.commit()
    other = make_user("owner")
    imported = client.post("/api/v1/passports/import", headers=token_for(other), json=response.json)
    assert imported.status_code == 201, imported.json
    db.session.rollback()
    copy = db.session.scalar(
        select(Component).where(Component.building_id == imported.json["building"]["id"])
    )
    assert {name: getattr(copy, name) for name in PASSPORT_FIELDS} == stored

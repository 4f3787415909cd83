"""A printed GS1 Digital Link (/01/<gtin>/21/<serial>) names one component on the instance:
GTINs are stored as 14 digits, and a second registration of a GTIN and serial, in any zero
padding, by any organisation and through any way in, is refused with 409."""

import io

import pytest
from sqlalchemy import func
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from passports.gs1 import gtin_check_digit
from passports.models import Component
from passports.tags import format_tag

BODY = "9638507"
GTIN8 = BODY + str(gtin_check_digit(BODY))
# The same trade item written as GTIN-8, -12, -13 and -14.
VARIANTS = [GTIN8, GTIN8.zfill(12), GTIN8.zfill(13), GTIN8.zfill(14)]
SERIAL = "42"
CSV_HEADER = "external_id,name,category,storey,quantity,unit,materials,condition,gtin,serial\n"


@pytest.fixture
def first(db, make_user, make_building, make_component):
    """The first registration: org A's door with the GTIN-8 and serial 42."""
    owner = make_user("owner")
    building = make_building(owner)
    door = make_component(building, name="Oak door", gtin=GTIN8, serial_number=SERIAL)
    return owner, building, door


def _count(db) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count(Component.id)))


def _payload(material_id, gtin: str) -> dict:
    return {
        "name": "Another door",
        "category": "door",
        "quantity": 1.0,
        "unit": "pcs",
        "materials": [{"material_id": material_id("common-clay-brick"), "fraction": 1.0}],
        "gtin": gtin,
        "serial_number": SERIAL,
    }


def test_gtins_are_stored_as_14_digits(first):
    _owner, _building, door = first
    assert door.gtin == GTIN8.zfill(14)


@pytest.mark.parametrize("gtin", VARIANTS)
def test_a_second_registration_through_the_api_is_409_without_naming_another_orgs_tag(
    client, db, first, make_user, make_building, token_for, material_id, gtin
):
    _owner, _building, door = first
    stranger = make_user("owner")
    theirs = make_building(stranger)
    before = _count(db)
    response = client.post(
        f"/api/v1/buildings/{theirs.id}/components",
        headers=token_for(stranger),
        json=_payload(material_id, gtin),
    )
    assert response.status_code == 409, response.json
    assert (
        f"GTIN {GTIN8.zfill(14)} with serial {SERIAL} is already registered"
        in (response.json["message"])
    )
    assert door.tag not in str(response.json) and format_tag(door.tag) not in str(response.json)
    assert _count(db) == before
    link = client.get(f"/01/{gtin}/21/{SERIAL}")
    assert link.status_code == 307 and link.headers["Location"].endswith(f"/t/{door.tag}")


def test_within_the_organisation_the_conflict_names_the_tag(
    client, db, first, make_building, token_for, material_id
):
    owner, _building, door = first
    other = make_building(owner)
    response = client.post(
        f"/api/v1/buildings/{other.id}/components",
        headers=token_for(owner),
        json=_payload(material_id, GTIN8.zfill(13)),
    )
    assert response.status_code == 409
    assert response.json["message"] == (
        f"GTIN {GTIN8.zfill(14)} with serial {SERIAL} is already registered to component "
        f"{format_tag(door.tag)}."
    )


def test_an_edit_that_takes_a_registered_pair_is_409(client, db, first, make_component, token_for):
    owner, building, _door = first
    other = make_component(building, gtin=GTIN8.zfill(12), serial_number="43")
    response = client.patch(
        f"/api/v1/components/{other.id}",
        headers=token_for(owner),
        json={"serial_number": SERIAL},
    )
    assert response.status_code == 409
    db.session.rollback()
    assert db.session.get(Component, other.id).serial_number == "43"
    # Saving the door itself again is no conflict with itself.
    same = client.patch(
        f"/api/v1/components/{_door.id}", headers=token_for(owner), json={"gtin": GTIN8.zfill(13)}
    )
    assert same.status_code == 200, same.json


def test_a_second_registration_through_the_form_is_409_with_the_reason(
    client, db, first, make_user, make_building, login, material_id
):
    stranger = make_user("owner")
    theirs = make_building(stranger)
    login(stranger)
    before = _count(db)
    url = f"/buildings/{theirs.id}/components/new"
    response = client.submit(
        url,
        {
            "name": "Another door",
            "category": "door",
            "quantity": "1",
            "unit": "pcs",
            "materials-0-material_id": str(material_id("common-clay-brick")),
            "materials-0-fraction": "1",
            "gtin": GTIN8.zfill(12),
            "serial_number": SERIAL,
        },
    )
    assert response.status_code == 409
    assert f"with serial {SERIAL} is already registered" in response.get_data(as_text=True)
    assert _count(db) == before


def test_a_second_registration_through_an_import_is_a_row_error(
    client, db, first, make_user, make_building, token_for
):
    stranger = make_user("owner")
    theirs = make_building(stranger)
    before = _count(db)
    body = CSV_HEADER + (
        f"D-1,Door one,door,00,1,pcs,,4,{GTIN8.zfill(13)},43\n"
        f"D-2,Door two,door,00,1,pcs,,4,{GTIN8.zfill(13)},{SERIAL}\n"
        f"D-3,Door three,door,00,1,pcs,,4,{GTIN8},43\n"
    )
    for dry_run in ("true", "false"):
        fields = {
            "file": FileStorage(io.BytesIO(body.encode()), filename="doors.csv"),
            "dry_run": dry_run,
        }
        boundary, data = encode_multipart(fields)
        response = client.post(
            f"/api/v1/buildings/{theirs.id}/imports",
            headers=token_for(stranger),
            data=data,
            content_type=f"multipart/form-data; boundary={boundary}",
        )
        assert response.status_code == 422, response.json
        texts = [e["text"] for e in response.json["report"]["errors"]]
        assert any(
            t.startswith("Row 3, column 'serial_number'") and "already registered" in t
            for t in texts
        ), texts
        assert any(t.startswith("Row 4") and "already used on row 2" in t for t in texts), texts
    assert _count(db) == before


def test_a_passport_import_with_a_registered_pair_is_409(client, db, first, make_user, token_for):
    owner, building, door = first
    headers = token_for(owner)
    doc = client.get(f"/api/v1/buildings/{building.id}/passport.json", headers=headers).json
    doc["components"][0]["gtin"] = GTIN8.zfill(13)
    stranger = make_user("owner")
    before = _count(db)
    response = client.post("/api/v1/passports/import", headers=token_for(stranger), json=doc)
    assert response.status_code == 409, response.json
    messages = " ".join(response.json["errors"]["$.components[0].serial_number"])
    assert "already registered" in messages and format_tag(door.tag) not in messages
    assert _count(db) == before
    link = client.get(f"/01/{GTIN8.zfill(14)}/21/{SERIAL}")
    assert link.headers["Location"].endswith(f"/t/{door.tag}")

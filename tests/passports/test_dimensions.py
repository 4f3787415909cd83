"""A component's measures (width, height, depth or length in mm) and one element's mass: taken
by the API and the form, refused when not positive, shown on its page and in its passport, and
the unit mass worked out from a lot in pieces where it was not given."""

import pytest
from sqlalchemy import select

from passports.models import Component


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def building(owner, make_building):
    return make_building(owner)


def oak_doors(material_id, **extra):
    body = {
        "name": "Interior door, oak veneer",
        "category": "door",
        "quantity": 20.0,
        "unit": "pcs",
        "mass_kg": 700.0,
        "materials": [{"material_id": material_id("sawn-hardwood"), "fraction": 1.0}],
        "width_mm": 830.0,
        "height_mm": 2110.0,
        "depth_mm": 40.0,
    }
    body.update(extra)
    return body


def test_the_api_records_the_measures_and_works_out_one_elements_mass(
    client, building, owner, token_for, material_id
):
    headers = token_for(owner)
    url = f"/api/v1/buildings/{building.id}/components"
    created = client.post(url, headers=headers, json=oak_doors(material_id))
    assert created.status_code == 201, created.json
    body = created.json
    assert (body["width_mm"], body["height_mm"], body["depth_mm"]) == (830.0, 2110.0, 40.0)
    assert body["length_mm"] is None
    # 700 kg over 20 doors.
    assert body["unit_mass_kg"] == pytest.approx(35.0)

    # Four doors go: the given mass stays, so one door's mass follows it.
    edited = client.patch(
        f"/api/v1/components/{body['id']}", headers=headers, json={"quantity": 16.0}
    )
    assert edited.status_code == 200, edited.json
    assert edited.json["unit_mass_kg"] == pytest.approx(700.0 / 16)
    assert edited.json["width_mm"] == 830.0


def test_a_weighed_element_gives_the_mass_of_the_lot(
    client, db, building, owner, token_for, material_id
):
    headers = token_for(owner)
    url = f"/api/v1/buildings/{building.id}/components"
    body = oak_doors(material_id, unit_mass_kg=32.5)
    del body["mass_kg"]
    created = client.post(url, headers=headers, json=body)
    assert created.status_code == 201, created.json
    assert created.json["mass_kg"] == pytest.approx(650.0)
    assert created.json["mass_source"] == "unit_mass"
    assert created.json["mass_derivation"] == "20 pcs × 32.5 kg = 650 kg"
    # Fewer doors: the recorded unit mass stays, the lot's mass follows.
    edited = client.patch(
        f"/api/v1/components/{created.json['id']}", headers=headers, json={"quantity": 10.0}
    )
    assert edited.json["unit_mass_kg"] == 32.5
    assert edited.json["mass_kg"] == pytest.approx(325.0)
    # A recorded unit mass of a lot not counted in pieces stays as it is.
    beams = client.post(
        url,
        headers=headers,
        json={
            "name": "Glulam beam",
            "category": "structure",
            "quantity": 24.0,
            "unit": "m",
            "length_mm": 6000.0,
            "unit_mass_kg": 95.0,
        },
    )
    assert beams.status_code == 201, beams.json
    assert (beams.json["length_mm"], beams.json["unit_mass_kg"]) == (6000.0, 95.0)
    assert beams.json["mass_kg"] is None


@pytest.mark.parametrize(
    "field", ["width_mm", "height_mm", "depth_mm", "length_mm", "unit_mass_kg"]
)
@pytest.mark.parametrize("value", [0, -830.0])
def test_a_measure_that_is_not_positive_is_a_422_with_its_field(
    client, db, building, owner, token_for, material_id, field, value
):
    headers = token_for(owner)
    response = client.post(
        f"/api/v1/buildings/{building.id}/components",
        headers=headers,
        json=oak_doors(material_id, **{field: value}),
    )
    assert response.status_code == 422
    assert list(response.json["errors"]["json"]) == [field]
    db.session.rollback()
    assert db.session.scalar(select(Component.id)) is None
    first = client.post(
        f"/api/v1/buildings/{building.id}/components",
        headers=headers,
        json=oak_doors(material_id),
    )
    patched = client.patch(
        f"/api/v1/components/{first.json['id']}", headers=headers, json={field: value}
    )
    assert patched.status_code == 422 and list(patched.json["errors"]["json"]) == [field]


def test_the_form_takes_the_measures_and_the_page_shows_them(
    client, db, login, owner, building, material_id
):
    login(owner)
    form = {
        "name": "Interior door",
        "category": "door",
        "storey": "01",
        "quantity": "20",
        "unit": "pcs",
        "mass_kg": "700",
        "materials-0-material_id": str(material_id("sawn-hardwood")),
        "materials-0-fraction": "1",
        "hazards-0-kind": "",
        "width_mm": "830",
        "height_mm": "2110",
        "depth_mm": "-40",
        "length_mm": "",
        "unit_mass_kg": "",
        "recycled_content": "",
        "reused_content": "",
    }
    url = f"/buildings/{building.id}/components/new"
    bad = client.submit(url, form)
    assert bad.status_code == 422
    assert db.session.scalar(select(Component.id)) is None
    good = client.submit(url, {**form, "depth_mm": "40"})
    assert good.status_code == 302, good.get_data(as_text=True)
    component = db.session.scalar(select(Component))
    assert (component.width_mm, component.height_mm, component.depth_mm) == (830, 2110, 40)
    assert component.unit_mass_kg == pytest.approx(35.0)

    page = client.get(good.headers["Location"]).get_data(as_text=True)
    assert "830 × 2,110 × 40 mm" in page
    assert "35 kg" in page
    dutch = client.get(good.headers["Location"], headers={"Accept-Language": "nl"})
    assert "830 × 2.110 × 40 mm" in dutch.get_data(as_text=True)

    # The edit form shows what was recorded: the unit mass was worked out, so it is empty.
    edit = client.get(f"/components/{component.id}/edit").get_data(as_text=True)
    assert 'name="width_mm" type="text" value="830' in edit
    assert 'name="unit_mass_kg" type="text" value=""' in edit

    passport = client.get(f"/buildings/{building.id}/passport").get_data(as_text=True)
    assert "830 × 2,110 × 40 mm" in passport


def test_the_passport_pdf_lists_the_measures(client, login, owner, building, material_id):
    import pypdfium2 as pdfium

    from app.extensions import db
    from passports.services import create_component

    create_component(building, oak_doors(material_id))
    db.session.commit()
    login(owner)
    response = client.get(f"/buildings/{building.id}/passport.pdf")
    assert response.status_code == 200
    pdf = pdfium.PdfDocument(response.data)
    try:
        text = " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    assert "830 × 2,110 × 40 mm" in text

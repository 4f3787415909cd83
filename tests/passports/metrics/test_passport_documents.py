"""The printable passport (HTML and PDF), frozen versions and their comparison, through the
pages and the API, with who may do what."""

import re

import pypdfium2 as pdfium
import pytest

from passports import services


@pytest.fixture
def owner(make_user):
    return make_user("owner")


@pytest.fixture
def building(db, owner, make_building, make_component, material_id):
    building = make_building(owner, name="Brummen Town Hall")
    make_component(
        building,
        name="Glulam column",
        category="structure",
        quantity=36.0,
        unit="pcs",
        volume_m3=7.5,
        materials=[{"material_id": material_id("glulam"), "fraction": 1.0}],
        connection_type="bolted",
    )
    make_component(
        building,
        name="Asbestos board",
        category="ceiling",
        quantity=2.0,
        unit="m3",
        hazards=[{"kind": "asbestos", "notes": "ceiling void"}],
    )
    return building


def _csp_clean(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert not re.search(r"\sstyle\s*=", html)


def test_the_building_page_shows_the_figures_and_links(client, login, owner, building):
    login(owner)
    html = client.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert "Material Circularity Indicator" in html and "Disassembly score" in html
    assert "Embodied carbon A1-A3" in html and "Data completeness" in html
    assert f"/buildings/{building.id}/passport.pdf" in html
    assert f"/api/v1/buildings/{building.id}/passport.json" in html
    assert "avoided by reusing what left this building" in html
    assert "Passport versions" in html
    _csp_clean(html)


def test_the_printable_passport(client, login, owner, building):
    login(owner)
    response = client.get(f"/buildings/{building.id}/passport")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Building materials passport" in html and "Brummen Town Hall" in html
    assert "<svg" in html and "Mass by material family" in html
    assert "Asbestos board" in html and "not cleared" in html
    assert "<thead><tr><th>Tag</th>" in html  # the header row repeats on printed pages
    _csp_clean(html)


def test_the_passport_pdf_pages_with_a_repeated_header(
    client, db, login, owner, building, material_id
):
    brick = material_id("common-clay-brick")
    for i in range(120):
        services.create_component(
            building,
            {
                "name": f"Brick pier {i:03d}",
                "category": "structure",
                "storey": "00",
                "quantity": 1.0,
                "unit": "m3",
                "materials": [{"material_id": brick, "fraction": 1.0}],
            },
        )
    db.session.commit()
    login(owner)
    response = client.get(f"/buildings/{building.id}/passport.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = pdfium.PdfDocument(response.data)
    try:
        pages = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()
    assert len(pages) >= 3
    assert "Brummen Town Hall" in pages[0] and "Material Circularity Indicator" in pages[0]
    assert "Hazardous substances" in "".join(pages)
    table_pages = [p for p in pages if "Brick pier" in p]
    assert len(table_pages) >= 2
    assert all("Main material" in p for p in table_pages)  # header row on every page
    assert f"page {len(pages)} of {len(pages)}" in pages[-1]


def test_freezing_viewing_and_comparing_versions(
    client, db, login, owner, building, token_for, material_id
):
    headers = token_for(owner)
    first = client.post(
        f"/api/v1/buildings/{building.id}/snapshots",
        headers=headers,
        json={"label": "As built", "note": "Handover 2013"},
    )
    assert first.status_code == 201, first.json
    column = services.update_component  # edit a component, add one
    component = building_components(db, building)[0]
    column(component, {"condition": 2, "eol_reuse_fraction": 0.9}, owner)
    services.create_component(
        building,
        {
            "name": "New stair",
            "quantity": 1.0,
            "unit": "t",
            "materials": [{"material_id": material_id("rebar"), "fraction": 1.0}],
        },
    )
    db.session.commit()
    second = client.post(
        f"/api/v1/buildings/{building.id}/snapshots",
        headers=headers,
        json={"label": "Before demolition"},
    ).json
    listed = client.get(f"/api/v1/buildings/{building.id}/snapshots", headers=headers)
    assert [s["label"] for s in listed.json["items"]] == ["Before demolition", "As built"]
    stored = client.get(f"/api/v1/snapshots/{first.json['id']}", headers=headers).json
    assert stored["document"]["summary"]["component_count"] == 2

    diff = client.get(
        f"/api/v1/snapshots/compare?from={first.json['id']}&to={second['id']}", headers=headers
    )
    assert diff.status_code == 200, diff.json
    d = diff.json
    assert [c["name"] for c in d["added"]] == ["New stair"] and d["removed"] == []
    (changed,) = d["changed"]
    fields = {c["field"]: (c["before"], c["after"]) for c in changed["changes"]}
    assert fields["condition"] == (4, 2) and fields["eol_reuse_fraction"] == (None, 0.9)
    assert "metrics.mci" in fields
    assert d["totals"]["component_count"] == {"before": 2, "after": 3, "delta": 1}
    assert d["totals"]["total_mass_kg"]["delta"] == pytest.approx(1000)
    steel = next(r for r in d["by_family"] if r["family"] == "steel")
    assert steel["mass_kg"] == {"before": 0, "after": 1000.0, "delta": 1000.0}
    now = client.get(
        f"/api/v1/snapshots/compare?from={second['id']}&to=current", headers=headers
    ).json
    assert now["to"]["label"] == "Current passport" and now["changed"] == []

    login(owner)
    page = client.get(
        f"/buildings/{building.id}/versions/compare?from={first.json['id']}&to={second['id']}"
    ).get_data(as_text=True)
    assert "What changed" in page and "New stair" in page and "End-of-life reuse share" in page
    _csp_clean(page)
    view = client.get(f"/passport-versions/{first.json['id']}").get_data(as_text=True)
    assert "Frozen version" in view and "As built" in view and "New stair" not in view
    pdf = client.get(f"/passport-versions/{first.json['id']}.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def building_components(db, building):
    from sqlalchemy import select

    from passports.models import Component

    return db.session.scalars(
        select(Component).where(Component.building_id == building.id).order_by(Component.id)
    ).all()


def test_versions_of_two_buildings_cannot_be_compared(
    client, owner, building, make_building, token_for
):
    headers = token_for(owner)
    other = make_building(owner, name="Another")
    a = client.post(
        f"/api/v1/buildings/{building.id}/snapshots", headers=headers, json={"label": "A"}
    ).json
    b = client.post(
        f"/api/v1/buildings/{other.id}/snapshots", headers=headers, json={"label": "B"}
    ).json
    response = client.get(f"/api/v1/snapshots/compare?from={a['id']}&to={b['id']}", headers=headers)
    assert response.status_code == 422 and "different buildings" in response.json["message"]
    assert (
        client.get(
            f"/api/v1/snapshots/compare?from={a['id']}&to=yesterday", headers=headers
        ).status_code
        == 422
    )
    assert (
        client.get(
            f"/api/v1/snapshots/compare?from={a['id']}&to=9999999999", headers=headers
        ).status_code
        == 404
    )


def test_readers_see_versions_writers_freeze_them(
    client, db, login, owner, building, make_user, token_for
):
    contractor = make_user("contractor")
    services.grant_access(building, contractor.organisation_id, owner)
    db.session.commit()
    snap = client.post(
        f"/api/v1/buildings/{building.id}/snapshots",
        headers=token_for(owner),
        json={"label": "As built"},
    ).json
    reader = token_for(contractor)
    assert client.get(f"/api/v1/snapshots/{snap['id']}", headers=reader).status_code == 200
    assert (
        client.get(f"/api/v1/buildings/{building.id}/passport.json", headers=reader).status_code
        == 200
    )
    assert (
        client.post(
            f"/api/v1/buildings/{building.id}/snapshots", headers=reader, json={"label": "Mine"}
        ).status_code
        == 403
    )
    stranger = token_for(make_user("owner"))
    assert client.get(f"/api/v1/snapshots/{snap['id']}", headers=stranger).status_code == 404
    assert (
        client.post(
            f"/api/v1/buildings/{building.id}/snapshots", headers=stranger, json={"label": "X"}
        ).status_code
        == 404
    )
    login(contractor)
    page = client.get(f"/buildings/{building.id}/versions").get_data(as_text=True)
    assert "As built" in page and "Freeze the passport now" not in page
    assert client.get(f"/buildings/{building.id}/passport.pdf").status_code == 200


def test_freezing_through_the_page(client, db, login, owner, building):
    login(owner)
    empty = client.submit(f"/buildings/{building.id}/versions", {"label": "  "})
    assert empty.status_code == 422
    done = client.submit(
        f"/buildings/{building.id}/versions", {"label": "As built", "note": "Handover"}
    )
    assert done.status_code == 302
    page = client.get(f"/buildings/{building.id}/versions").get_data(as_text=True)
    assert "As built" in page and "Handover" in page
    _csp_clean(page)


def test_an_empty_building_has_documents_too(client, login, owner, make_building, token_for):
    empty = make_building(owner, name="Empty lot")
    login(owner)
    assert client.get(f"/buildings/{empty.id}").status_code == 200
    assert "No data yet" in client.get(f"/buildings/{empty.id}/passport").get_data(as_text=True)
    pdf = client.get(f"/buildings/{empty.id}/passport.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    doc = client.get(f"/api/v1/buildings/{empty.id}/passport.json", headers=token_for(owner))
    summary = doc.json["summary"]
    assert summary["mci"] is None and summary["carbon_a1a3_kg"] is None
    assert summary["completeness"]["full_share"] is None and doc.json["components"] == []

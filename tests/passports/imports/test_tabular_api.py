"""CSV and XLSX imports through the API: matching, units, errors, re-imports, all-or-nothing."""

import io

import openpyxl
import pytest

from tests.passports.imports.conftest import CSV_HEADER


def _xlsx(rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_dry_run_reports_and_writes_nothing(post_import, row_counts):
    before = row_counts()
    body = CSV_HEADER + "W-1,Brick wall,external_wall,00,12.5,m3,Common clay brick,4\n"
    response = post_import(body.encode(), dry_run=True)
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    assert report["dry_run"] is True and report["committed"] is False
    assert report["counts"]["created"] == 1
    assert report["materials"][0]["slug"] == "common-clay-brick"
    assert report["materials"][0]["mass_kg"] == pytest.approx(12.5 * 1700)
    assert row_counts() == before


def test_commit_creates_components_with_tags_and_derived_mass(post_import, components, building):
    body = CSV_HEADER + (
        "W-1,Brick wall,external_wall,00 Ground,12.5,m3,"
        '"Common clay brick 85%; lime mortar 15%",4\n'
        "B-1,Beam,structure,01,2,pcs,,3\n"
    )
    response = post_import(body.encode())
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert report["committed"] is True and report["import_id"]
    wall, beam = components(building.id)
    assert wall.external_id == "W-1" and wall.storey == "00 Ground" and wall.condition == 4
    assert len(wall.tag) == 12 and wall.tag != beam.tag
    assert [(cm.material.slug, cm.fraction) for cm in wall.materials] == [
        ("common-clay-brick", 0.85),
        ("lime-mortar", 0.15),
    ]
    assert wall.mass_kg == pytest.approx(12.5 * (0.85 * 1700 + 0.15 * 1700))
    assert wall.mass_source == "derived" and wall.import_source == "csv" and wall.data_complete
    assert beam.unit == "pcs" and beam.mass_kg is None


def test_reimport_updates_instead_of_duplicating(post_import, components, building):
    first = CSV_HEADER + "W-1,Brick wall,external_wall,00,12.5,m3,Common clay brick,4\n"
    assert post_import(first.encode()).status_code == 201
    again = post_import(first.encode()).get_json()
    assert again["counts"] == {**again["counts"], "created": 0, "updated": 0, "unchanged": 1}
    changed = CSV_HEADER + "W-1,Brick wall,external_wall,00,14,m3,Common clay brick,3\n"
    report = post_import(changed.encode()).get_json()
    assert report["counts"]["updated"] == 1 and report["counts"]["created"] == 0
    (wall,) = components(building.id)
    assert wall.quantity == 14 and wall.condition == 3
    assert wall.mass_kg == pytest.approx(14 * 1700)


def test_reimport_keys_on_ifc_guid_without_external_id(post_import, components, building):
    body = "name,quantity,unit,ifc guid\nSlab,3,m3,2O2Fr$t4X7Zf8NOew3FLOH\n"
    assert post_import(body.encode()).status_code == 201
    body = "name,quantity,unit,ifc guid\nSlab,4,m3,2O2Fr$t4X7Zf8NOew3FLOH\n"
    assert post_import(body.encode()).get_json()["counts"]["updated"] == 1
    (slab,) = components(building.id)
    assert slab.quantity == 4


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Qty", "quantity"),
        ("Amount", "quantity"),
        ("Hoeveelheid", "quantity"),
        ("MENGE", "quantity"),
        (" Quantity (m3) ", "quantity"),
        ("Materiaal", "materials"),
        ("Material", "materials"),
        ("Floor", "storey"),
        ("Level", "storey"),
        ("Verdieping", "storey"),
        ("Naam", "name"),
        ("Eenheid", "unit"),
    ],
)
def test_headers_are_matched_by_synonym_case_and_spacing(post_import, header, field):
    names = {"name": "name", "quantity": "quantity", "unit": "unit"}
    names[field] = header
    columns = [names["name"], names["quantity"], names["unit"]]
    values = ["Wall", "2", "m3"]
    if field not in ("name", "quantity", "unit"):
        columns.append(header)
        values.append("brick" if field == "materials" else "01")
    body = ",".join(columns) + "\n" + ",".join(values) + "\n"
    report = post_import(body.encode(), dry_run=True).get_json()
    assert report["columns"]["matched"][header.strip()] == field


@pytest.mark.parametrize(
    ("quantity", "unit", "expected"),
    [
        ("12,5", "m²", (12.5, "m2")),
        ("1.234,5", "m2", (1234.5, "m2")),
        ("1,234.5", "sqm", (1234.5, "m2")),
        ("3", "m³", (3, "m3")),
        ("4", "stuks", (4, "pcs")),
        ("4", "pcs", (4, "pcs")),
        ("4", "st", (4, "pcs")),
        ("4", "each", (4, "pcs")),
        ("2", "ton", (2, "t")),
        ("2", "t", (2, "t")),
        ("7", "kg", (7, "kg")),
        ("12,5 m²", "", (12.5, "m2")),
    ],
)
def test_units_and_decimal_commas(post_import, components, building, quantity, unit, expected):
    body = f'name;quantity;unit\nPanel;"{quantity}";{unit}\n'
    response = post_import(body.encode())
    assert response.status_code == 201, response.get_json()
    (panel,) = components(building.id)
    assert (panel.quantity, panel.unit) == expected


def test_errors_are_numbered_by_row_and_column_and_nothing_is_written(post_import, row_counts):
    before = row_counts()
    body = CSV_HEADER + (
        "W-1,Good wall,external_wall,00,5,m3,brick,4\n"
        "W-2,Negative,external_wall,00,-3,m3,brick,4\n"
        "W-3,Strange unit,external_wall,00,3,bananas,brick,4\n"
        "W-4,Bad number,external_wall,00,abc,m3,brick,9\n"
        "W-1,Twice,external_wall,00,1,m3,brick,4\n"
    )
    response = post_import(body.encode())
    assert response.status_code == 422
    error = response.get_json()
    assert error["code"] == 422 and "nothing was written" in error["message"]
    texts = [e["text"] for e in error["report"]["errors"]]
    assert "Row 3, column 'quantity': must be greater than 0" in texts
    assert any(t.startswith("Row 4, column 'unit': unknown unit 'bananas'") for t in texts)
    assert any(t.startswith("Row 5, column 'quantity': not a number") for t in texts)
    assert any(t.startswith("Row 5, column 'condition'") for t in texts)
    assert "Row 6, column 'external_id': 'W-1' is already used on row 2" in texts
    assert error["errors"]["rows"][0].startswith("1. Row 3")
    assert row_counts() == before


def test_error_names_the_header_as_written(post_import):
    body = "Naam,Qty,Unit\nWall,0,m3\n"
    error = post_import(body.encode()).get_json()
    assert error["report"]["errors"][0]["text"] == (
        "Row 2, column 'quantity' ('Qty' in the file): must be greater than 0"
    )


def test_missing_required_column(post_import):
    error = post_import(b"name,unit\nWall,m3\n").get_json()
    assert error["errors"]["file"][0].startswith("1. Column 'quantity' is missing")


def test_xlsx_import_with_typed_cells(post_import, components, building):
    content = _xlsx(
        [
            ["External ID", "Name", "Qty", "Unit", "Material", "Install year", "Condition"],
            [101, "Window", 3, "pcs", "Float glass", 1998.0, "4 - Good"],
            [None, None, None, None, None, None, None],
            ["W-2", "Floor", 12.5, "m2", "Bamboo composite", 2001, 3],
        ]
    )
    response = post_import(content, "components.xlsx")
    assert response.status_code == 201, response.get_json()
    window, floor = components(building.id)
    assert window.external_id == "101" and window.install_year == 1998 and window.condition == 4
    assert floor.quantity == 12.5 and floor.unit == "m2"
    report = response.get_json()
    assert report["unmatched_materials"][0]["name"] == "Bamboo composite"
    assert report["unmatched_materials"][0]["where"] == ["row 4"]
    assert not floor.data_complete and floor.materials == []


def test_xlsx_rows_are_numbered_as_excel_shows_them(post_import):
    content = _xlsx([["Material passport"], ["name", "quantity", "unit"], ["Wall", -1, "m3"]])
    error = post_import(content, "x.xlsx").get_json()
    first = error["report"]["errors"][0]["text"]
    assert first == "Row 3, column 'quantity': must be greater than 0"


@pytest.mark.parametrize(
    ("encoding", "bom"), [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")]
)
def test_csv_encodings(post_import, components, building, encoding, bom):
    body = "name;quantity;unit;storey\nMür à l'étage;2,5;m³;Erdgeschoß\n"
    assert post_import(bom + body.encode(encoding)).status_code == 201
    (wall,) = components(building.id)
    assert wall.name == "Mür à l'étage" and wall.storey == "Erdgeschoß"


def test_unknown_encoding_is_refused(post_import, row_counts):
    before = row_counts()
    response = post_import(b"name,quantity,unit\nWall \x81\x8d\xc3,2,m3\n")
    assert response.status_code == 422
    assert "encoding is not recognised" in response.get_json()["message"]
    assert row_counts() == before


def test_mapping_is_remembered_for_the_organisation(
    post_import, client, auth, material_id, components, building
):
    body = CSV_HEADER + "W-1,Oak door,door,00,1,pcs,Hennepbeton,4\n"
    first = post_import(body.encode(), dry_run=True).get_json()
    (unmatched,) = first["unmatched_materials"]
    assert unmatched["name"] == "Hennepbeton"
    oak = material_id("sawn-hardwood")
    created = client.post(
        "/api/v1/material-mappings",
        headers=auth,
        json={"source_name": "hennepbeton", "material_id": oak},
    )
    assert created.status_code == 201, created.get_json()
    report = post_import(body.encode()).get_json()
    assert report["unmatched_materials"] == []
    (door,) = components(building.id)
    assert [cm.material_id for cm in door.materials] == [oak] and door.data_complete
    mappings = client.get("/api/v1/material-mappings", headers=auth).get_json()["items"]
    assert [m["source_name"] for m in mappings] == ["hennepbeton"]
    edited = client.patch(
        f"/api/v1/material-mappings/{mappings[0]['id']}",
        headers=auth,
        json={"material_id": material_id("sawn-softwood")},
    )
    assert edited.status_code == 200
    assert (
        client.delete(f"/api/v1/material-mappings/{mappings[0]['id']}", headers=auth).status_code
        == 204
    )


def test_unmatched_names_get_suggestions(post_import):
    body = CSV_HEADER + "W-1,Wall,external_wall,00,1,m3,Concrete C25 30 special,4\n"
    report = post_import(body.encode(), dry_run=True).get_json()
    suggestions = [s["slug"] for s in report["unmatched_materials"][0]["suggestions"]]
    assert "concrete-c25-30" in suggestions


def test_material_names_match_by_slug_alias_and_punctuation(post_import):
    body = (
        "name,quantity,unit,material\nA,1,m3,COMMON-CLAY-BRICK\nB,1,m3,masonry - brick\n"
        "C,1,m3,Steel/S235JR\nD,1,m3,  in-situ concrete c25/30 \n"
    )
    report = post_import(body.encode(), dry_run=True).get_json()
    assert report["unmatched_materials"] == []
    assert {m["slug"] for m in report["materials"]} == {
        "common-clay-brick",
        "structural-steel-section",
        "concrete-c25-30",
    }


def test_template_downloads_and_imports_as_is(client, auth, post_import):
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/api/v1/imports/template?format={fmt}", headers=auth)
        assert response.status_code == 200
        report = post_import(response.data, f"template.{fmt}", dry_run=True)
        assert report.status_code == 200, report.get_json()
        assert report.get_json()["counts"]["created"] == 3
        assert report.get_json()["unmatched_materials"] == []


def test_xlsx_template_has_documentation_and_dropdowns(client, auth):
    content = client.get("/api/v1/imports/template?format=xlsx", headers=auth).data
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames[:2] == ["Components", "Columns"]
    sheet = book["Components"]
    assert [c.value for c in sheet[1]][:3] == ["external_id", "name", "category"]
    assert sheet.max_row == 4
    validations = {str(v.sqref).split(":")[0][0]: v for v in sheet.data_validations.dataValidation}
    assert len(validations) == 5
    docs = book["Columns"]
    assert {row[0].value for row in docs.iter_rows(min_row=2)} >= {"quantity", "unit", "materials"}


def test_import_list_and_detail(post_import, client, auth, building):
    post_import((CSV_HEADER + "W-1,Wall,external_wall,00,1,m3,brick,4\n").encode())
    runs = client.get(f"/api/v1/buildings/{building.id}/imports", headers=auth)
    assert runs.status_code == 200 and runs.get_json()["items"][0]["created_count"] == 1
    run = client.get(
        f"/api/v1/buildings/{building.id}/imports/{runs.get_json()['items'][0]['id']}",
        headers=auth,
    ).get_json()
    assert run["report"]["counts"]["created"] == 1


def test_component_api_shows_and_guards_external_id(client, auth, building, post_import):
    post_import((CSV_HEADER + "W-1,Wall,external_wall,00,1,m3,brick,4\n").encode())
    listed = client.get(f"/api/v1/buildings/{building.id}/components", headers=auth).get_json()[
        "items"
    ]
    assert listed[0]["external_id"] == "W-1" and listed[0]["import_source"] == "csv"
    clash = client.post(
        f"/api/v1/buildings/{building.id}/components",
        headers=auth,
        json={"name": "Other", "quantity": 1.0, "unit": "pcs", "external_id": "W-1"},
    )
    assert clash.status_code == 409  # another stored component has it
    assert "external_id" in clash.get_json()["errors"]


def test_template_examples_commit_with_every_column(
    client, auth, post_import, components, building
):
    template = client.get("/api/v1/imports/template?format=xlsx", headers=auth).data
    response = post_import(template, "template.xlsx")
    assert response.status_code == 201, response.get_json()
    wall, beam, door = components(building.id)
    assert (wall.external_id, wall.connection_type, wall.install_year) == (
        "W-001",
        "lime_mortar",
        1972,
    )
    assert wall.description.startswith("Lime mortar") and wall.service_life_years == 150
    assert beam.recycled_content == 0.2 and beam.volume_m3 == 0.32 and beam.unit == "m"
    assert [h.kind for h in door.hazards] == ["lead"] and door.status == "to_harvest"
    assert door.condition == 5 and door.materials[0].material.slug == "sawn-hardwood"
    assert all(c.mass_kg for c in (wall, beam, door))

"""Measures come in with imports: from an IFC model's base quantities and its doors' and
windows' overall width and height, converted from the model's units to millimetres, and from
CSV/XLSX columns in mm or in another unit named in the header."""

import io

import pytest
from sqlalchemy import select

from passports.models import Component
from tests.passports.imports.conftest import sample

pytest.importorskip("ifcopenshell")


def _components(db, building) -> list[Component]:
    db.session.rollback()
    return db.session.scalars(
        select(Component).where(Component.building_id == building.id).order_by(Component.id)
    ).all()


def _measures(component: Component) -> tuple:
    return (component.width_mm, component.height_mm, component.depth_mm, component.length_mm)


def test_the_fzk_house_doors_windows_walls_and_beams_come_in_with_their_measures(
    post_import, db, building
):
    # ArchiCAD, in metres: the doors are 0.885 × 2.01 m in a 0.24 m wall.
    response = post_import(sample("AC20-FZK-Haus.ifc").read_bytes(), "fzk.ifc")
    assert response.status_code == 201, response.get_json()
    by_guid = {c.ifc_guid: c for c in _components(db, building)}
    door = by_guid["1Oms875aH3Wg$9l65H2ZGw"]  # Innentuer-1
    assert (door.ifc_class, door.unit, door.quantity) == ("IfcDoor", "pcs", 1.0)
    assert _measures(door) == (885.0, 2010.0, 240.0, None)
    window = by_guid["1srAI$R4T8ihLXSNHmUSET"]  # EG-Fenster-6
    assert _measures(window) == (2000.0, 1200.0, 300.0, None)
    # A wall's Width is its thickness.
    wall = by_guid["2XPyKWY018sA1ygZKgQPtU"]  # Wand-Int-ERDG-4
    assert _measures(wall) == (None, 2500.0, 240.0, 4170.0)
    beam = by_guid["3tCgZT92j6fw8fXgwCL3Jm"]  # Unterzug-1
    assert _measures(beam) == (200.0, None, 240.0, 4080.0)


def test_the_duplex_doors_take_their_overall_width_and_height(post_import, db, building):
    # Revit, IFC2X3, no base quantities on the doors: OverallWidth 1.25, OverallHeight
    # 2.009999999999999 (metres).
    response = post_import(sample("duplex.ifc").read_bytes(), "duplex.ifc")
    assert response.status_code == 201, response.get_json()
    by_guid = {c.ifc_guid: c for c in _components(db, building)}
    door = by_guid["1hOSvn6df7F8_7GcBWlRGQ"]
    assert door.name.startswith("M_Single-Flush:1250mm x 2010mm")
    assert (door.width_mm, door.height_mm) == (1250.0, 2010.0)


def test_a_model_in_millimetres_is_converted(post_import, db, building):
    # IfcOpenHouse is in millimetres: its door's OverallWidth is 1000.0, OverallHeight 2200.0.
    response = post_import(sample("IfcOpenHouse_IFC4.ifc").read_bytes(), "house.ifc")
    assert response.status_code == 201, response.get_json()
    doors = [c for c in _components(db, building) if c.ifc_class == "IfcDoor"]
    assert [(d.width_mm, d.height_mm) for d in doors] == [(1000.0, 2200.0)]
    # Tekla, in millimetres: a column of 2020 mm.
    tekla = post_import(sample("ISSUE_021_Mini_Project.ifc").read_bytes(), "tekla.ifc")
    assert tekla.status_code == 201
    by_guid = {c.ifc_guid: c for c in _components(db, building)}
    assert by_guid["1BuhdF00003p4oDpCnDJ4m"].length_mm == 2020.0
    assert by_guid["1CBNfY0004DZ4oDpWmD3am"].length_mm == 8300.0


def test_csv_columns_in_mm_and_in_other_units_come_in_as_mm(post_import, components, building):
    body = (
        "external_id,name,category,quantity,unit,mass_kg,width_mm,height_cm,Depth (in),"
        "length_m,unit_mass_kg\n"
        'D-1,Oak door,door,20,pcs,700,830,"211,0",1.5,,\n'
        'B-1,Glulam beam,structure,4,pcs,,,,,"6,5",95\n'
        "S-1,Window sill,window,12,pcs,,83 cm,,,,2.5 kg\n"
    )
    response = post_import(body.encode())
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["columns"]["matched"] == {
        "external_id": "external_id",
        "name": "name",
        "category": "category",
        "quantity": "quantity",
        "unit": "unit",
        "mass_kg": "mass_kg",
        "width_mm": "width_mm",
        "height_cm": "height_mm",
        "Depth (in)": "depth_mm",
        "length_m": "length_mm",
        "unit_mass_kg": "unit_mass_kg",
    }
    door, beam, sill = components(building.id)
    assert _measures(door) == (830.0, 2110.0, pytest.approx(38.1), None)
    assert door.unit_mass_kg == pytest.approx(35.0)  # 700 kg over 20 doors
    assert _measures(beam) == (None, None, None, 6500.0)
    assert (beam.unit_mass_kg, beam.mass_kg, beam.mass_source) == (95.0, 380.0, "unit_mass")
    assert sill.width_mm == 830.0 and sill.unit_mass_kg == 2.5


def test_xlsx_headers_name_their_unit(post_import, components, building):
    import openpyxl

    book = openpyxl.Workbook()
    for row in (
        ["Naam", "Aantal", "Eenheid", "Breedte (cm)", "Hoogte (m)", "Dikte", "Stukgewicht (t)"],
        ["Binnendeur", 8, "st", 93, 2.115, 54, 0.048],
    ):
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    response = post_import(out.getvalue(), "deuren.xlsx")
    assert response.status_code == 201, response.get_json()
    [door] = components(building.id)
    assert _measures(door) == (930.0, 2115.0, 54.0, None)
    assert door.unit_mass_kg == pytest.approx(48.0)
    assert door.mass_kg == pytest.approx(8 * 48.0)


def test_a_bad_measure_is_an_error_on_its_row_and_nothing_is_written(post_import, row_counts):
    before = row_counts()
    body = (
        "name,quantity,unit,width_mm,height_cm,unit_mass_kg\n"
        "Door,1,pcs,830,211,30\n"
        "Door,1,pcs,-830,211,30\n"
        "Door,1,pcs,830,tall,30\n"
        "Door,1,pcs,830,211,0\n"
        "Door,1,pcs,83 furlongs,211,30\n"
    )
    response = post_import(body.encode())
    assert response.status_code == 422
    texts = [e["text"] for e in response.get_json()["report"]["errors"]]
    assert "Row 3, column 'width_mm': must be greater than 0" in texts
    assert any(
        t.startswith("Row 4, column 'height_mm' ('height_cm' in the file): not a number")
        for t in texts
    ), texts
    assert "Row 5, column 'unit_mass_kg': must be greater than 0" in texts
    assert any(
        t.startswith("Row 6, column 'width_mm': unknown length unit 'furlongs'") for t in texts
    ), texts
    assert row_counts() == before

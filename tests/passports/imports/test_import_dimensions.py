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

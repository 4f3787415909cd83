"""The material passport's IDS and the check itself: the file is valid IDS 1.0 (ifctester's own
XSD), applies to exactly the classes the importer reads, and gives hand-checked figures on every
sample model (each opened once per module)."""

import functools
import re
from xml.etree import ElementTree

import pytest

from passports.imports.ids import IDS_FILE
from passports.imports.ids import IDS_NAMESPACE
from passports.imports.ids import SPECIFICATIONS
from passports.imports.ids import check_model
from passports.imports.ids import load_ids
from tests.passports.imports.conftest import sample

ifcopenshell = pytest.importorskip("ifcopenshell")
ifctester_ids = pytest.importorskip("ifctester.ids")

NS = {"ids": IDS_NAMESPACE, "xs": "http://www.w3.org/2001/XMLSchema"}
SPECS = ("MP-01", "MP-02", "MP-03", "MP-04", "MP-05", "MP-06", "MP-07")
CONTAINERS = {"IfcRoof", "IfcStair", "IfcRamp", "IfcCurtainWall"}
OPENINGS = {"IfcDoor", "IfcDoorStandardCase", "IfcWindow", "IfcWindowStandardCase"}
# Per sample and specification: (elements it applies to, elements that pass). Hand-checked
# against the models, e.g.: FZK-Haus's 13 walls and 4 slabs carry BaseQuantities with
# NetVolume, and one of its 4 beams, while its 42 members and 2 railings carry none (47 fail);
# its 2 front doors and 2 round windows have no material; Revit's duplex, Office_A and the
# structural example exported no quantity sets at all, so every element they apply to fails;
# Office_A's 102 doors and 69 windows have no material. The example's 52 classified elements
# name Uniformat and a code; its Revit IfcSpace typed by an IfcBeamType is not imported, so not
# checked (ifctester's IFC2X3 type rule would count it as a beam).
FIGURES = {
    "AC20-FZK-Haus.ifc": {
        "MP-01": (82, 82),
        "MP-02": (81, 77),
        "MP-03": (65, 18),
        "MP-04": (17, 17),
        "MP-05": (82, 82),
        "MP-06": (0, 0),
        "MP-07": (16, 16),
    },
    "ISSUE_005_haus.ifc": {
        "MP-01": (82, 82),
        "MP-02": (81, 77),
        "MP-03": (65, 18),
        "MP-04": (17, 17),
        "MP-05": (82, 82),
        "MP-06": (0, 0),
        "MP-07": (16, 16),
    },
    "ISSUE_021_Mini_Project.ifc": {
        "MP-01": (2227, 2227),
        "MP-02": (2227, 2227),
        "MP-03": (2227, 2227),
        "MP-04": (24, 24),
        "MP-05": (2227, 2227),
        "MP-06": (0, 0),
        "MP-07": (0, 0),
    },
    "IfcOpenHouse_IFC4.ifc": {
        "MP-01": (40, 40),
        "MP-02": (39, 4),
        "MP-03": (33, 0),
        "MP-04": (0, 0),
        "MP-05": (40, 40),
        "MP-06": (0, 0),
        "MP-07": (6, 6),
    },
    "Office_A_20110811.ifc": {
        "MP-01": (767, 767),
        "MP-02": (765, 570),
        "MP-03": (594, 0),
        "MP-04": (0, 0),
        "MP-05": (767, 767),
        "MP-06": (0, 0),
        "MP-07": (171, 171),
    },
    "duplex.ifc": {
        "MP-01": (157, 157),
        "MP-02": (154, 98),
        "MP-03": (116, 0),
        "MP-04": (0, 0),
        "MP-05": (157, 157),
        "MP-06": (0, 0),
        "MP-07": (38, 38),
    },
    "example.ifc": {
        "MP-01": (115, 115),
        "MP-02": (115, 113),
        "MP-03": (115, 0),
        "MP-04": (0, 0),
        "MP-05": (115, 115),
        "MP-06": (52, 52),
        "MP-07": (0, 0),
    },
}


@functools.cache
def _checked(name: str) -> tuple[dict, int]:
    """Each sample opened and checked once for the whole module."""
    model = ifcopenshell.open(str(sample(name)))
    base = "IfcBuiltElement" if model.schema.startswith("IFC4X3") else "IfcBuildingElement"
    return check_model(model, base), len(model.by_type(base))


@pytest.fixture(scope="module", autouse=True)
def _forget_models():
    yield
    _checked.cache_clear()


def _concrete_subtypes(schema: str, base: str) -> set[str]:
    import ifcopenshell.ifcopenshell_wrapper as wrapper

    found = set()

    def walk(entity):
        if not entity.is_abstract():
            found.add(entity.name().upper())
        for sub in entity.subtypes():
            walk(sub)

    walk(wrapper.schema_by_name(schema).declaration_by_name(base))
    return found


def _entities(spec) -> set[str]:
    values = spec.findall("ids:applicability/ids:entity/ids:name/xs:restriction/xs:enumeration", NS)
    return {v.get("value") for v in values}


def test_the_ids_file_is_valid_ids_1_0_by_ifctesters_own_schema():
    ifctester_ids.get_schema().validate(str(IDS_FILE))
    ids = ifctester_ids.open(str(IDS_FILE), validate=True)
    assert len(ids.specifications) == len(SPECS)


def test_each_specification_has_an_identifier_a_name_and_our_translated_words():
    specs = ElementTree.parse(IDS_FILE).getroot().findall(".//ids:specification", NS)
    assert tuple(s.get("identifier") for s in specs) == SPECS
    assert all(s.get("name") and s.get("description") and s.get("instructions") for s in specs)
    assert set(SPECIFICATIONS) == set(SPECS)
    assert [s.identifier for s in load_ids().specifications] == list(SPECS)
    assert all(s.get("ifcVersion") == "IFC2X3 IFC4 IFC4X3_ADD2" for s in specs)


def test_applicability_is_what_the_importer_reads():
    imported = (
        _concrete_subtypes("IFC2X3", "IfcBuildingElement")
        | _concrete_subtypes("IFC4", "IfcBuildingElement")
        | _concrete_subtypes("IFC4X3_ADD2", "IfcBuiltElement")
    )
    upper = {c.upper() for c in CONTAINERS}
    openings = {c.upper() for c in OPENINGS}
    specs = {
        s.get("identifier"): s
        for s in ElementTree.parse(IDS_FILE).getroot().findall(".//ids:specification", NS)
    }
    for code in ("MP-01", "MP-05", "MP-06"):
        assert _entities(specs[code]) == imported, code
    assert _entities(specs["MP-02"]) == imported - upper
    assert _entities(specs["MP-03"]) == imported - upper - openings
    assert _entities(specs["MP-04"]) <= imported
    assert _entities(specs["MP-07"]) == openings


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_sample_figures(name):
    summary, elements = _checked(name)
    assert summary["status"] in ("passed", "failed") and summary["message"] is None
    figures = {s["identifier"]: (s["applicable"], s["passed"]) for s in summary["specifications"]}
    assert figures == FIGURES[name]
    for spec in summary["specifications"]:
        assert spec["applicable"] <= elements
        assert spec["passed"] + spec["failed"] == spec["applicable"]
        assert len(spec["failures"]) == spec["failed"] and not spec["failures_truncated"]
        expected = "not_applicable" if not spec["applicable"] else "passed"
        assert spec["status"] == ("failed" if spec["failed"] else expected)
        for failure in spec["failures"]:
            assert re.fullmatch(r"[0-9A-Za-z_$]{22}", failure["guid"])
            assert failure["ifc_class"].startswith("Ifc") and failure["reasons"]
    failing = [s for s in summary["specifications"] if s["status"] == "failed"]
    assert summary["failed_specifications"] == len(failing)
    assert summary["ok"] is (not failing)


def test_reasons_name_what_is_missing():
    summary, _ = _checked("AC20-FZK-Haus.ifc")
    specs = {s["identifier"]: s for s in summary["specifications"]}
    quantities = specs["MP-03"]["failures"]
    assert {f["ifc_class"] for f in quantities} == {"IfcMember", "IfcRailing", "IfcBeam"}
    assert {r["code"] for f in quantities for r in f["reasons"]} == {"quantity_set"}
    assert quantities[0]["reasons"][0]["field"] == "NetVolume / NetArea / NetSideArea"
    materials = specs["MP-02"]["failures"]
    assert sorted(f["ifc_class"] for f in materials) == ["IfcDoor"] * 2 + ["IfcWindow"] * 2
    assert {r["code"] for f in materials for r in f["reasons"]} == {"material"}
    # Each failing element is placed (metres), for the BCF viewpoint.
    assert all(len(f["at"]) == 3 for f in quantities)


def test_a_model_ifctester_stumbles_on_is_reported_not_raised(app, monkeypatch):
    import passports.imports.ids as ids

    def broken(model, base):
        raise AssertionError("ifctester assert")

    monkeypatch.setattr(ids, "validate", broken)
    model = ifcopenshell.open(str(sample("IfcOpenHouse_IFC4.ifc")))
    summary = check_model(model, "IfcBuildingElement")
    assert summary["status"] == "error" and summary["specifications"] == []
    assert "not affected" in summary["message"]

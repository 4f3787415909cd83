"""Hostile files: XML bombs and external entities in a workbook, and an IFC model whose
relations go round in a circle, are refused with a clear 422 and change nothing, through the
API (preview and commit) and the import page."""

import io
import re
import zipfile

import ifcopenshell
import ifcopenshell.guid
import openpyxl
import pytest

from tests.passports.imports.conftest import CSV_HEADER
from tests.passports.imports.conftest import multipart
from tests.passports.imports.conftest import wait_until_done

LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
XXE = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def _workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for line in (CSV_HEADER + "W-1,Brick wall,external_wall,00,12.5,m3,brick,4\n").splitlines():
        sheet.append(line.split(","))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _poisoned(member: str, doctype: str, entity: str) -> bytes:
    """The workbook with a DOCTYPE declared in one XML part and its entity used in it."""
    source = zipfile.ZipFile(io.BytesIO(_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == member:
                text = data.decode("utf-8")
                declaration = re.match(r"<\?xml[^>]*\?>", text)
                head = declaration.group(0) if declaration else ""
                body = text[len(head) :]
                # In the sheet, in a cell; in the workbook, in the sheet's name.
                body = body.replace("Brick wall", f"Brick wall &{entity};", 1)
                body = body.replace('name="Sheet"', f'name="Sheet&{entity};"', 1)
                data = (head + doctype + body).encode("utf-8")
            target.writestr(info, data)
    return out.getvalue()


HOSTILE = {
    "billion-laughs-in-sheet": ("xl/worksheets/sheet1.xml", LAUGHS, "lol9"),
    "billion-laughs-in-workbook": ("xl/workbook.xml", LAUGHS, "lol9"),
    "xxe-in-sheet": ("xl/worksheets/sheet1.xml", XXE, "xxe"),
    "xxe-in-workbook": ("xl/workbook.xml", XXE, "xxe"),
}


def test_openpyxl_parses_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("dry_run", [True, False], ids=["preview", "commit"])
def test_xml_bombs_and_external_entities_in_a_workbook_are_refused(
    post_import, row_counts, name, dry_run
):
    member, doctype, entity = HOSTILE[name]
    content = _poisoned(member, doctype, entity)
    before = row_counts()
    response = post_import(content, "components.xlsx", dry_run=dry_run)
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["errors"]["file"] == [body["message"]]
    assert "entity declarations or external references" in body["message"]
    assert row_counts() == before


def test_a_hostile_workbook_is_refused_on_the_import_page(login, owner, building, row_counts):
    client = login(owner)
    url = f"/buildings/{building.id}/imports"
    html = client.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    before = row_counts()
    content = _poisoned("xl/worksheets/sheet1.xml", LAUGHS, "lol9")
    started = client.post(
        url, **multipart({"file": (io.BytesIO(content), "walls.xlsx"), "csrf_token": token})
    )
    assert started.status_code == 302
    stage = started.headers["Location"]
    assert wait_until_done(client, stage + "/status")["status"] == "failed"
    page = client.get(stage)
    assert page.status_code == 422
    assert "entity declarations or external references" in page.get_data(as_text=True)
    assert row_counts() == before


# ---------------------------------------------------------------- IFC that refers to itself
def _model(cycle: str) -> bytes:
    """A small IFC4 model: project, site, building, storey and two walls, with a cycle."""
    model = ifcopenshell.file(schema="IFC4")

    def new(cls, **attrs):
        return model.create_entity(cls, GlobalId=ifcopenshell.guid.new(), **attrs)

    project = new("IfcProject", Name="Cycle")
    units = model.create_entity(
        "IfcUnitAssignment",
        Units=[model.create_entity("IfcSIUnit", UnitType="LENGTHUNIT", Name="METRE")],
    )
    project.UnitsInContext = units
    site, building = new("IfcSite", Name="Site"), new("IfcBuilding", Name="Town hall")
    storey = new("IfcBuildingStorey", Name="Ground floor")
    if cycle == "spatial":
        # The building is part of the site, which is part of the building.
        new("IfcRelAggregates", RelatingObject=site, RelatedObjects=[building])
        new("IfcRelAggregates", RelatingObject=building, RelatedObjects=[site])
    else:
        new("IfcRelAggregates", RelatingObject=project, RelatedObjects=[site])
        new("IfcRelAggregates", RelatingObject=site, RelatedObjects=[building])
    new("IfcRelAggregates", RelatingObject=building, RelatedObjects=[storey])
    first, second = new("IfcWall", Name="Wall A"), new("IfcWall", Name="Wall B")
    if cycle == "aggregates":
        # Each wall is part of the other: neither reaches a storey.
        new("IfcRelAggregates", RelatingObject=first, RelatedObjects=[second])
        new("IfcRelAggregates", RelatingObject=second, RelatedObjects=[first])
    elif cycle == "spatial":
        # Walls in the building, in no storey: the way up goes round in a circle.
        new(
            "IfcRelContainedInSpatialStructure",
            RelatingStructure=building,
            RelatedElements=[first, second],
        )
    elif cycle == "placement":
        # A placement relative to itself: nothing we read walks placements.
        placement = model.create_entity("IfcLocalPlacement")
        placement.PlacementRelTo = placement
        first.ObjectPlacement = placement
        new(
            "IfcRelContainedInSpatialStructure",
            RelatingStructure=storey,
            RelatedElements=[first, second],
        )
    return model.to_string().encode()


@pytest.mark.parametrize("cycle", ["aggregates", "spatial"])
@pytest.mark.parametrize("dry_run", [True, False], ids=["preview", "commit"])
def test_an_ifc_whose_structure_refers_to_itself_is_refused(
    post_import, row_counts, cycle, dry_run
):
    before = row_counts()
    response = post_import(_model(cycle), "model.ifc", dry_run=dry_run)
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert "refers to itself in a circle" in body["message"]
    assert body["errors"]["file"] == [body["message"]]
    assert row_counts() == before


def test_an_ifc_placement_relative_to_itself_does_not_hold_the_import(post_import, row_counts):
    response = post_import(_model("placement"), "model.ifc", dry_run=True)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["counts"]["created"] == 2

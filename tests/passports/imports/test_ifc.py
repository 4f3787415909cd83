"""IFC imports through the API and the CLI: small models of our own for exact figures, and the
real sample files (ArchiCAD, Revit, Tekla, IfcOpenHouse) for breadth."""

import pytest
from sqlalchemy import select

from passports.models import Component
from passports.models import Material
from tests.passports.imports.conftest import sample

api = pytest.importorskip("ifcopenshell.api")
import ifcopenshell.api.aggregate  # noqa: E402
import ifcopenshell.api.material  # noqa: E402
import ifcopenshell.api.owner  # noqa: E402
import ifcopenshell.api.owner.settings  # noqa: E402
import ifcopenshell.api.project  # noqa: E402
import ifcopenshell.api.pset  # noqa: E402
import ifcopenshell.api.root  # noqa: E402
import ifcopenshell.api.spatial  # noqa: E402
import ifcopenshell.api.unit  # noqa: E402

GUIDS = {}


def _element(model, cls, name, storey, **kwargs):
    element = api.root.create_entity(model, ifc_class=cls, name=name, **kwargs)
    if storey is not None:
        api.spatial.assign_container(model, relating_structure=storey, products=[element])
    GUIDS[name] = element.GlobalId
    return element


def _qto(model, element, name, values):
    qto = api.pset.add_qto(model, product=element, name=name)
    api.pset.edit_qto(model, qto=qto, properties=values)


def build_model(monkeypatch, version="IFC4", wall_volume_mm3=3.0e9) -> bytes:
    """A model in millimetres and grams with one element of each interesting kind."""
    model = api.project.create_file(version=version)
    if version == "IFC2X3":  # IFC2X3 requires owner history on every rooted entity
        person = api.owner.add_person(model)
        org = api.owner.add_organisation(model)
        user = api.owner.add_person_and_organisation(model, person=person, organisation=org)
        application = api.owner.add_application(model)
        monkeypatch.setattr(ifcopenshell.api.owner.settings, "get_user", lambda f: user)
        monkeypatch.setattr(
            ifcopenshell.api.owner.settings, "get_application", lambda f: application
        )
    project = api.root.create_entity(model, ifc_class="IfcProject", name="Test")
    units = [
        api.unit.add_si_unit(model, unit_type="LENGTHUNIT", prefix="MILLI"),
        api.unit.add_si_unit(model, unit_type="AREAUNIT"),
        api.unit.add_si_unit(model, unit_type="VOLUMEUNIT", prefix="MILLI"),  # mm³
        api.unit.add_si_unit(model, unit_type="MASSUNIT"),  # grams
    ]
    api.unit.assign_unit(model, units=units)
    site = api.root.create_entity(model, ifc_class="IfcSite", name="Site")
    house = api.root.create_entity(model, ifc_class="IfcBuilding", name="House")
    ground = api.root.create_entity(model, ifc_class="IfcBuildingStorey", name="00 Ground")
    api.aggregate.assign_object(model, relating_object=project, products=[site])
    api.aggregate.assign_object(model, relating_object=site, products=[house])
    api.aggregate.assign_object(model, relating_object=house, products=[ground])
    brick = api.material.add_material(model, name="Masonry - Brick")
    wool = api.material.add_material(model, name="Stone wool")
    concrete = api.material.add_material(model, name="Concrete")
    steel = api.material.add_material(model, name="Steel/S235JR")

    wall = _element(model, "IfcWall", "Cavity wall", ground)
    layers = api.material.add_material_set(model, name="Cavity", set_type="IfcMaterialLayerSet")
    for material, thickness in ((brick, 100.0), (None, 50.0), (wool, 100.0)):
        layer = api.material.add_layer(model, layer_set=layers, material=material)
        api.material.edit_layer(model, layer=layer, attributes={"LayerThickness": thickness})
    api.material.assign_material(
        model, products=[wall], type="IfcMaterialLayerSet", material=layers
    )
    _qto(model, wall, "Qto_WallBaseQuantities", {"NetVolume": wall_volume_mm3, "Length": 5000.0})
    pset = api.pset.add_pset(model, product=wall, name="Pset_WallCommon")
    api.pset.edit_pset(model, pset=pset, properties={"IsExternal": True})

    slab = _element(model, "IfcSlab", "Roof slab", ground, predefined_type="ROOF")
    api.material.assign_material(model, products=[slab], type="IfcMaterial", material=concrete)
    _qto(model, slab, "Qto_SlabBaseQuantities", {"NetVolume": 1.0e9, "NetWeight": 2_500_000.0})

    beam = _element(model, "IfcBeam", "Beam", ground)
    mix = api.material.add_material_set(model, name="Mix", set_type="IfcMaterialList")
    api.material.add_list_item(model, material_list=mix, material=steel)
    api.material.add_list_item(model, material_list=mix, material=concrete)
    api.material.assign_material(model, products=[beam], type="IfcMaterialList", material=mix)
    _qto(model, beam, "Qto_BeamBaseQuantities", {"Length": 6000.0})

    _element(model, "IfcDoor", "Door without quantities", ground)
    proxy = _element(model, "IfcBuildingElementProxy", "Mystery", ground)
    api.material.assign_material(model, products=[proxy], type="IfcMaterial", material=steel)

    stair = _element(model, "IfcStair", "Stair", ground)
    flight = _element(model, "IfcStairFlight", "Flight", None)
    api.aggregate.assign_object(model, relating_object=stair, products=[flight])
    api.material.assign_material(model, products=[flight], type="IfcMaterial", material=concrete)
    _qto(model, flight, "Qto_StairFlightBaseQuantities", {"NetVolume": 0.5e9})
    return model.to_string().encode()


def _by_name(db, building_id):
    db.session.rollback()
    rows = db.session.scalars(select(Component).where(Component.building_id == building_id))
    return {c.name: c for c in rows}


def _density(db, slug):
    return db.session.scalar(select(Material.density_kg_m3).where(Material.slug == slug))


@pytest.mark.parametrize("version", ["IFC4", "IFC2X3", "IFC4X3"])
def test_own_model_exact_figures(post_import, monkeypatch, db, building, version):
    response = post_import(build_model(monkeypatch, version), "model.ifc")
    assert response.status_code == 201, response.get_json()
    report = response.get_json()
    assert report["ifc"]["by_class"] == {
        "IfcBeam": 1,
        "IfcBuildingElementProxy": 1,
        "IfcDoor": 1,
        "IfcSlab": 1,
        "IfcStair": 1,
        "IfcStairFlight": 1,
        "IfcWall": 1,
    }
    assert report["ifc"]["units"]["length"] == "mm" and report["ifc"]["units"]["mass"] == "g"
    found = _by_name(db, building.id)

    wall = found["Cavity wall"]
    assert wall.ifc_guid == GUIDS["Cavity wall"] and wall.ifc_class == "IfcWall"
    assert wall.category == "external_wall" and wall.storey == "00 Ground"
    # 3 m³ (3e9 mm³), of which the 50 mm air gap of 250 mm is not material.
    assert wall.unit == "m3" and wall.quantity == pytest.approx(2.4)
    shares = {cm.material.slug: cm.fraction for cm in wall.materials}
    assert shares == pytest.approx({"common-clay-brick": 0.5, "stone-wool": 0.5})
    expected = 2.4 * (0.5 * _density(db, "common-clay-brick") + 0.5 * _density(db, "stone-wool"))
    assert wall.mass_kg == pytest.approx(expected) and wall.mass_source == "derived"
    assert wall.data_complete and wall.import_source == "ifc"

    slab = found["Roof slab"]
    assert slab.category == "roof" and slab.quantity == pytest.approx(1.0)
    assert slab.mass_kg == pytest.approx(2500.0) and slab.mass_source == "given"  # from grams

    beam = found["Beam"]
    assert (beam.unit, beam.quantity, beam.category) == ("m", pytest.approx(6.0), "structure")
    assert sorted(cm.fraction for cm in beam.materials) == [0.5, 0.5]
    assert "estimate" in beam.description

    door = found["Door without quantities"]
    assert (door.quantity, door.unit, door.data_complete) == (1.0, "pcs", False)
    assert {e["guid"] for e in report["ifc"]["no_quantities"]} == {
        GUIDS["Door without quantities"],
        GUIDS["Mystery"],
    }

    proxy = found["Mystery"]
    assert proxy.category == "other" and not proxy.data_complete
    assert [p["name"] for p in report["ifc"]["proxies"]] == ["Mystery"]

    flight, stair = found["Flight"], found["Stair"]
    assert flight.storey == "00 Ground" and flight.category == "stair"
    assert flight.quantity == pytest.approx(0.5)
    assert stair.unit == "pcs" and stair.mass_kg is None
    assert "Assembly of 1 part" in stair.description

    by_material = {m["slug"]: m for m in report["materials"]}
    assert by_material["stone-wool"]["volume_m3"] == pytest.approx(1.2)


def test_reimport_of_a_model_updates_by_guid(post_import, monkeypatch, db, building):
    assert post_import(build_model(monkeypatch), "model.ifc").status_code == 201
    again = post_import(build_model(monkeypatch), "model.ifc").get_json()
    # The same model written again has new GUIDs: our builder makes fresh ones each time.
    assert again["counts"]["created"] == 7
    GUIDS.clear()


def test_same_file_twice_is_unchanged_then_updated(post_import, monkeypatch, db, building):
    model = build_model(monkeypatch)
    assert post_import(model, "model.ifc").get_json()["counts"]["created"] == 7
    second = post_import(model, "model.ifc").get_json()
    assert second["counts"] == {**second["counts"], "created": 0, "updated": 0, "unchanged": 7}
    bigger = model.replace(
        b"IFCQUANTITYVOLUME('NetVolume',$,$,3.E+09", b"IFCQUANTITYVOLUME('NetVolume',$,$,4.E+09"
    )
    assert bigger != model
    third = post_import(bigger, "model.ifc").get_json()
    assert third["counts"]["updated"] == 1 and third["counts"]["created"] == 0
    assert _by_name(db, building.id)["Cavity wall"].quantity == pytest.approx(3.2)
    assert len(_by_name(db, building.id)) == 7


SAMPLES = {
    # file: (schema, elements by class, storeys, length unit)
    "AC20-FZK-Haus.ifc": (
        "IFC4",
        {"IfcWallStandardCase": 13, "IfcWindow": 11, "IfcSlab": 4, "IfcMember": 42, "IfcDoor": 5},
        {"Erdgeschoss", "Dachgeschoss"},
        "m",
    ),
    "duplex.ifc": (
        "IFC2X3",
        {"IfcWallStandardCase": 56, "IfcDoor": 14, "IfcSlab": 21},
        {"Level 1", "Level 2", "Roof"},
        "m",
    ),
    "Office_A_20110811.ifc": (
        "IFC2X3",
        {"IfcWallStandardCase": 487, "IfcCovering": 83, "IfcDoor": 102},
        {"Level 1", "Level 2"},
        "m",
    ),
    "ISSUE_021_Mini_Project.ifc": (
        "IFC2X3",
        {"IfcBeam": 1949, "IfcColumn": 26, "IfcSlab": 24},
        {"Undefined"},
        "mm",
    ),
    "IfcOpenHouse_IFC4.ifc": ("IFC4", {"IfcWallStandardCase": 4, "IfcWindow": 5}, set(), "mm"),
    "example.ifc": (
        "IFC2X3",
        {"IfcBeam": 43, "IfcColumn": 42, "IfcBuildingElementProxy": 4},
        {"Level 1", "Level 2"},
        "mm",
    ),
    "ISSUE_005_haus.ifc": ("IFC4", {"IfcWallStandardCase": 13}, {"Erdgeschoss"}, "m"),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_real_files_import(post_import, db, building, name):
    schema, classes, storeys, length = SAMPLES[name]
    content = sample(name).read_bytes()
    response = post_import(content, name)
    assert response.status_code == 201, response.get_json()["message"]
    report = response.get_json()
    ifc = report["ifc"]
    assert ifc["schema"] == schema and ifc["units"]["length"] == length
    assert {k: ifc["by_class"][k] for k in classes} == classes
    total = sum(ifc["by_class"].values())
    assert report["counts"]["created"] == total == ifc["elements"]
    found = _by_name(db, building.id)
    db.session.rollback()
    count = len(
        db.session.scalars(select(Component.id).where(Component.building_id == building.id)).all()
    )
    assert count == total
    assert storeys <= {c.storey for c in found.values()}
    if schema == "IFC2X3" and name != "example.ifc":
        assert report["counts"]["incomplete"] >= ifc["no_quantities_count"]


def test_tekla_steel_in_mm_with_net_weight(post_import, db, building):
    report = post_import(sample("ISSUE_021_Mini_Project.ifc").read_bytes(), "tekla.ifc").get_json()
    db.session.rollback()
    beams = db.session.scalars(
        select(Component).where(
            Component.building_id == building.id,
            Component.ifc_class == "IfcBeam",
            Component.mass_source == "given",
        )
    ).all()
    assert beams, report["counts"]
    # NetWeight is in kg here; volumes in m³ are small (no mm³ slip: a beam is not 1e9 m³).
    assert all(0 < b.mass_kg < 50_000 for b in beams)
    assert all(b.unit == "m3" and b.quantity < 50 for b in beams)
    steel = next(m for m in report["materials"] if m["slug"] == "structural-steel-section")
    assert steel["mass_kg"] > 1000


def test_fzk_house_quantities_and_unmatched_materials(post_import, db, building):
    report = post_import(sample("AC20-FZK-Haus.ifc").read_bytes(), "fzk.ifc").get_json()
    found = _by_name(db, building.id)
    walls = [c for c in found.values() if c.ifc_class == "IfcWallStandardCase"]
    assert all(w.unit == "m3" for w in walls)
    assert {w.category for w in walls} <= {"external_wall", "internal_wall"}
    names = {u["name"] for u in report["unmatched_materials"]}
    assert "Leichtbeton 102890359" in names
    leicht = next(u for u in report["unmatched_materials"] if u["name"].startswith("Leichtbeton"))
    assert leicht["suggestions"]
    assert {m["slug"] for m in report["materials"]} >= {"reinforced-concrete"}


def test_ifc_materials_use_the_organisation_mapping(
    post_import, client, auth, material_id, db, building
):
    first = post_import(sample("AC20-FZK-Haus.ifc").read_bytes(), "fzk.ifc").get_json()
    incomplete = first["counts"]["incomplete"]
    aerated = material_id("aerated-concrete-block")
    client.post(
        "/api/v1/material-mappings",
        headers=auth,
        json={"source_name": "Leichtbeton 102890359", "material_id": aerated},
    )
    second = post_import(sample("AC20-FZK-Haus.ifc").read_bytes(), "fzk.ifc").get_json()
    assert second["counts"]["created"] == 0 and second["counts"]["updated"] > 0
    assert second["counts"]["incomplete"] < incomplete
    assert "aerated-concrete-block" in {m["slug"] for m in second["materials"]}


def test_cli_import_ifc_with_progress(runner, building, monkeypatch, tmp_path):
    path = tmp_path / "model.ifc"
    path.write_bytes(build_model(monkeypatch))
    dry = runner.invoke(args=["passports", "import", str(building.id), str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "7 would be created" in dry.output and "Nothing written (dry run)." in dry.output
    done = runner.invoke(args=["passports", "import", str(building.id), str(path)])
    assert done.exit_code == 0, done.output
    assert "Committed as import" in done.output and "IfcWall 1" in done.output

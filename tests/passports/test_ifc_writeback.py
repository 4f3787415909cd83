"""IFC write-back: the model of an IFC import is kept, and the building page and the API give it
back with CPset_MaterialPassport on every element of the passport; importing it again changes
nothing. Through the app (API, pages, CLI), on every sample model and on small models of our
own."""

import io
import re
import zipfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from app.storage import upload_root
from passports.ifc_export.pset import PSET_NAME
from passports.imports.models import ImportRun
from passports.models import Component
from tests.passports.imports import conftest as imports
from tests.passports.imports.conftest import SAMPLES
from tests.passports.imports.conftest import multipart
from tests.passports.imports.conftest import sample
from tests.passports.imports.test_ifc import build_model

element_util = pytest.importorskip("ifcopenshell.util.element")
import ifcopenshell  # noqa: E402

# The import tests' fixtures: an owner, their building, its bearer header, posting a file.
owner, building, auth, post_import = (
    imports.owner,
    imports.building,
    imports.auth,
    imports.post_import,
)
# Without the samples, one case that skips saying where they are looked for.
SAMPLE_NAMES = sorted(p.name for p in SAMPLES.glob("*.ifc")) or ["(the IFC samples)"]
_ORIGINALS: dict[str, dict] = {}


def original(name: str) -> dict:
    """What a sample model holds before the write-back, read once per module: its products'
    GlobalIds and how many property sets each element has."""
    if name not in _ORIGINALS:
        model = ifcopenshell.open(str(sample(name)))
        _ORIGINALS[name] = {
            "guids": {p.GlobalId for p in model.by_type("IfcProduct")},
            "entities": {entity.id(): str(entity) for entity in model},
        }
    return _ORIGINALS[name]


def open_model(content: bytes, tmp_path: Path, name: str = "written.ifc"):
    """Open downloaded bytes with ifcopenshell."""
    path = tmp_path / name
    path.write_bytes(content)
    return ifcopenshell.open(str(path))


def passport_set(element) -> dict | None:
    """The element's CPset_MaterialPassport as {property: value}, or None."""
    return element_util.get_psets(element, psets_only=True).get(PSET_NAME)


def passport_sets(element) -> list:
    """Every CPset_MaterialPassport the element carries (one, or none)."""
    return [
        rel.RelatingPropertyDefinition
        for rel in element.IsDefinedBy
        if rel.is_a("IfcRelDefinesByProperties")
        and rel.RelatingPropertyDefinition.Name == PSET_NAME
    ]


@pytest.fixture
def download(client, auth, building):
    """GET the building's latest written-back model through the API; the response."""

    def get(building_id: int | None = None, headers: dict | None = None):
        response = client.get(
            f"/api/v1/buildings/{building_id or building.id}/ifc", headers=headers or auth
        )
        response.get_data()  # read the stream whole, which closes the file behind it
        response.close()
        return response

    return get


def live_components(db, building_id: int) -> list[Component]:
    """The building's components, fresh from the database."""
    db.session.rollback()
    return list(
        db.session.scalars(
            select(Component)
            .where(Component.building_id == building_id, Component.archived_at.is_(None))
            .order_by(Component.id)
        )
    )


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_writes_back_and_reimports_unchanged(
    post_import, download, db, building, tmp_path, name
):
    imported = post_import(sample(name).read_bytes(), name)
    assert imported.status_code == 201, imported.get_json()["message"]
    response = download()
    assert response.status_code == 200
    assert response.mimetype == "application/x-step"
    assert response.headers["Content-Disposition"].endswith('-passport.ifc"')
    components = live_components(db, building.id)
    assert int(response.headers["X-IFC-Elements-Tagged"]) == len(components)

    model = open_model(response.data, tmp_path)
    before = original(name)
    assert {p.GlobalId for p in model.by_type("IfcProduct")} == before["guids"]
    for component in components:
        element = model.by_guid(component.ifc_guid)
        values = passport_set(element)
        assert values is not None, component.ifc_guid
        assert values["Tag"] == component.tag
        assert values["TagURL"].endswith(f"/t/{component.tag.upper()}")
        assert values["PassportURL"] == values["TagURL"]  # LABEL_LINK = "tag", the default
        assert values["Status"] == "installed" and values["ReuseCycles"] == 0
        assert len(passport_sets(element)) == 1
    # Nothing but the sets (a set, its relation and 8 properties per element) is new, and
    # every entity of the model is still there with its id and its values.
    assert len(list(model)) == len(before["entities"]) + len(components) * (2 + 8)
    changed = [i for i, text in before["entities"].items() if str(model.by_id(i)) != text]
    assert changed == []

    again = post_import(response.data, f"written-{name}", dry_run=True)
    assert again.status_code == 200, again.get_json()["message"]
    counts = again.get_json()["counts"]
    assert counts["created"] == 0 and counts["updated"] == 0
    assert counts["unchanged"] == len(components)


@pytest.mark.parametrize("source", ["our IFC4 model", "duplex.ifc"])
def test_reimporting_the_written_model_changes_nothing_in_the_passport(
    post_import, download, client, auth, db, building, monkeypatch, tmp_path, source
):
    if source.endswith(".ifc"):
        content = sample(source).read_bytes()
    else:
        content = build_model(monkeypatch, "IFC4")
    assert post_import(content, "house.ifc").status_code == 201
    snapshot = client.post(
        f"/api/v1/buildings/{building.id}/snapshots", headers=auth, json={"label": "as built"}
    )
    assert snapshot.status_code == 201, snapshot.get_json()
    written = download().data
    again = post_import(written, "house-passport.ifc")
    assert again.status_code == 201
    assert again.get_json()["counts"]["updated"] == 0
    compared = client.get(
        "/api/v1/snapshots/compare",
        headers=auth,
        query_string={"from": snapshot.get_json()["id"], "to": "current"},
    )
    assert compared.status_code == 200, compared.get_json()
    diff = compared.get_json()
    assert not diff["added"] and not diff["removed"] and not diff["changed"]
    assert not diff["building_changes"]
    # The model kept from the second import is the written one; writing it back again updates
    # each set in place: one set per element, never two.
    model = open_model(download().data, tmp_path)
    for component in live_components(db, building.id):
        assert len(passport_sets(model.by_guid(component.ifc_guid))) == 1


def test_the_importer_reads_nothing_from_our_property_set(
    post_import, download, db, building, monkeypatch, tmp_path
):
    assert post_import(build_model(monkeypatch, "IFC4"), "house.ifc").status_code == 201
    model = open_model(download().data, tmp_path)
    for pset in model.by_type("IfcPropertySet"):
        if pset.Name == PSET_NAME:
            for prop in pset.HasProperties:
                if prop.Name == "Condition":
                    prop.NominalValue = model.create_entity("IfcInteger", 1)
                if prop.Name == "Status":
                    prop.NominalValue = model.create_entity("IfcLabel", "disposed")
    changed = tmp_path / "changed.ifc"
    model.write(str(changed))
    report = post_import(changed.read_bytes(), "changed.ifc", dry_run=True).get_json()
    assert report["counts"]["updated"] == 0 and report["counts"]["created"] == 0


@pytest.mark.parametrize(
    ("version", "url_type", "date_type"),
    [("IFC4", "IfcURIReference", "IfcDate"), ("IFC2X3", "IfcText", "IfcLabel")],
)
def test_property_types_follow_the_schema_and_values_follow_the_passport(
    app, post_import, download, db, building, monkeypatch, tmp_path, version, url_type, date_type
):
    assert post_import(build_model(monkeypatch, version), "house.ifc").status_code == 201
    components = live_components(db, building.id)
    wall = next(c for c in components if c.name == "Cavity wall")
    wall.condition, wall.status, wall.reuse_cycles = 3, "to_harvest", 2
    wall.gtin, wall.serial_number = "08712345000011", "SN 7"
    db.session.commit()
    app.config["LABEL_LINK"] = "gs1"
    model = open_model(download().data, tmp_path)
    pset = passport_sets(model.by_guid(wall.ifc_guid))[0]
    props = {p.Name: p.NominalValue for p in pset.HasProperties}
    assert props["Tag"].is_a("IfcIdentifier")
    assert props["PassportURL"].is_a(url_type) and props["GS1DigitalLink"].is_a(url_type)
    assert props["PassportURL"].wrappedValue.endswith("/01/08712345000011/21/SN%207")
    assert props["PassportURL"].wrappedValue == props["GS1DigitalLink"].wrappedValue
    assert props["Condition"].is_a("IfcInteger") and props["Condition"].wrappedValue == 3
    assert props["Status"].is_a("IfcLabel") and props["Status"].wrappedValue == "to_harvest"
    assert props["ReuseCycles"].wrappedValue == 2
    assert props["PassportIssued"].is_a(date_type)
    assert props["PassportIssued"].wrappedValue == date.today().isoformat()
    if version == "IFC2X3":  # the model's own owner history, mandatory there
        assert pset.OwnerHistory == model.by_type("IfcProject")[0].OwnerHistory
    door = next(c for c in components if c.name == "Door without quantities")
    assert passport_set(model.by_guid(door.ifc_guid))["Condition"] is None


def test_archived_and_moved_components_lose_the_set(
    post_import, download, db, building, make_building, owner, monkeypatch, tmp_path
):
    assert post_import(build_model(monkeypatch, "IFC4"), "house.ifc").status_code == 201
    # The written model is imported again, so the kept model already carries the sets.
    assert post_import(download().data, "house-passport.ifc").status_code == 201
    components = {c.name: c for c in live_components(db, building.id)}
    elsewhere = make_building(owner)
    components["Beam"].building_id = elsewhere.id
    components["Mystery"].archived_at = components["Mystery"].created_at
    db.session.commit()
    model = open_model(download().data, tmp_path)
    assert passport_sets(model.by_guid(components["Beam"].ifc_guid)) == []
    assert passport_sets(model.by_guid(components["Mystery"].ifc_guid)) == []
    assert passport_set(model.by_guid(components["Cavity wall"].ifc_guid)) is not None
    assert len([p for p in model.by_type("IfcPropertySet") if p.Name == PSET_NAME]) == 5


def test_a_model_is_kept_once_and_backed_up(
    app, post_import, runner, db, building, monkeypatch, tmp_path
):
    content = build_model(monkeypatch, "IFC4")
    assert post_import(content, "house.ifc").status_code == 201
    assert post_import(content, "house-again.ifc").status_code == 201
    runs = db.session.scalars(select(ImportRun).where(ImportRun.building_id == building.id))
    names = {run.model_file for run in runs}
    assert len(names) == 1
    (name,) = names
    assert name.startswith("ifc-models/") and name.endswith(".ifc")
    with app.app_context():
        kept = upload_root() / name
    assert kept.read_bytes() == content
    assert len(list(kept.parent.glob("*.ifc"))) == 1
    archive = tmp_path / "backup.zip"
    result = runner.invoke(args=["backup", "create", str(archive)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(archive) as zipped:
        assert zipped.read(f"uploads/{name}") == content


def test_the_cli_import_keeps_the_model(runner, db, building, monkeypatch, tmp_path):
    path = tmp_path / "house.ifc"
    path.write_bytes(build_model(monkeypatch, "IFC2X3"))
    result = runner.invoke(args=["passports", "import", str(building.id), str(path)])
    assert result.exit_code == 0, result.output
    run = db.session.scalar(select(ImportRun).where(ImportRun.building_id == building.id))
    assert run.model_file is not None


def test_spreadsheet_imports_keep_no_model(post_import, download, db, building):
    csv = "external_id,name,category,storey,quantity,unit,materials\nA1,Wall,other,0,1,m3,\n"
    assert post_import(csv.encode(), "components.csv").status_code == 201
    response = download()
    assert response.status_code == 404
    assert "Import the IFC file again" in response.get_json()["message"]


def test_without_a_kept_model_the_page_and_the_api_say_how_to_get_one(
    client, post_import, auth, download, db, building, owner, login, monkeypatch
):
    page = login(owner).get(f"/buildings/{building.id}")
    assert 'id="ifc"' in page.get_data(as_text=True)
    assert "No IFC model has been imported into this building." in page.get_data(as_text=True)
    assert post_import(build_model(monkeypatch, "IFC4"), "house.ifc").status_code == 201
    run = db.session.scalar(select(ImportRun).where(ImportRun.building_id == building.id))
    run.model_file = None  # as an import made before models were kept
    db.session.commit()
    html = client.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert "Not kept: imported before models were kept." in html
    assert "import the IFC file again" in html
    response = download()
    assert response.status_code == 404
    assert response.get_json()["message"].startswith("No IFC model is kept")
    response = client.get(
        f"/api/v1/buildings/{building.id}/imports/{run.id}/model.ifc", headers=auth
    )
    assert response.status_code == 404
    response = client.get(f"/buildings/{building.id}/ifc/{run.id}/passport.ifc")
    assert response.status_code == 404
    assert "Import the IFC file again" in response.get_data(as_text=True)


def test_the_building_page_lists_and_downloads_models(
    client, post_import, db, building, owner, login, monkeypatch, tmp_path
):
    assert post_import(build_model(monkeypatch, "IFC4"), "house.ifc").status_code == 201
    run = db.session.scalar(select(ImportRun).where(ImportRun.building_id == building.id))
    login(owner)
    html = client.get(f"/buildings/{building.id}").get_data(as_text=True)
    url = f"/buildings/{building.id}/ifc/{run.id}/passport.ifc"
    assert f'href="{url}"' in html and "house.ifc" in html
    assert '<td data-label="Elements" class="num">7</td>' in html
    response = client.get(url)
    assert response.status_code == 200
    model = open_model(response.data, tmp_path)
    assert len([p for p in model.by_type("IfcPropertySet") if p.Name == PSET_NAME]) == 7
    # A spreadsheet import's id is no model: 404.
    csv = "external_id,name,category,storey,quantity,unit,materials\nA1,Wall,other,0,1,m3,\n"
    assert post_import(csv.encode(), "components.csv").status_code == 201
    other = db.session.scalar(
        select(ImportRun).where(ImportRun.building_id == building.id, ImportRun.kind == "csv")
    )
    assert client.get(f"/buildings/{building.id}/ifc/{other.id}/passport.ifc").status_code == 404
    # The page in Japanese.
    ja = client.get(f"/buildings/{building.id}", headers={"Accept-Language": "ja"})
    assert ja.status_code == 200


def test_who_may_download_a_model(
    client, post_import, download, db, building, owner, make_user, token_for, monkeypatch
):
    assert post_import(build_model(monkeypatch, "IFC4"), "house.ifc").status_code == 201
    contractor = make_user("contractor")
    stranger = make_user("owner")
    buyer = make_user("buyer", org=owner.organisation)
    admin = make_user("admin")
    assert download(headers=token_for(stranger)).status_code == 404
    assert download(headers=token_for(contractor)).status_code == 404
    grant = client.post(
        f"/api/v1/buildings/{building.id}/grants",
        headers=token_for(owner),
        json={"organisation_id": contractor.organisation_id},
    )
    assert grant.status_code == 201, grant.get_json()
    assert download(headers=token_for(contractor)).status_code == 200
    assert download(headers=token_for(buyer)).status_code == 200
    assert download(headers=token_for(admin)).status_code == 200
    anonymous = client.get(f"/api/v1/buildings/{building.id}/ifc")
    assert anonymous.status_code == 401


def test_the_api_documents_the_model_routes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    latest = paths["/api/v1/buildings/{building_id}/ifc"]["get"]
    assert "application/x-step" in latest["responses"]["200"]["content"]
    assert "404" in latest["responses"]
    assert "/api/v1/buildings/{building_id}/imports/{import_id}/model.ifc" in paths


def test_upload_of_the_written_model_through_the_pages(
    client, post_import, download, db, building, owner, login, monkeypatch
):
    """The stage flow (background job) keeps the model too."""
    from tests.passports.imports.conftest import wait_until_done

    login(owner)
    url = f"/buildings/{building.id}/imports"
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).get_data(as_text=True))
    content = io.BytesIO(build_model(monkeypatch, "IFC4"))
    fields = {"file": (content, "house.ifc"), "csrf_token": token.group(1)}
    response = client.post(url, **multipart(fields))
    assert response.status_code == 302
    stage = response.headers["Location"]
    assert wait_until_done(client, stage + "/status")["status"] == "done"
    confirmed = client.submit(stage + "/confirm", page=stage)
    assert confirmed.status_code == 302
    assert wait_until_done(client, stage + "/status")["status"] == "done"
    assert download().status_code == 200


def test_the_import_list_links_each_kept_model(
    client, post_import, auth, db, building, monkeypatch, tmp_path
):
    assert post_import(build_model(monkeypatch, "IFC2X3"), "house.ifc").status_code == 201
    csv = "external_id,name,category,storey,quantity,unit,materials\nA1,Wall,other,0,1,m3,\n"
    assert post_import(csv.encode(), "components.csv").status_code == 201
    items = client.get(f"/api/v1/buildings/{building.id}/imports", headers=auth).get_json()
    by_kind = {item["kind"]: item for item in items["items"]}
    assert by_kind["csv"]["model_url"] is None
    assert "model_file" not in by_kind["ifc"]
    url = by_kind["ifc"]["model_url"]
    assert url == f"/api/v1/buildings/{building.id}/imports/{by_kind['ifc']['id']}/model.ifc"
    one = client.get(
        f"/api/v1/buildings/{building.id}/imports/{by_kind['ifc']['id']}", headers=auth
    )
    assert one.get_json()["model_url"] == url
    response = client.get(url, headers=auth)
    assert response.status_code == 200
    model = open_model(response.data, tmp_path)
    assert model.schema == "IFC2X3"
    assert len([p for p in model.by_type("IfcPropertySet") if p.Name == PSET_NAME]) == 7

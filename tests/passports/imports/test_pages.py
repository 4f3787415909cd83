"""The import pages as a browser uses them: upload, progress, preview, mapping, confirm, report;
and who may use them."""

import io
import json
import re
import time
from pathlib import Path

import pytest

from passports.imports.staging import staging_root
from tests.passports.imports.conftest import CSV_HEADER
from tests.passports.imports.conftest import multipart
from tests.passports.imports.conftest import wait_until_done

GOOD = CSV_HEADER + (
    'W-1,Brick wall,external_wall,00,12.5,m3,"Common clay brick 85%; Lime mortar 15%",4\n'
    "W-2,Partition,internal_wall,01,3,m3,Kalkzandsteen XL,3\n"
)


def _csrf(client, url: str) -> str:
    html = client.get(url, follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _upload(client, building, content: bytes, filename: str):
    url = f"/buildings/{building.id}/imports"
    token = _csrf(client, url)
    fields = {"file": (io.BytesIO(content), filename), "csrf_token": token}
    return client.post(url, **multipart(fields))


def _stage_url(response) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def test_building_page_has_an_import_button(login, owner, building):
    client = login(owner)
    html = client.get(f"/buildings/{building.id}").get_data(as_text=True)
    assert f'href="/buildings/{building.id}/imports"' in html


def test_upload_preview_map_confirm_report(
    login, owner, building, components, material_id, row_counts
):
    client = login(owner)
    page = client.get(f"/buildings/{building.id}/imports")
    assert page.status_code == 200 and b"Excel template" in page.data
    stage = _stage_url(_upload(client, building, GOOD.encode(), "walls.csv"))
    status = wait_until_done(client, stage + "/status")
    assert status["status"] == "done" and status["url"] == stage

    preview = client.get(stage).get_data(as_text=True)
    assert "Preview: walls.csv" in preview and "nothing has been written yet" in preview
    assert "Kalkzandsteen XL" in preview and 'name="map-0"' in preview
    assert components(building.id) == []

    sand_lime = material_id("calcium-silicate-brick")
    mapped = client.post(
        stage + "/mappings", data={"csrf_token": _csrf(client, stage), "map-0": str(sand_lime)}
    )
    assert mapped.status_code == 302
    wait_until_done(client, stage + "/status")
    preview = client.get(stage).get_data(as_text=True)
    assert "Materials not in the library" not in preview and "Import 2 components" in preview

    before = row_counts()
    confirmed = client.post(stage + "/confirm", data={"csrf_token": _csrf(client, stage)})
    assert confirmed.status_code == 302
    wait_until_done(client, stage + "/status")
    report = client.get(stage)
    assert report.status_code == 302 and "/imports/runs/" in report.headers["Location"]
    html = client.get(report.headers["Location"]).get_data(as_text=True)
    assert "Imported: walls.csv" in html and "Volume and mass by material" in html
    wall, partition = components(building.id)
    assert [cm.material_id for cm in partition.materials] == [sand_lime]
    assert row_counts()["components"] == before["components"] + 2

    again = client.post(stage + "/confirm", data={"csrf_token": _csrf(client, stage)})
    assert again.status_code == 302
    assert len(components(building.id)) == 2


def test_preview_lists_numbered_errors_and_offers_no_confirm(login, owner, building):
    client = login(owner)
    bad = CSV_HEADER + "W-1,Wall,external_wall,00,-2,m3,brick,4\n"
    stage = _stage_url(_upload(client, building, bad.encode(), "bad.csv"))
    wait_until_done(client, stage + "/status")
    html = client.get(stage).get_data(as_text=True)
    assert "1 error: nothing will be written" in html
    assert "must be greater than 0" in html and "<code>quantity</code>" in html
    assert "/confirm" not in html
    refused = client.post(stage + "/confirm", data={"csrf_token": _csrf(client, stage)})
    assert refused.status_code == 302


def test_refused_upload_shows_the_reason(login, owner, building, row_counts):
    client = login(owner)
    before = row_counts()
    response = _upload(client, building, b"%PDF-1.4 not a sheet", "components.csv")
    assert response.status_code == 415
    assert "This is a PDF document" in response.get_data(as_text=True)
    assert row_counts() == before


def test_progress_page_polls_with_a_static_script_and_refreshes_without(
    login, owner, building, monkeypatch
):
    from passports.imports import jobs

    monkeypatch.setattr(jobs, "start_job", lambda *a, **k: True)
    monkeypatch.setattr("passports.views.imports.start_job", lambda *a, **k: True)
    client = login(owner)
    stage = _stage_url(_upload(client, building, GOOD.encode(), "walls.csv"))
    html = client.get(stage).get_data(as_text=True)
    assert '<script src="/static/js/import-progress.js" defer></script>' in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html
    assert "<progress" in html and "style=" not in html
    assert not re.search(r"<script>(?!</script>)", html)  # no inline script
    status = client.get(stage + "/status").get_json()
    assert status["status"] == "new" and status["url"] == stage


def test_stage_belongs_to_its_user_and_building(
    login, owner, building, make_user, make_building, client
):
    mine = login(owner)
    stage = _stage_url(_upload(mine, building, GOOD.encode(), "walls.csv"))
    wait_until_done(mine, stage + "/status")
    other_building = make_building(owner)
    moved = stage.replace(f"/buildings/{building.id}/", f"/buildings/{other_building.id}/")
    assert mine.get(moved).status_code == 404
    assert mine.get(stage.rsplit("/", 1)[0] + "/not-a-stage").status_code == 404
    stage_id = stage.rsplit("/", 1)[1]
    meta = Path(staging_root()) / stage_id / "meta.json"
    assert meta.exists()
    colleague = make_user("owner", org=owner.organisation)
    mine.post("/logout", data={"csrf_token": _csrf(mine, "/")})
    login(colleague)
    assert client.get(stage).status_code == 404


@pytest.mark.parametrize(("role", "status"), [("contractor", 404), ("buyer", 404)])
def test_only_writers_may_import(make_user, login, building, role, status):
    client = login(make_user(role))
    assert client.get(f"/buildings/{building.id}/imports").status_code == status


def test_owner_of_another_organisation_may_not_import(make_user, login, building, token_for):
    stranger = make_user("owner")
    client = login(stranger)
    assert client.get(f"/buildings/{building.id}/imports").status_code == 404
    response = client.post(
        f"/api/v1/buildings/{building.id}/imports",
        headers=token_for(stranger),
        **multipart({"file": (io.BytesIO(GOOD.encode()), "x.csv")}),
    )
    assert response.status_code == 404


def test_granted_contractor_reads_but_gets_403_on_import(
    make_user, make_org, login, owner, building, token_for, db
):
    from passports import services

    contractor = make_user("contractor")
    services.grant_access(building, contractor.organisation_id, owner, None)
    db.session.commit()
    response = login(contractor).post(
        f"/api/v1/buildings/{building.id}/imports",
        headers=token_for(contractor),
        **multipart({"file": (io.BytesIO(GOOD.encode()), "x.csv")}),
    )
    assert response.status_code == 403


def test_admin_may_import_and_mapping_goes_to_the_building_owner(
    make_user, login, building, owner, material_id, db
):
    from passports.imports.models import MaterialMapping

    admin = make_user("admin")
    client = login(admin)
    stage = _stage_url(_upload(client, building, GOOD.encode(), "walls.csv"))
    wait_until_done(client, stage + "/status")
    client.post(
        stage + "/mappings",
        data={
            "csrf_token": _csrf(client, stage),
            "map-0": str(material_id("calcium-silicate-brick")),
        },
    )
    wait_until_done(client, stage + "/status")
    db.session.rollback()
    mapping = db.session.query(MaterialMapping).one()
    assert mapping.organisation_id == owner.organisation_id


def test_templates_download_from_the_pages(login, owner):
    client = login(owner)
    csv = client.get("/imports/template.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert csv.data.startswith(b"\xef\xbb\xbfexternal_id,name,category")
    xlsx = client.get("/imports/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert "attachment" in xlsx.headers["Content-Disposition"]


def test_mapping_page_edits_and_removes(login, owner, client, auth, material_id):
    created = client.post(
        "/api/v1/material-mappings",
        headers=auth,
        json={"source_name": "Kalkzandsteen XL", "material_id": material_id("concrete-block")},
    )
    mapping_id = created.get_json()["id"]
    page = login(owner).get("/imports/mappings").get_data(as_text=True)
    assert "Kalkzandsteen XL" in page
    token = _csrf(client, "/imports/mappings")
    client.post(
        f"/imports/mappings/{mapping_id}",
        data={
            "csrf_token": token,
            "action": "save",
            "material_id": str(material_id("calcium-silicate-brick")),
        },
    )
    listed = client.get("/api/v1/material-mappings", headers=auth).get_json()["items"]
    assert listed[0]["material_id"] == material_id("calcium-silicate-brick")
    client.post(f"/imports/mappings/{mapping_id}", data={"csrf_token": token, "action": "delete"})
    assert client.get("/api/v1/material-mappings", headers=auth).get_json()["items"] == []


def test_discard_removes_the_staged_file(login, owner, building):
    client = login(owner)
    stage = _stage_url(_upload(client, building, GOOD.encode(), "walls.csv"))
    wait_until_done(client, stage + "/status")
    client.post(stage + "/discard", data={"csrf_token": _csrf(client, stage)})
    assert client.get(stage).status_code == 404
    assert not (Path(staging_root()) / stage.rsplit("/", 1)[1]).exists()


def test_expired_stages_are_swept(login, owner, building):
    client = login(owner)
    stage = _stage_url(_upload(client, building, GOOD.encode(), "walls.csv"))
    wait_until_done(client, stage + "/status")
    meta_path = Path(staging_root()) / stage.rsplit("/", 1)[1] / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps({**meta, "expires": time.time() - 1}))
    second = _stage_url(_upload(client, building, GOOD.encode(), "walls.csv"))
    wait_until_done(client, second + "/status")
    assert not meta_path.parent.exists()
    assert client.get(stage).status_code == 404

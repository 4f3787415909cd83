"""The IDS check through the app: the preview shows each requirement's figures and failing
GlobalIds, the downloads (HTML, JSON, BCF) of a stage and of a committed import, the API's
report, and who may see them. The small IfcOpenHouse model keeps these tests quick."""

import io
import json
import re
import zipfile

import pytest
from flask import render_template_string

from tests.passports.imports.conftest import multipart
from tests.passports.imports.conftest import sample
from tests.passports.imports.conftest import wait_until_done

pytest.importorskip("ifctester")

HOUSE = "IfcOpenHouse_IFC4.ifc"


def _csrf(client, url: str) -> str:
    html = client.get(url, follow_redirects=True).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _upload(client, building, content: bytes, filename: str) -> str:
    url = f"/buildings/{building.id}/imports"
    fields = {"file": (io.BytesIO(content), filename), "csrf_token": _csrf(client, url)}
    response = client.post(url, **multipart(fields))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


@pytest.fixture
def house() -> bytes:
    return sample(HOUSE).read_bytes()


@pytest.fixture
def staged(login, owner, building, house):
    """The owner's client and the preview URL of IfcOpenHouse, checked."""
    client = login(owner)
    stage = _upload(client, building, house, "house.ifc")
    status = wait_until_done(client, stage + "/status")
    assert status["status"] == "done", status
    return client, stage


def test_preview_shows_each_requirement_and_the_failing_guids(staged, components, building):
    client, stage = staged
    html = client.get(stage).get_data(as_text=True)
    assert "IDS check: what a material passport needs from the model" in html
    assert "<caption>Requirements of the IDS material_passport.ids, checked with ifctester" in html
    # The material row: 39 elements checked, 4 pass (the walls' layer sets), 35 fail.
    row = re.search(r"MP-02</span>(.*?)</tr>", html, re.S).group(1)
    cells = re.findall(r'<td class="num">([^<]*)</td>', row)
    assert cells == ["39", "4", "35"] and "Not met" in row
    assert "Building elements have a material or a material layer set" in row
    assert re.search(r"MP-05</span>.*?<td class=\"num\">40</td>.*?Passed", html, re.S)
    assert "Not applicable" in html  # MP-06: nothing classified
    assert '<details class="change ids-failures" id="ids-MP-02">' in html
    assert "MP-02 Building elements have a material or a material layer set: 35 elements fail" in (
        html
    )
    assert "No material or material set" in html
    assert html.count("<code>IfcMember</code>") >= 20
    # A warning, not an error: the import is offered.
    assert "can still be imported" in html and "Import 40 components" in html
    for fmt in ("html", "json", "bcf"):
        assert f'href="{stage}/ids.{fmt}" download' in html
    assert components(building.id) == []


def test_preview_speaks_the_readers_language(login, owner, building, house):
    client = login(owner)
    stage = _upload(client, building, house, "house.ifc")
    wait_until_done(client, stage + "/status")
    html = client.get(stage, headers={"Accept-Language": "nl"}).get_data(as_text=True)
    assert 'lang="nl"' in html
    assert "Building elements have a material or a material layer set" not in html


def test_stage_downloads(staged):
    client, stage = staged
    page = client.get(stage + "/ids.html")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert page.headers["Content-Disposition"] == 'inline; filename="house-ids.html"'
    policy = page.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'; style-src 'sha256-")
    html = page.get_data(as_text=True)
    assert "<style>" in html and "<script" not in html
    assert not re.search(r'(src|href)="https?://', html)  # self-contained
    assert "<caption>" in html and '<th scope="row">MP-02' in html
    assert html.count("<tr><td><code>") == 35 + 33  # every failing element listed

    data = client.get(stage + "/ids.json")
    assert data.mimetype == "application/json"
    body = json.loads(data.data)
    assert body["model"]["filename"] == "house.ifc" and len(body["model"]["sha256"]) == 64
    specs = {s["identifier"]: s for s in body["specifications"]}
    assert (specs["MP-02"]["applicable"], specs["MP-02"]["failed"]) == (39, 35)
    guids = {f["guid"] for f in specs["MP-02"]["failures"]}
    assert len(guids) == 35

    bcf = client.get(stage + "/ids.bcf")
    assert bcf.status_code == 200
    assert bcf.headers["Content-Disposition"] == 'attachment; filename="house-ids.bcf"'
    archive = zipfile.ZipFile(io.BytesIO(bcf.data))
    assert archive.testzip() is None and "bcf.version" in archive.namelist()
    markups = [n for n in archive.namelist() if n.endswith("/markup.bcf")]
    failing = guids | {f["guid"] for f in specs["MP-03"]["failures"]}
    assert len(markups) == len(failing)  # a topic per failing element
    text = "".join(archive.read(n).decode("utf-8") for n in markups)
    assert all(guid in text for guid in failing)
    viewpoints = "".join(
        archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".bcfv")
    )
    assert all(f'IfcGuid="{guid}"' in viewpoints for guid in failing)

    assert client.get(stage + "/ids.pdf").status_code == 404


def test_committed_import_keeps_the_check_and_its_downloads(staged, db):
    client, stage = staged
    client.post(stage + "/confirm", data={"csrf_token": _csrf(client, stage)})
    wait_until_done(client, stage + "/status")
    run_page = client.get(stage, follow_redirects=True)
    html = run_page.get_data(as_text=True)
    assert "Imported: house.ifc" in html and "MP-02" in html
    run_url = run_page.request.path
    for fmt in ("html", "json", "bcf"):
        assert f'href="{run_url}/ids.{fmt}" download' in html
        assert client.get(f"{run_url}/ids.{fmt}").status_code == 200
    body = client.get(f"{run_url}/ids.json").get_json()
    assert body["failed_specifications"] == 2


def test_downloads_need_the_same_access_as_the_preview(
    staged, make_user, make_building, login, owner, client
):
    mine, stage = staged
    other = make_building(owner)
    moved = stage.replace("/buildings/", "/buildings/x", 1)
    assert mine.get(moved + "/ids.json").status_code == 404
    elsewhere = re.sub(r"/buildings/\d+/", f"/buildings/{other.id}/", stage)
    assert mine.get(elsewhere + "/ids.json").status_code == 404
    mine.post("/logout", data={"csrf_token": _csrf(mine, "/")})
    assert client.get(stage + "/ids.json").status_code in (302, 401)
    login(make_user("owner", org=owner.organisation))
    assert client.get(stage + "/ids.json").status_code == 404  # not the uploader's stage
    client.post("/logout", data={"csrf_token": _csrf(client, "/")})
    login(make_user("buyer"))
    assert client.get(stage + "/ids.bcf").status_code == 404


def test_a_csv_import_has_no_ids_report(login, owner, building):
    client = login(owner)
    csv = b"external_id,name,category,storey,quantity,unit\nW-1,Wall,internal_wall,00,1,m3\n"
    stage = _upload(client, building, csv, "walls.csv")
    wait_until_done(client, stage + "/status")
    assert "IDS check" not in client.get(stage).get_data(as_text=True)
    assert client.get(stage + "/ids.json").status_code == 404


def test_long_lists_are_cut_with_a_count(app):
    failures = [
        {"guid": f"{i:022d}", "ifc_class": "IfcWall", "name": f"W{i}", "reasons": [], "at": None}
        for i in range(60)
    ]
    spec = {
        "identifier": "MP-03",
        "name": "x",
        "usage": "optional",
        "status": "failed",
        "applicable": 60,
        "passed": 0,
        "failed": 60,
        "failures": failures,
        "failures_truncated": False,
    }
    summary = {
        "ids": {"file": "material_passport.ids"},
        "status": "failed",
        "ok": False,
        "failed_specifications": 1,
        "specifications": [spec],
    }
    source = (
        '{% from "passports/imports/_ids.html" import ids_check %}'
        "{{ ids_check(ids, 'passports.import_run_ids', {'building_id': 1, 'run_id': 2}) }}"
    )
    with app.test_request_context("/"):
        html = render_template_string(source, ids=summary)
    assert html.count("<tr><td><code>") == 50
    assert "10 more elements are not listed here: the downloads list them all." in html


def test_api_dry_run_reports_the_check_as_a_warning(post_import, house, row_counts):
    before = row_counts()
    response = post_import(house, "house.ifc", dry_run=True)
    assert response.status_code == 200, response.get_json()
    report = response.get_json()
    ids = report["ids"]
    assert ids["status"] == "failed" and ids["failed_specifications"] == 2
    specs = {s["identifier"]: s for s in ids["specifications"]}
    assert [specs[c]["status"] for c in ("MP-01", "MP-02", "MP-03", "MP-06")] == [
        "passed",
        "failed",
        "failed",
        "not_applicable",
    ]
    assert specs["MP-02"]["failures"][0]["reasons"][0]["code"] == "material"
    assert any("IDS are not met" in w["text"] for w in report["warnings"])
    assert report["ok"] is True and row_counts() == before


def test_api_import_keeps_the_check_with_the_run(post_import, house, auth, client, building):
    response = post_import(house, "house.ifc")
    assert response.status_code == 201
    run = client.get(
        f"/api/v1/buildings/{building.id}/imports/{response.get_json()['import_id']}",
        headers=auth,
    ).get_json()
    assert run["report"]["ids"]["specifications"][1]["failed"] == 35


@pytest.mark.parametrize(
    ("content", "status", "words"),
    [
        (b"%PDF-1.7 not a model", 415, "This is a PDF document"),
        (
            b"ISO-10303-21;\nHEADER;\nFILE_SCHEMA(('IFC4'));\nENDSEC;\nDATA;\n#1=IFCWALL(",
            422,
            "truncated",
        ),
    ],
)
def test_not_ifc_or_damaged_is_refused_and_nothing_written(
    post_import, row_counts, content, status, words
):
    before = row_counts()
    response = post_import(content, "model.ifc")
    assert response.status_code == status
    assert words in response.get_json()["message"]
    assert row_counts() == before

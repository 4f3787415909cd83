"""The register import with a database: preview and commit, all or nothing, re-import by
register id, linking passport buildings, permissions on pages and API, the command line."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
from sqlalchemy import func
from sqlalchemy import select

from mine.models import RegisterBuilding
from mine.register.jobs import run_file
from mine.synthetic import REGISTER_COLUMNS
from tests.conftest import PASSWORD

HEADER = ",".join(REGISTER_COLUMNS)


def line(register_id, address="Kerkstraat 1", use="residential", area="120", **more) -> str:
    row = {
        "register_id": register_id,
        "address": address,
        "city": "Brummen",
        "country": "NL",
        "latitude": "52.0900",
        "longitude": "6.1500",
        "use": use,
        "structure": "",
        "year_built": "1960",
        "gross_floor_area_m2": area,
        "footprint_m2": "",
        "storeys": "",
        "planned_demolition": "",
        **more,
    }
    out = io.StringIO()
    csv.writer(out).writerow([row[c] for c in REGISTER_COLUMNS])
    return out.getvalue().strip()


def register_file(tmp_path, *lines, name="register.csv"):
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def count(db, org_id) -> int:
    return db.session.scalar(
        select(func.count(RegisterBuilding.id)).where(RegisterBuilding.organisation_id == org_id)
    )


def wait_for(client, url, headers=None, timeout=20.0):
    """Poll a job's JSON until it is done or failed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = client.get(url, headers=headers).get_json()
        if body["status"] in ("done", "failed"):
            return body
        time.sleep(0.05)
    raise AssertionError(f"job not done: {body}")


def test_preview_then_commit_then_reimport_updates_by_id(db, make_org, tmp_path):
    org = make_org()
    path = register_file(tmp_path, line("R1"), line("R2", area=""), line("R3"))
    preview = run_file(org.id, str(path), dry_run=True)
    assert preview["ok"] and not preview["committed"]
    assert (preview["counts"]["new"], preview["counts"]["without_estimate"]) == (3, 1)
    assert preview["sample"][0]["estimated_mass_kg"] > 0
    assert count(db, org.id) == 0

    done = run_file(org.id, str(path), dry_run=False)
    assert done["committed"] and count(db, org.id) == 3
    r2 = db.session.scalar(select(RegisterBuilding).where(RegisterBuilding.register_id == "R2"))
    assert r2.floor_area_m2 is None and r2.estimated_mass_kg is None

    # R1 changes use and area, R2 gains an area, R3 is left out (kept), R4 is new.
    again = register_file(
        tmp_path, line("R1", use="office", area="500"), line("R2", area="80"), line("R4")
    )
    report = run_file(org.id, str(again), dry_run=False)
    c = report["counts"]
    assert (c["new"], c["updated"], c["unchanged"], c["kept"]) == (1, 2, 0, 1)
    db.session.expire_all()
    r1 = db.session.scalar(select(RegisterBuilding).where(RegisterBuilding.register_id == "R1"))
    assert (r1.use_type, r1.floor_area_m2) == ("office", 500.0)
    assert r1.intensity_key.startswith("commercial|")
    assert count(db, org.id) == 4
    assert run_file(org.id, str(again), dry_run=True)["counts"]["unchanged"] == 3


def test_any_error_writes_nothing_and_numbers_the_rows(db, make_org, tmp_path):
    org = make_org()
    path = register_file(
        tmp_path,
        line("R1"),
        line("", address="No id"),
        line("R1"),
        line("R4", use="spaceport"),
        line("R5", area="-3"),
        line("R6", latitude="95"),
        line("R7", year_built="2999"),
        line("R8", planned_demolition="soon"),
    )
    report = run_file(org.id, str(path), dry_run=False)
    assert not report["ok"] and not report["committed"]
    assert [(e["row"], e["field"]) for e in report["errors"]] == [
        (3, "register_id"),
        (4, "register_id"),
        (5, "use"),
        (6, "gross_floor_area_m2"),
        (7, "latitude"),
        (8, "year_built"),
        (9, "planned_demolition"),
    ]
    assert count(db, org.id) == 0


def test_geojson_import_takes_centroid_and_footprint(db, make_org, tmp_path):
    org = make_org()
    square = [[6.15, 52.09], [6.1502, 52.09], [6.1502, 52.0902], [6.15, 52.0902], [6.15, 52.09]]
    feature = {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [square]},
        "properties": {"id": "G1", "use": "office", "floors": 3, "construction_year": 1985},
    }
    path = tmp_path / "register.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    assert run_file(org.id, str(path), dry_run=False)["committed"]
    entry = db.session.scalar(select(RegisterBuilding))
    assert entry.footprint_m2 == pytest.approx(304.2, abs=0.5)
    assert entry.floor_area_m2 == pytest.approx(3 * entry.footprint_m2)
    assert (entry.latitude, entry.longitude) == (pytest.approx(52.0901), pytest.approx(6.1501))


def test_linking_by_register_id_and_by_address(db, make_org, make_user, make_building, tmp_path):
    org = make_org()
    owner = make_user("owner", org=org)
    by_id = make_building(owner, register_id="R1", address="Elsewhere 9")
    by_address = make_building(owner, address="Kerkstraat  2", latitude=52.0900, longitude=6.1501)
    far = make_building(owner, address="Kerkstraat 3", latitude=52.1, longitude=6.2)
    path = register_file(
        tmp_path, line("R1"), line("R2", address="kerkstraat 2"), line("R3", address="Kerkstraat 3")
    )
    report = run_file(org.id, str(path), dry_run=False)
    assert report["counts"]["linked"] == 2
    pairs = select(RegisterBuilding.register_id, RegisterBuilding.building_id)
    links = {r.register_id: r.building_id for r in db.session.execute(pairs)}
    assert links == {"R1": by_id.id, "R2": by_address.id, "R3": None}
    # Editing the far building's id (passports' building_saved) links it at once.
    from passports.services import update_building

    update_building(far, {"register_id": "R3"})
    db.session.commit()
    assert (
        db.session.scalar(
            select(RegisterBuilding.building_id).where(RegisterBuilding.register_id == "R3")
        )
        == far.id
    )


def test_pages_preview_commit_and_permissions(
    db, app, make_org, make_user, login, client, tmp_path
):
    org, other = make_org(), make_org()
    owner = make_user("owner", org=org)
    login(owner)
    assert client.get(f"/register/imports/new?organisation_id={other.id}").status_code == 404
    page = client.get("/register/imports/new")
    assert page.status_code == 200
    body = "\n".join([HEADER, line("R1"), line("R2")]).encode()
    response = client.submit(
        "/register/imports",
        {"organisation_id": str(org.id), "file": (io.BytesIO(body), "r.csv")},
        page="/register/imports/new",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    stage_url = response.headers["Location"]
    wait_for(client, stage_url + "/status")
    preview = client.get(stage_url)
    assert b"R1" in preview.data and count(db, org.id) == 0
    response = client.submit(stage_url + "/commit", {}, page=stage_url)
    assert response.status_code == 302
    wait_for(client, stage_url + "/status")
    assert count(db, org.id) == 2
    listing = client.get(f"/register/{org.id}?q=R2")
    assert listing.status_code == 200 and b"R2" in listing.data and b">R1<" not in listing.data
    assert client.get(f"/register/{other.id}").status_code == 404
    # A buyer of the organisation reads the register but may not import.
    buyer, browser = make_user("buyer", org=org), app.test_client()
    browser.submit("/login", {"email": buyer.email, "password": PASSWORD})
    assert browser.get(f"/register/{org.id}").status_code == 200
    assert browser.get("/register/imports/new").status_code == 403


def test_api_import_job_list_and_422(db, app, make_org, make_user, token_for, client):
    org, other = make_org(), make_org()
    owner, admin = make_user("owner", org=org), make_user("admin")
    headers, admin_headers = token_for(owner), token_for(admin)
    body = "\n".join([HEADER, line("R1"), line("R2", use="retail")]).encode()

    def post(data, h=headers):
        return client.post(
            "/api/v1/register/imports",
            data=data,
            headers=h,
            content_type="multipart/form-data",
        )

    refused = post({"file": (io.BytesIO(body), "r.csv"), "organisation_id": str(other.id)})
    assert refused.status_code == 404
    assert post({"file": (io.BytesIO(body), "r.csv"), "dry_run": "perhaps"}).status_code == 422
    started = post({"file": (io.BytesIO(body), "r.csv"), "dry_run": "false"})
    assert started.status_code == 202, started.get_json()
    job = wait_for(client, started.get_json()["status_url"], headers)
    assert job["status"] == "done" and job["report"]["counts"]["new"] == 2
    # Someone else's job is not found.
    assert (
        client.get(started.get_json()["status_url"], headers=token_for(make_user())).status_code
        == 404
    )
    # An admin imports for another organisation: errors come back row-numbered.
    bad = "\n".join([HEADER, line("X1", use="spaceport")]).encode()
    started = post(
        {"file": (io.BytesIO(bad), "r.csv"), "organisation_id": str(other.id), "dry_run": "false"},
        admin_headers,
    )
    job = wait_for(client, started.get_json()["status_url"], admin_headers)
    assert job["report"]["errors"][0]["row"] == 2 and count(db, other.id) == 0

    page = client.get("/api/v1/register/buildings?use=retail", headers=headers).get_json()
    assert set(page) == {"items", "total", "page", "per_page"}
    assert [b["register_id"] for b in page["items"]] == ["R2"]
    entry = page["items"][0]
    assert (
        client.get(f"/api/v1/register/buildings/{entry['id']}", headers=headers).status_code == 200
    )
    stranger = token_for(make_user("owner", org=other))
    assert (
        client.get(f"/api/v1/register/buildings/{entry['id']}", headers=stranger).status_code == 404
    )
    assert client.get("/api/v1/register/buildings", headers=stranger).get_json()["total"] == 0
    for query in ("colour=red", "use=spaceport", "has_passport=maybe", "per_page=1000"):
        response = client.get(f"/api/v1/register/buildings?{query}", headers=headers)
        assert response.status_code == 422, query
    has = client.get("/api/v1/register/buildings?has_passport=false", headers=headers)
    assert has.get_json()["total"] == 2


def test_cli_import_reestimate_and_demo(db, runner, make_org, tmp_path):
    org = make_org(name="Gemeente Testdorp")
    bad = register_file(tmp_path, line("R1"), line("R2", use="spaceport"), name="bad.csv")
    result = runner.invoke(args=["mine", "import", str(bad), "--organisation", "gemeente testdorp"])
    assert result.exit_code == 1
    assert "row 3 [use]" in result.output and count(db, org.id) == 0
    good = register_file(tmp_path, line("R1"), line("R2"), name="good.csv")
    result = runner.invoke(
        args=["mine", "import", str(good), "--organisation", str(org.id), "--dry-run"]
    )
    assert result.exit_code == 0 and "Dry run" in result.output and count(db, org.id) == 0
    result = runner.invoke(args=["mine", "import", str(good), "--organisation", str(org.id)])
    assert result.exit_code == 0 and count(db, org.id) == 2
    db.session.execute(RegisterBuilding.__table__.update().values(estimated_mass_kg=1.0))
    db.session.commit()
    result = runner.invoke(args=["mine", "reestimate"])
    assert result.exit_code == 0 and "2 re-estimated" in result.output
    assert runner.invoke(args=["mine", "demo"]).exit_code == 1  # no demo data yet

"""Dashboards of an organisation and a city: the urban mine, lifecycle masses, CO2 avoided by
collected reuse, activity per month, who may see what, and the CSV and PDF exports."""

import csv
import io
import re
from datetime import date

import pypdfium2 as pdfium
import pytest
from sqlalchemy import select

from app.extensions import db as _db
from dashboard import services as dashboard_services
from dashboard.models import BuildingActivity
from dashboard.models import BuildingMetricPart
from dashboard.models import BuildingMetrics
from passports import services
from passports import synthetic
from passports.metrics.queries import SUMS
from passports.metrics.queries import building_figures
from passports.models import Building

HOSPITAL = (55.7128, 12.5385)
# 0.27° of latitude north of the hospital: 30.0 km by the haversine formula.
SCHOOL = (55.9828, 12.5385)


@pytest.fixture
def seller(make_user):
    return make_user("owner")


@pytest.fixture
def hospital(seller, make_building, make_component, material_id):
    building = make_building(
        seller,
        name="Bispebjerg Ward Block K",
        city="København",
        country="DK",
        latitude=HOSPITAL[0],
        longitude=HOSPITAL[1],
        status="demolition_planned",
        planned_date=date(2027, 4, 1),
    )
    brick = material_id("facing-brick")
    make_component(
        building,
        name="Facing brick, reclaimed",
        category="facade",
        quantity=275.0,
        unit="t",
        status="in_storage",
        condition=4,
        materials=[{"material_id": brick, "fraction": 1.0}],
    )
    make_component(
        building,
        name="Concrete frame",
        category="structure",
        quantity=400.0,
        unit="m3",
        connection_type="cast",
        materials=[{"material_id": material_id("reinforced-concrete"), "fraction": 1.0}],
    )
    return building


def _api(client, headers, path):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def _collect_bricks(client, hospital, seller, buyer, school, token_for):
    """List the bricks, reserve them for the school, accept and collect: one reuse."""
    sh, bh = token_for(seller), token_for(buyer)
    brick = next(
        c
        for c in _api(client, sh, f"/api/v1/buildings/{hospital.id}/components")["items"]
        if c["name"].startswith("Facing")
    )
    listing = client.post(
        f"/api/v1/buildings/{hospital.id}/listings",
        headers=sh,
        json={"component_ids": [brick["id"]], "title": "Reclaimed bricks", "price_basis": "free"},
    )
    assert listing.status_code == 201, listing.json
    lid = listing.json["id"]
    assert client.post(f"/api/v1/listings/{lid}/publish", headers=sh).status_code == 200
    reservation = client.post(
        f"/api/v1/listings/{lid}/reservations",
        headers=bh,
        json={"quantity": 275.0, "destination_building_id": school.id},
    )
    assert reservation.status_code == 201, reservation.json
    rid = reservation.json["id"]
    assert client.post(f"/api/v1/reservations/{rid}/accept", headers=sh).status_code == 200
    done = client.post(f"/api/v1/reservations/{rid}/collect", headers=sh)
    assert done.status_code == 200, done.json
    return done.json


def test_organisation_dashboard_sums_its_buildings(
    client, db, seller, hospital, token_for, make_building, make_component, material_id
):
    town = make_building(seller, name="Town hall", city="Brummen")
    make_component(
        town,
        name="Glulam beams",
        quantity=10.0,
        unit="t",
        materials=[{"material_id": material_id("glulam"), "fraction": 1.0}],
    )
    d = _api(client, token_for(seller), "/api/v1/dashboard/organisation")
    figures = [building_figures(b.id) for b in (hospital, town)]
    mass = sum(f["mass_kg"] for f in figures)
    assert d["scope"]["kind"] == "organisation"
    assert d["buildings"] == {"in_scope": 2, "with_passports": 2, "not_summarised": 0}
    assert d["component_count"] == 3 and d["mass_kg"] == pytest.approx(mass)
    assert d["carbon_a1a3_kg"] == pytest.approx(sum(f["carbon_a1a3_kg"] for f in figures))
    # The average MCI of the organisation is weighted by mass across both buildings.
    expected = sum(f["mci"] * f["mass_kg"] for f in figures) / mass
    assert d["mci"] == pytest.approx(expected)
    mine = {r["family"]: r["mass_kg"] for r in d["urban_mine"]}
    assert mine["masonry"] == pytest.approx(275_000) and mine["timber"] == pytest.approx(10_000)
    life = {r["status"]: r for r in d["lifecycle"]}
    assert life["in_storage"]["mass_kg"] == pytest.approx(275_000)
    assert life["installed"]["count"] == 2 and life["reserved"]["count"] == 0
    assert [b["name"] for b in d["top_buildings"]] == ["Bispebjerg Ward Block K", "Town hall"]


def test_co2_avoided_by_a_collected_reuse(
    app, client, db, seller, hospital, make_user, make_building, token_for, login
):
    app.config["CITY_MIN_BUILDINGS"] = 2  # the hospital and the school: the city opens
    buyer = make_user("buyer")
    school = make_building(
        buyer,
        name="Katrinedals Skole",
        city="København",
        country="DK",
        latitude=SCHOOL[0],
        longitude=SCHOOL[1],
        use_type="education",
    )
    reservation = _collect_bricks(client, hospital, seller, buyer, school, token_for)
    # 275 t of facing brick, 30 km: 66.0 t new − 0.74 t cleaning − 0.88 t transport ≈ 64.4 t.
    assert reservation["distance_km"] == pytest.approx(30.0, abs=0.1)
    assert reservation["co2_avoided_kg"] == pytest.approx(64_374, rel=0.002)
    city = _api(client, token_for(buyer), "/api/v1/dashboard/cities/k%C3%B8benhavn")
    co2 = city["co2_avoided"]
    assert co2["total_kg"] == pytest.approx(reservation["co2_avoided_kg"])
    assert co2["total_transactions"] == 1  # harvested and received in the city: counted once
    assert co2["harvested_transactions"] == co2["received_transactions"] == 1
    assert 60_000 <= co2["total_kg"] <= 70_000
    life = {r["status"]: r["mass_kg"] for r in city["lifecycle"]}
    assert life["transferred"] == pytest.approx(275_000)  # now in the school's passport
    seller_view = _api(client, token_for(seller), "/api/v1/dashboard/organisation")
    assert seller_view["co2_avoided"]["harvested_kg"] == pytest.approx(co2["total_kg"])
    assert seller_view["co2_avoided"]["received_transactions"] == 0
    buyer_view = _api(client, token_for(buyer), "/api/v1/dashboard/organisation")
    assert buyer_view["co2_avoided"]["received_kg"] == pytest.approx(co2["total_kg"])
    # The reused bricks are reused feedstock in the school: F_U = 1.
    school_figures = building_figures(school.id)
    assert school_figures["mci"] > 0.5
    login(seller)
    page = client.get(f"/buildings/{hospital.id}").get_data(as_text=True)
    assert "64.4 tCO2e" in page and "1 collection" in page


def test_activity_by_month_and_refresh_on_every_write(client, db, seller, hospital, token_for):
    headers = token_for(seller)
    components = _api(client, headers, f"/api/v1/buildings/{hospital.id}/components")["items"]
    frame = next(c for c in components if c["name"] == "Concrete frame")
    for body in (
        {"kind": "inspected", "condition": 3},
        {"kind": "note", "notes": "Core samples taken"},
        {"kind": "inspected", "condition": 3, "occurred_at": "2026-01-15T10:00:00"},
    ):
        assert (
            client.post(
                f"/api/v1/components/{frame['id']}/events", headers=headers, json=body
            ).status_code
            == 201
        )
    d = _api(client, headers, "/api/v1/dashboard/cities/København")
    activity = {r["month"]: r["events"] for r in d["activity"]}
    this_month = date.today().strftime("%Y-%m")
    assert activity[this_month] >= 2 and sum(activity.values()) >= 3
    kinds = {r["kind"]: r["events"] for r in d["activity_by_kind"]}
    assert kinds["inspected"] >= 2 and kinds["note"] == 1
    assert len(d["activity"]) == 12
    # An archived component leaves the figures at once.
    before = d["mass_kg"]
    assert client.delete(f"/api/v1/components/{frame['id']}", headers=headers).status_code == 204
    after = _api(client, headers, "/api/v1/dashboard/cities/København")
    assert after["mass_kg"] == pytest.approx(before - frame["mass_kg"])


def test_who_sees_which_dashboard(app, client, db, seller, hospital, make_user, token_for, login):
    app.config.update(CITY_MIN_BUILDINGS=1, CITY_MIN_ORGANISATIONS=1)  # the city is open
    for role in ("buyer", "contractor", "owner", "admin"):
        headers = token_for(make_user(role))
        city = client.get("/api/v1/dashboard/cities/København", headers=headers)
        assert city.status_code == 200
    stranger = make_user("owner")
    city = _api(client, token_for(stranger), "/api/v1/dashboard/cities/København")
    assert city["buildings"]["with_passports"] == 1 and city["top_buildings"] == []  # unnamed
    assert (
        _api(client, token_for(seller), "/api/v1/dashboard/cities/København")["top_buildings"][0][
            "name"
        ]
        == "Bispebjerg Ward Block K"
    )
    own_org = seller.organisation_id
    assert (
        client.get(
            f"/api/v1/dashboard/organisation?organisation_id={own_org}", headers=token_for(stranger)
        ).status_code
        == 404
    )
    admin = _api(
        client,
        token_for(make_user("admin")),
        f"/api/v1/dashboard/organisation?organisation_id={own_org}",
    )
    assert admin["scope"]["name"] == seller.organisation.name
    assert (
        client.get("/api/v1/dashboard/cities/Atlantis", headers=token_for(stranger)).status_code
        == 404
    )
    assert client.get("/api/v1/dashboard/cities/København").status_code == 401
    assert client.get("/dashboard/").status_code == 302  # to the login page
    login(stranger)
    assert client.get(f"/dashboard/organisation?organisation_id={own_org}").status_code == 404
    assert client.get("/dashboard/cities/København").status_code == 200


def _csp_clean(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert not re.search(r"\sstyle\s*=", html)


def test_pages_and_exports(client, db, seller, hospital, login, make_building):
    make_building(seller, name='=HYPERLINK("x")', city="København")
    login(seller)
    index = client.get("/dashboard/").get_data(as_text=True)
    assert "København" in index and "buildings with passports" in index
    for path in ("/dashboard/organisation", "/dashboard/cities/K%C3%B8benhavn"):
        html = client.get(path).get_data(as_text=True)
        assert "Urban mine" in html and "<svg" in html and "CO₂e avoided to date" in html
        _csp_clean(html)
    exported = client.get("/dashboard/cities/København/export.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(exported.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Item", "Measure", "Value", "Unit"]
    table = {(r[0], r[1], r[2]): r[3] for r in rows[1:]}
    assert table[("Scope", "City", "Name")] == "København"
    assert float(table[("Urban mine", "Masonry", "Mass")]) == pytest.approx(275_000)
    assert ("Lifecycle", "Reinstalled", "Mass") in table
    assert not any(r[1].startswith("=") for r in rows)  # no formula reaches a spreadsheet
    report = client.get("/dashboard/cities/København/report.pdf")
    assert report.status_code == 200 and report.mimetype == "application/pdf"
    pdf = pdfium.PdfDocument(report.data)
    try:
        text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()
    assert "København" in text and "Urban mine" in text and "CO2e avoided" in text
    assert client.get("/dashboard/organisation/report.pdf").status_code == 200
    assert client.get("/dashboard/organisation/export.csv").status_code == 200


def _tables(db):
    db.session.expire_all()
    metrics = {
        m.building_id: tuple(round(getattr(m, c), 6) for c in SUMS)
        for m in db.session.scalars(select(BuildingMetrics))
    }
    parts = {
        (p.building_id, p.dimension, p.key): (p.component_count, round(p.mass_kg, 6))
        for p in db.session.scalars(select(BuildingMetricPart))
    }
    activity = {
        (a.building_id, a.month, a.kind): a.event_count
        for a in db.session.scalars(select(BuildingActivity))
    }
    return metrics, parts, activity


def test_bulk_data_is_summarised_by_the_refresh_command(
    client, db, seller, hospital, runner, token_for
):
    written = _tables(db)
    dashboard_services.refresh_all()
    db.session.commit()
    assert _tables(db) == written  # the write-time refresh agrees with a full one
    synthetic.generate(3, 60, organisation=seller.organisation, seed=5)
    db.session.commit()
    d = _api(client, token_for(seller), "/api/v1/dashboard/organisation")
    assert d["buildings"]["not_summarised"] == 3 and d["component_count"] == 2
    result = runner.invoke(args=["dashboard", "refresh"])
    assert result.exit_code == 0, result.output
    assert "Scored 60 components; refreshed 4 buildings." in result.output
    d = _api(client, token_for(seller), "/api/v1/dashboard/organisation")
    assert d["buildings"]["not_summarised"] == 0 and d["component_count"] == 62
    assert d["unscored_components"] == 0
    ids = _db.session.scalars(select(Building.id)).all()
    assert d["mass_kg"] == pytest.approx(sum(building_figures(i)["mass_kg"] for i in ids))
    services.load_material_library()
    db.session.commit()


def test_a_one_building_dashboard_shows_the_figures_of_its_passport(
    client, db, make_user, make_building, make_component, material_id, token_for
):
    owner = make_user("owner")
    building = make_building(owner, name="Brummen town hall")
    make_component(building, name="Facing brick", quantity=20.0, unit="t")
    make_component(
        building,
        name="Oak stair",
        quantity=2.0,
        unit="m3",
        connection_type="screwed",
        materials=[{"material_id": material_id("sawn-hardwood"), "fraction": 1.0}],
    )
    make_component(building, name="Unknown panel", quantity=12, unit="pcs", materials=[])
    headers = token_for(owner)
    dashboard = _api(client, headers, "/api/v1/dashboard/organisation")
    summary = _api(client, headers, f"/api/v1/buildings/{building.id}/passport.json")["summary"]
    # The same figure under the name each public document has always given it.
    assert dashboard["mass_kg"] == pytest.approx(summary["total_mass_kg"]) == 21_400
    for name in ("component_count", "components_without_mass", "carbon_a1a3_kg", "mci"):
        assert dashboard[name] == pytest.approx(summary[name]), name
    assert dashboard["disassembly_score"] == pytest.approx(summary["disassembly_score"])
    assert dashboard["completeness"] == pytest.approx(summary["completeness"])
    assert (dashboard["component_count"], dashboard["components_without_mass"]) == (3, 1)
    [top] = dashboard["top_buildings"]
    assert top["mci"] == pytest.approx(summary["mci"])
    assert top["mass_kg"] == pytest.approx(summary["total_mass_kg"])

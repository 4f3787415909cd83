"""A city's yearly monitoring report: the figures of the year in the API, the CSV's columns, the
PDF's text in English and Japanese, and who may download it."""

import csv
import io

import pypdfium2 as pdfium
import pytest

from tests.dashboard import mine_world
from tests.dashboard.mine_world import THIS_YEAR


@pytest.fixture
def world(db, make_user, make_building, make_component, material_id):
    return mine_world.build(db, make_user, make_building, make_component, material_id)


def _pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    return " ".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def test_the_api_gives_the_year_s_figures_with_their_sources(client, world, token_for):
    headers = token_for(world.owner)
    path = f"/api/v1/dashboard/cities/brummen/monitoring/{THIS_YEAR}"
    report = client.get(path, headers=headers).json
    assert report["year"] == THIS_YEAR
    # The collected reuse of this year: 10 of 20 t listed (half the listing's mass).
    assert report["reuse"] == {
        "reservations": 1,
        "components": 1,
        "mass_kg": pytest.approx(10000.0),
        "co2_avoided_kg": pytest.approx(2500.0),
    }
    dashboard = client.get("/api/v1/dashboard/cities/brummen", headers=headers).json
    assert report["mine"] == dashboard["mine"]
    assert report["mci"] == dashboard["mci"]
    assert report["harvest"]["first_year"] == THIS_YEAR
    figures = {a["figure"] for a in report["annex"]}
    assert {"mine_surveyed", "mine_estimated", "reuse", "co2_avoided", "mci", "harvest"} <= figures
    assert all(a["source"] and a["method"] for a in report["annex"])
    # Last year: nothing was reused.
    last = client.get(
        f"/api/v1/dashboard/cities/brummen/monitoring/{THIS_YEAR - 1}", headers=headers
    )
    assert last.json["reuse"]["reservations"] == 0
    for year in (1999, THIS_YEAR + 1):
        bad = f"/api/v1/dashboard/cities/brummen/monitoring/{year}"
        assert client.get(bad, headers=headers).status_code == 404


def test_csv_and_pdf_in_english_and_japanese(client, world, login):
    login(world.owner)
    base = f"/dashboard/cities/Brummen/monitoring/{THIS_YEAR}"
    response = client.get(base + ".csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["Section", "Item", "Measure", "Value", "Unit"]
    reuse = [r for r in rows if r[0] == "Reuse through the exchange"]
    assert ["Reuse through the exchange", str(THIS_YEAR), "Mass reused", "10000", "kg"] in reuse
    assert any(r[0] == "Annex: sources and methods" and r[2] == "Method" for r in rows)
    assert {r[0] for r in rows} >= {"Urban mine", "Error of the estimate", "Demolition harvest"}

    pdf = client.get(base + ".pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = _pdf_text(pdf.data)
    assert f"Circular city monitoring report {THIS_YEAR}" in text
    assert "Annex: sources and methods" in text
    assert "Heeren and Fishman" in text
    ja = _pdf_text(client.get(base + ".pdf", headers={"Accept-Language": "ja"}).data)
    assert "Brummen" in ja and "Heeren" in ja
    assert "Annex: sources and methods" not in ja


def test_the_report_is_as_private_as_the_city_dashboard(client, world, make_user, login):
    path = f"/dashboard/cities/Brummen/monitoring/{THIS_YEAR}.pdf"
    assert client.get(path).status_code == 302  # to the login page
    login(make_user("owner"))  # no building in Brummen: the city is closed to them
    assert client.get(path).status_code == 404

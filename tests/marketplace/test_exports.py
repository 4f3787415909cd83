"""Procurement exports: CSV and XLSX read back with the csv module and openpyxl, formula
injection defused, the search export following the search, and reservations as OCDS awards."""

import csv
import io
import re
from datetime import date
from datetime import datetime

import openpyxl
import pytest

from marketplace import exports
from marketplace.exports import columns
from passports.models import Building

HEADERS = [str(c.header) for c in exports.COLUMNS]


@pytest.fixture
def seller(make_user):
    return make_user("owner")


@pytest.fixture
def buyer(make_user):
    return make_user("buyer")


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == HEADERS
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def read_xlsx(response):
    assert response.status_code == 200
    assert response.mimetype == exports.XLSX_MIME
    return openpyxl.load_workbook(io.BytesIO(response.get_data()))


def test_a_listing_as_csv(client, seller, buyer, make_listing, token_for):
    listing = make_listing(
        seller,
        quantity=40.0,
        price_basis="fixed",
        price_eur=35.5,
        description="Solid oak, 1970",
        available_until=date(2030, 6, 30),
    )
    [row] = read_csv(
        client.get(f"/api/v1/listings/{listing.id}/export.csv", headers=token_for(buyer))
    )
    tag = listing.items[0].component.tag
    assert row["Listing ID"] == str(listing.id) and row["Title"] == "Reclaimed oak doors"
    assert (row["CPV code"], row["CPV label"]) == ("03419000-0", "Timber")
    assert row["Description"] == "Solid oak, 1970"
    assert (row["Quantity available"], row["Unit"], row["UN/CEFACT unit"]) == ("40", "pcs", "C62")
    assert row["Mass (kg)"] == "1000" and row["Materials"] == "Sawn hardwood"
    assert (row["Pickup address"], row["City"], row["Country"]) == (
        "Markt 1, Brummen",
        "Brummen",
        "NL",
    )
    assert (row["Latitude"], row["Longitude"]) == ("52.09", "6.15")
    assert (row["Available from"], row["Available until"]) == ("", "2030-06-30")
    assert row["Future stock"] == "no" and row["Condition (1-5)"] == "4"
    assert row["Condition"].startswith("Good")
    assert (row["Price basis"], row["Price per unit (EUR)"]) == ("fixed", "35.5")
    assert row["Seller"] == seller.organisation.name
    assert row["Origin building"].endswith(", Brummen") and row["Year built"] == "1970"
    assert tag in row["Component passports"] and f"/t/{tag}" in row["Component passports"]
    # 1,000 kg of sawn hardwood at 0.24 kgCO2e/kg (ICE v2), no reprocessing: 240 kg.
    assert row["CO2e avoided (kg)"] == "240"
    assert row["Listing URL"].endswith(f"/exchange/listings/{listing.id}")


def test_a_listing_as_xlsx_with_its_components_and_the_about_sheet(
    client, seller, buyer, make_listing, make_lot, token_for
):
    listing = make_listing(
        seller,
        lot=make_lot(seller, count=2, quantity=10.0),
        available_from=date(2030, 1, 15),
        price_basis="fixed",
        price_eur=12.0,
    )
    book = read_xlsx(
        client.get(f"/api/v1/listings/{listing.id}/export.xlsx", headers=token_for(buyer))
    )
    assert book.sheetnames == ["Listings", "Components", "About"]
    sheet = book["Listings"]
    assert [c.value for c in sheet[1]] == HEADERS and sheet[1][0].font.bold
    assert sheet.freeze_panes == "B2" and sheet.max_row == 2
    row = {h: c for h, c in zip(HEADERS, sheet[2], strict=True)}
    assert row["Listing ID"].value == listing.id and row["CPV code"].value == "03419000-0"
    assert row["Quantity available"].value == 20 and row["Quantity available"].data_type == "n"
    assert row["Quantity available"].number_format == "#,##0.###"
    assert row["Available from"].value == datetime(2030, 1, 15)
    assert row["Available from"].number_format == "yyyy-mm-dd"
    assert row["Price per unit (EUR)"].value == 12 and row["Unit"].value == "pcs"
    assert row["CO2e avoided (kg)"].value == pytest.approx(120)
    assert sheet.column_dimensions["B"].width == exports.COLUMNS[1].width
    parts = book["Components"]
    assert [c.value for c in parts[1]][:2] == ["Tag", "Component"] and parts.max_row == 3
    assert {parts.cell(r, 1).value for r in (2, 3)} == {i.component.tag for i in listing.items}
    about = "\n".join(str(c.value) for r in book["About"].iter_rows() for c in r if c.value)
    assert "CO2 method" in about and "A1-A3" in about and "tonne-km" in about
    assert all(str(c.header) in about for c in exports.COLUMNS)


def test_formula_injection_is_defused(client, seller, buyer, make_listing, token_for):
    listing = make_listing(
        seller,
        title='=HYPERLINK("http://evil","x")',
        description="+SUM(A1:A9)",
        evidence="x",
        pickup_address="@cmd",
        price_basis="free",
    )
    headers = token_for(buyer)
    [row] = read_csv(client.get(f"/api/v1/listings/{listing.id}/export.csv", headers=headers))
    assert row["Title"] == '\'=HYPERLINK("http://evil","x")'
    assert row["Description"] == "'+SUM(A1:A9)" and row["Pickup address"] == "'@cmd"
    book = read_xlsx(client.get(f"/api/v1/listings/{listing.id}/export.xlsx", headers=headers))
    cells = {h: c for h, c in zip(HEADERS, book["Listings"][2], strict=True)}
    assert cells["Title"].data_type == "s" and cells["Title"].value.startswith("'=")
    assert cells["Description"].value == "'+SUM(A1:A9)"
    assert not any(c.data_type == "f" for r in book["Listings"].iter_rows() for c in r)
    assert exports.defuse("-1") == "'-1" and exports.defuse("a=b") == "a=b"


def test_search_export_follows_the_search_and_ignores_paging(
    client, db, seller, buyer, make_listing, make_lot, token_for, material_id
):
    for i in range(3):
        make_listing(seller, lot=make_lot(seller), title=f"Oak door lot {i}")
    # Of brick, not of the lot's default sawn hardwood: "oak" names sawn hardwood (an alias
    # in the material library), so a search for oak finds every sawn hardwood listing.
    brick = [{"material_id": material_id("common-clay-brick"), "fraction": 1.0}]
    bricks = make_listing(
        seller,
        lot=make_lot(seller, unit="m3", quantity=8.0, name="Brick wall", materials=brick),
        title="Yellow bricks",
        cpv_code="44111100-2",
    )
    make_listing(seller, lot=make_lot(seller), publish=False, title="Oak door draft")
    headers = token_for(buyer)
    rows = read_csv(
        client.get("/api/v1/listings/export.csv?sort=newest&per_page=1", headers=headers)
    )
    assert [r["Title"] for r in rows] == [
        "Yellow bricks",
        "Oak door lot 2",
        "Oak door lot 1",
        "Oak door lot 0",
    ]
    only = read_csv(client.get("/api/v1/listings/export.csv?cpv=4411", headers=headers))
    assert [r["Listing ID"] for r in only] == [str(bricks.id)]
    assert only[0]["UN/CEFACT unit"] == "MTQ"
    near = read_csv(
        client.get("/api/v1/listings/export.csv?q=oak&lat=52.0&lon=6.0", headers=headers)
    )
    assert len(near) == 3 and all(float(r["Distance (km)"]) > 5 for r in near)
    assert all(
        float(r["CO2e avoided after transport (kg)"]) < float(r["CO2e avoided (kg)"]) for r in near
    )
    book = read_xlsx(client.get("/api/v1/listings/export.xlsx?q=oak", headers=headers))
    assert book["Listings"].max_row == 4 and book.sheetnames == ["Listings", "About"]
    about = [c.value for r in book["About"].iter_rows() for c in r]
    assert any("q=oak" in str(value) for value in about)
    bad = client.get("/api/v1/listings/export.csv?cpv=abc", headers=headers)
    assert bad.status_code == 422


def test_search_export_stops_at_the_cap(
    client, seller, buyer, make_listing, make_lot, token_for, monkeypatch
):
    for i in range(5):
        make_listing(seller, lot=make_lot(seller), title=f"Door {i}")
    monkeypatch.setattr(columns, "EXPORT_CAP", 3)
    monkeypatch.setattr(columns, "BATCH", 2)
    rows = read_csv(client.get("/api/v1/listings/export.csv?sort=newest", headers=token_for(buyer)))
    assert [r["Title"] for r in rows] == ["Door 4", "Door 3", "Door 2"]


def test_exports_need_a_login_and_hide_drafts(client, seller, make_user, make_listing, token_for):
    draft = make_listing(seller, publish=False)
    assert client.get("/api/v1/listings/export.csv").status_code == 401
    assert client.get(f"/api/v1/listings/{draft.id}/export.csv").status_code == 401
    stranger = token_for(make_user("buyer"))
    for fmt in ("csv", "xlsx"):
        url = f"/api/v1/listings/{draft.id}/export.{fmt}"
        assert client.get(url, headers=stranger).status_code == 404
        assert client.get(url, headers=token_for(seller)).status_code == 200


def test_export_links_on_the_pages(client, seller, buyer, make_listing, login):
    listing = make_listing(seller, title="Doors")
    login(buyer)
    page = client.get(f"/exchange/listings/{listing.id}").get_data(as_text=True)
    assert f"/exchange/listings/{listing.id}/export.csv" in page
    assert f"/exchange/listings/{listing.id}/export.xlsx" in page
    [row] = read_csv(client.get(f"/exchange/listings/{listing.id}/export.csv"))
    assert row["Title"] == "Doors"
    rows = read_csv(client.get("/exchange/export.csv?q=doors&cpv=&page=2"))
    assert [r["Title"] for r in rows] == ["Doors"]
    assert read_xlsx(client.get("/exchange/export.xlsx")).sheetnames == ["Listings", "About"]
    assert client.get("/exchange/export.pdf").status_code == 404
    search = client.get("/exchange?q=doors&radius_km=50&lat=52.1&lon=6.2").get_data(as_text=True)
    links = re.findall(r'href="(/exchange/export\.\w+\?[^"]+)" download', search)
    assert [link.split("?")[0] for link in links] == [
        "/exchange/export.csv",
        "/exchange/export.xlsx",
    ]
    assert all("q=doors" in link and "radius_km=50" in link for link in links)
    [near] = read_csv(client.get(links[0].replace("&amp;", "&")))
    assert near["Title"] == "Doors"
    nothing = client.get("/exchange?q=windows").get_data(as_text=True)
    assert "/exchange/export." not in nothing  # no results, nothing to download
    assert client.get("/exchange/export.csv?condition_min=9").status_code == 422


# ------------------------------------------------------------------------ OCDS
def reserve(client, headers, listing_id, quantity, **extra):
    response = client.post(
        f"/api/v1/listings/{listing_id}/reservations",
        headers=headers,
        json={"quantity": quantity, **extra},
    )
    assert response.status_code == 201, response.json
    return response.json["id"]


RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


def check_ocds_shape(package: dict) -> dict:
    """The fields OCDS 1.1 requires of a release package, a release and an award."""
    for key in ("uri", "version", "publishedDate", "publisher", "releases"):
        assert key in package, key
    assert package["version"] == "1.1" and package["publisher"]["name"]
    assert RFC3339.match(package["publishedDate"])
    [release] = package["releases"]
    for key in ("ocid", "id", "date", "tag", "initiationType"):
        assert key in release, key
    assert release["tag"] == ["award"] and release["initiationType"] == "tender"
    assert RFC3339.match(release["date"])
    party_ids = {p["id"] for p in release["parties"]}
    [award] = release["awards"]
    assert award["id"] and award["status"] in ("pending", "active") and RFC3339.match(award["date"])
    assert {s["id"] for s in award["suppliers"]} <= party_ids
    assert release["buyer"]["id"] in party_ids
    for item in award["items"]:
        assert item["id"] and item["classification"]["scheme"] == "CPV"
        assert re.fullmatch(r"\d{8}", item["classification"]["id"])
        assert item["unit"]["scheme"] == "UNCEFACT"
    return release


def test_an_accepted_reservation_is_a_pending_ocds_award(
    client, db, seller, buyer, make_listing, token_for
):
    listing = make_listing(seller, quantity=40.0, price_basis="fixed", price_eur=35.5)
    school = Building(
        organisation_id=buyer.organisation_id,
        name="Katrinedals Skole",
        city="København",
        country="DK",
        latitude=55.67,
        longitude=12.5,
        use_type="education",
        status="in_use",
    )
    db.session.add(school)
    db.session.commit()
    bh, sh = token_for(buyer), token_for(seller)
    rid = reserve(
        client, bh, listing.id, 12, destination_building_id=school.id, needed_by="2031-03-01"
    )
    url = f"/api/v1/reservations/{rid}/ocds.json"
    early = client.get(url, headers=bh)
    assert early.status_code == 409 and early.json["current_status"] == "requested"
    client.post(f"/api/v1/reservations/{rid}/accept", headers=sh)
    response = client.get(url, headers=bh)
    assert response.status_code == 200 and response.mimetype == "application/json"
    package = response.json
    release = check_ocds_shape(package)
    assert package["uri"].endswith(url)
    assert release["ocid"] == f"ocds-mpx-{listing.id}"
    roles = {p["name"]: p["roles"] for p in release["parties"]}
    assert roles == {seller.organisation.name: ["supplier"], buyer.organisation.name: ["buyer"]}
    [award] = release["awards"]
    assert (
        award["status"] == "pending" and award["suppliers"][0]["name"] == seller.organisation.name
    )
    assert award["value"] == {"amount": 426.0, "currency": "EUR"}
    assert award["contractPeriod"] == {"endDate": "2031-03-01"}
    [item] = award["items"]
    assert item["classification"] == {"scheme": "CPV", "id": "03419000", "description": "Timber"}
    assert item["quantity"] == 12
    assert item["unit"] == {
        "scheme": "UNCEFACT",
        "id": "C62",
        "name": "piece",
        "value": {"amount": 35.5, "currency": "EUR"},
    }
    assert item["deliveryLocation"]["geometry"] == {"type": "Point", "coordinates": [6.15, 52.09]}
    assert "Markt 1" in item["deliveryLocation"]["description"]
    assert item["deliveryAddress"]["locality"] == "Brummen"
    assert client.get(url, headers=sh).status_code == 200  # the seller may read it too


def test_a_collected_reservation_is_an_active_award(
    client, seller, buyer, make_listing, make_lot, token_for
):
    listing = make_listing(
        seller, lot=make_lot(seller, unit="m3", quantity=8.0), price_basis="free"
    )
    bh, sh = token_for(buyer), token_for(seller)
    rid = reserve(client, bh, listing.id, 3.5)
    client.post(f"/api/v1/reservations/{rid}/accept", headers=sh)
    client.post(f"/api/v1/reservations/{rid}/collect", headers=sh)
    release = check_ocds_shape(client.get(f"/api/v1/reservations/{rid}/ocds.json", headers=bh).json)
    [award] = release["awards"]
    assert award["status"] == "active" and award["value"] == {"amount": 0, "currency": "EUR"}
    assert award["items"][0]["unit"] == {"scheme": "UNCEFACT", "id": "MTQ", "name": "cubic metre"}
    assert award["items"][0]["quantity"] == 3.5


def test_ocds_refuses_closed_reservations_and_strangers(
    client, seller, buyer, make_user, make_listing, token_for
):
    listing = make_listing(seller, price_basis="on_request")
    bh, sh = token_for(buyer), token_for(seller)
    rejected = reserve(client, bh, listing.id, 1)
    client.post(f"/api/v1/reservations/{rejected}/reject", headers=sh)
    cancelled = reserve(client, bh, listing.id, 1)
    client.post(f"/api/v1/reservations/{cancelled}/cancel", headers=bh)
    for rid in (rejected, cancelled):
        assert client.get(f"/api/v1/reservations/{rid}/ocds.json", headers=bh).status_code == 409
    accepted = reserve(client, bh, listing.id, 2)
    client.post(f"/api/v1/reservations/{accepted}/accept", headers=sh)
    url = f"/api/v1/reservations/{accepted}/ocds.json"
    assert "value" not in client.get(url, headers=bh).json["releases"][0]["awards"][0]
    assert client.get(url, headers=token_for(make_user("buyer"))).status_code == 404
    assert client.get(url, headers=token_for(make_user("owner"))).status_code == 404
    assert client.get(url).status_code == 401
    assert client.get("/api/v1/reservations/999999/ocds.json", headers=bh).status_code == 404
